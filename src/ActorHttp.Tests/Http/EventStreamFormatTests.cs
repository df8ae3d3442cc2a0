using System.Text;
using ActorHttp.Http;

namespace ActorHttp.Tests.Http;

/// <summary>The text/event-stream encoding (WHATWG HTML §9.2.5, §9.2.6) as a table: event in, bytes or refusal out.</summary>
public sealed class EventStreamFormatTests
{
    public static TheoryData<string, ServerSentEvent, string> Encodings => new()
    {
        { "data alone", new("hello"), "data: hello\n\n" },
        { "empty data still dispatches", new(""), "data: \n\n" },
        { "LF splits data lines", new("a\nb"), "data: a\ndata: b\n\n" },
        { "CRLF splits once", new("a\r\nb"), "data: a\ndata: b\n\n" },
        { "lone CR splits", new("a\rb"), "data: a\ndata: b\n\n" },
        { "a trailing line break keeps an empty last line", new("a\n"), "data: a\ndata: \n\n" },
        { "blank lines inside data cannot end the event early", new("a\n\nb"), "data: a\ndata: \ndata: b\n\n" },
        { "a leading space survives the one the client strips", new(" x"), "data:  x\n\n" },
        { "data that looks like fields stays data", new("id: 9\nretry: 1"), "data: id: 9\ndata: retry: 1\n\n" },
        { "all fields", new("tick", Event: "time", Id: "7", Retry: 3000), "event: time\nid: 7\nretry: 3000\ndata: tick\n\n" },
        { "an empty event type is left out", new("x", Event: ""), "data: x\n\n" },
        { "an empty id is sent (it resets the last event id)", new("x", Id: ""), "id: \ndata: x\n\n" },
        { "retry zero", new("x", Retry: 0), "retry: 0\ndata: x\n\n" },
        { "UTF-8", new("héllo ☃"), "data: héllo ☃\n\n" },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void An_event_is_encoded_as_field_lines_ended_by_a_blank_line(string name, ServerSentEvent sent, string expected)
    {
        Assert.NotNull(name);
        Assert.Null(EventStreamFormat.Problem(sent));
        Assert.Equal(expected, Encoding.UTF8.GetString(EventStreamFormat.Encode(sent)));
    }

    public static TheoryData<string, ServerSentEvent> Refusals => new()
    {
        { "LF in the event type would inject a data line", new("x", Event: "a\ndata: injected") },
        { "CR in the event type", new("x", Event: "a\rretry: 1") },
        { "CRLF in the id", new("x", Id: "1\r\ndata: injected") },
        { "LF in the id", new("x", Id: "1\n") },
        { "NUL in the id, which clients ignore", new("x", Id: "1\02") },
        { "a negative retry", new("x", Retry: -1) },
        { "no data", new(null!) },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void An_event_that_would_inject_fields_or_be_ignored_is_refused(string name, ServerSentEvent sent)
    {
        Assert.NotNull(name);
        Assert.NotNull(EventStreamFormat.Problem(sent));
        Assert.Throws<ArgumentException>(() => EventStreamFormat.Encode(sent));
    }

    [Fact]
    public void The_heartbeat_is_a_comment_line_and_a_blank_line()
    {
        Assert.Equal(": \n\n", Encoding.ASCII.GetString(EventStreamFormat.Heartbeat));
    }
}
