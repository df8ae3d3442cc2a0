using System.Text;
using Akka.IO;
using ActorHttp.Actors;
using ActorHttp.Http;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Actors;

/// <summary>
/// The connection's reader, without actors: the steps it takes over pipelined input, the pipelining limits
/// (requests in flight, and request-body bytes they hold), the drain and rejection stops, and 100-continue.
/// </summary>
public sealed class RequestReaderSpec
{
    private static RequestReader Reader(string hocon = "", bool headFirst = false) =>
        new(TestSettings.For(Path.GetTempPath(), hocon), headFirst);

    private static string GetOf(string name) => $"GET /{name} HTTP/1.1\r\nHost: x\r\n\r\n";

    private static string PostOf(string name, string body) =>
        $"POST /{name} HTTP/1.1\r\nHost: x\r\nContent-Length: {body.Length}\r\n\r\n{body}";

    private static void Append(RequestReader reader, string text) => reader.Append(ByteString.FromBytes(Encoding.Latin1.GetBytes(text)));

    private static HttpRequest ExpectRequest(RequestReader reader, string target)
    {
        var step = reader.Next();
        Assert.Equal(ReadKind.Request, step.Kind);
        Assert.Equal(target, step.Request!.Target);
        return step.Request;
    }

    private static void ExpectNothing(RequestReader reader) => Assert.Equal(ReadKind.Nothing, reader.Next().Kind);

    [Fact]
    public void Pipelined_requests_in_one_frame_come_out_one_step_at_a_time_in_order()
    {
        var reader = Reader();
        Append(reader, GetOf("a") + PostOf("b", "hello") + GetOf("c"));

        ExpectRequest(reader, "/a");
        Assert.Equal("hello", Encoding.ASCII.GetString(ExpectRequest(reader, "/b").Body.Span));
        ExpectRequest(reader, "/c");
        ExpectNothing(reader);
        Assert.True(reader.IsEmpty);
    }

    [Fact]
    public void A_request_split_across_frames_is_nothing_until_its_last_byte_arrives()
    {
        var reader = Reader();
        Append(reader, "GET /a HTTP/1.1\r\nHo");
        ExpectNothing(reader);
        reader.Spill(); // as the actor does before the next frame: the frame's bytes are not kept by reference
        Append(reader, "st: x\r\n\r\n");

        ExpectRequest(reader, "/a");
    }

    [Fact]
    public void With_heads_first_a_request_with_a_body_comes_as_its_head_then_whole_once_buffered()
    {
        var reader = Reader(headFirst: true);
        Append(reader, PostOf("a", "hello"));

        var head = reader.Next();
        Assert.Equal(ReadKind.Head, head.Kind);
        Assert.Equal("/a", head.Request!.Target);
        Assert.True(reader.IsReadingBody);
        Assert.Null(reader.BufferBody());

        Assert.Equal("hello", Encoding.ASCII.GetString(ExpectRequest(reader, "/a").Body.Span));
        Assert.False(reader.IsReadingBody);
    }

    [Fact]
    public void Bytes_that_are_not_a_request_are_rejected_with_the_reason()
    {
        var reader = Reader();
        Append(reader, GetOf("a") + "GET /b HTTP/1.1\r\n\r\n"); // RFC 9112 §3.2: a request without Host

        ExpectRequest(reader, "/a");
        var step = reader.Next();
        Assert.Equal(ReadKind.Rejected, step.Kind);
        Assert.Equal(RequestRejectionReason.InvalidHost, step.Rejection);
    }

    [Fact]
    public void No_more_requests_are_read_while_the_most_in_flight_are_unanswered_and_one_is_once_one_is()
    {
        var reader = Reader("actorhttp.max-pipelined-requests = 2");
        Append(reader, GetOf("a") + GetOf("b") + GetOf("c"));

        var first = ExpectRequest(reader, "/a");
        ExpectRequest(reader, "/b");
        ExpectNothing(reader);
        Assert.True(reader.WantsSuspend);
        Assert.False(reader.IsEmpty);

        reader.Answered(first);
        Assert.False(reader.WantsSuspend);
        ExpectRequest(reader, "/c");
    }

    [Theory]
    [InlineData(9, true)]   // below the budget: the next request is read
    [InlineData(10, false)] // at the budget: it waits until earlier requests are answered
    public void No_new_request_starts_while_requests_in_flight_hold_the_body_budget(int bodyBytes, bool nextIsRead)
    {
        var reader = Reader("actorhttp.limits.max-pipelined-body-bytes = 10");
        Append(reader, PostOf("a", new string('x', bodyBytes)) + GetOf("b"));

        var first = ExpectRequest(reader, "/a");
        Assert.Equal(nextIsRead ? ReadKind.Request : ReadKind.Nothing, reader.Next().Kind);
        Assert.Equal(!nextIsRead, reader.WantsSuspend);

        if (nextIsRead) return;
        reader.Answered(first);
        ExpectRequest(reader, "/b");
    }

    [Fact]
    public void A_body_larger_than_the_budget_is_read_when_nothing_else_is_in_flight()
    {
        var reader = Reader("actorhttp.limits.max-pipelined-body-bytes = 10");
        Append(reader, PostOf("a", new string('x', 50)));

        ExpectRequest(reader, "/a");
    }

    [Fact]
    public void A_body_whose_head_started_under_the_budget_is_read_to_its_end_though_it_passes_the_budget()
    {
        var reader = Reader("actorhttp.limits.max-pipelined-body-bytes = 10");
        Append(reader, PostOf("a", "12345") + "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234");

        var first = ExpectRequest(reader, "/a");
        ExpectNothing(reader);          // /b's head is read, its body only in part
        Assert.True(reader.IsReadingBody);
        Assert.False(reader.WantsSuspend);
        reader.Spill();
        Append(reader, "56789" + GetOf("c"));

        var second = ExpectRequest(reader, "/b"); // 5 + 10 bytes held now: over the budget
        ExpectNothing(reader);
        Assert.True(reader.WantsSuspend);

        reader.Answered(first);         // still 10 held
        ExpectNothing(reader);
        reader.Answered(second);
        ExpectRequest(reader, "/c");
    }

    [Fact]
    public void Answering_a_rejection_frees_nothing_because_it_was_never_counted()
    {
        var reader = Reader("actorhttp.max-pipelined-requests = 1");
        Append(reader, GetOf("a") + GetOf("b"));

        ExpectRequest(reader, "/a");
        reader.Answered(null);
        ExpectNothing(reader);
    }

    [Fact]
    public void A_drain_stops_new_requests_but_keeps_the_input_and_reads_a_body_already_started_to_its_end()
    {
        var reader = Reader();
        Append(reader, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n12");
        ExpectNothing(reader);

        reader.Stop(discardInput: false);
        Assert.True(reader.Stopped);
        reader.Spill();
        Append(reader, "345" + GetOf("b"));

        ExpectRequest(reader, "/a");
        ExpectNothing(reader);
        Assert.False(reader.IsEmpty);
        Assert.True(reader.WantsSuspend);
    }

    [Fact]
    public void After_a_rejection_stop_drops_what_is_buffered()
    {
        var reader = Reader();
        Append(reader, "GET /a HTTP/1.1\r\n\r\n" + GetOf("b"));
        Assert.Equal(ReadKind.Rejected, reader.Next().Kind);

        reader.Stop(discardInput: true);

        Assert.True(reader.IsEmpty);
        ExpectNothing(reader);
    }

    [Fact]
    public void A_100_continue_is_taken_once_and_only_when_the_request_is_next_in_line()
    {
        var reader = Reader();
        const string expecting = "POST /a HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n";
        Append(reader, expecting);
        ExpectNothing(reader);
        Assert.True(reader.AwaitsContinue);

        Assert.False(reader.TakeContinue(nextInLine: false)); // requests ahead of it are not answered yet
        Assert.True(reader.TakeContinue(nextInLine: true));
        Assert.False(reader.TakeContinue(nextInLine: true));  // RFC 9110 §10.1.1: one 100 per request
        Assert.False(reader.AwaitsContinue);

        reader.Spill();
        Append(reader, "hello" + expecting);
        ExpectRequest(reader, "/a");
        ExpectNothing(reader);                                 // the next request expects its own 100
        Assert.True(reader.TakeContinue(nextInLine: true));
    }

    [Fact]
    public void A_client_that_sends_its_body_without_waiting_for_the_100_gets_none()
    {
        var reader = Reader();
        Append(reader, "POST /a HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n12");
        ExpectNothing(reader);

        Assert.False(reader.AwaitsContinue);
        Assert.False(reader.TakeContinue(nextInLine: true));
    }

    [Theory]
    [InlineData(true, "0123456789")]
    [InlineData(false, null)]
    public void A_streamed_body_is_read_as_it_arrives_kept_or_dropped_and_the_next_request_follows(bool keep, string? expected)
    {
        var reader = Reader(headFirst: true);
        Append(reader, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234");
        Assert.Equal(ReadKind.Head, reader.Next().Kind);
        reader.StreamBody();

        Assert.Equal(BodyRead.More, reader.ReadStreamedBody(keep, out var first, out _));
        Assert.Equal(BodyRead.More, reader.ReadStreamedBody(keep, out var none, out _));
        Assert.Null(none);
        Append(reader, "56789" + GetOf("b"));
        Assert.Equal(BodyRead.Ended, reader.ReadStreamedBody(keep, out var second, out _));

        Assert.Equal(expected, first is null ? null : first.ToString(Encoding.ASCII) + second!.ToString(Encoding.ASCII));
        Assert.False(reader.IsReadingBody);
        ExpectRequest(reader, "/b");
    }

    [Fact]
    public void A_streamed_body_counts_as_in_flight_from_its_head_while_it_is_read()
    {
        var reader = Reader("actorhttp.max-pipelined-requests = 1", headFirst: true);
        Append(reader, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n12");
        var head = reader.Next();
        reader.StreamBody();

        Assert.False(reader.WantsSuspend); // the body itself is still read
        Assert.Equal(BodyRead.More, reader.ReadStreamedBody(true, out _, out _));
        Append(reader, "34" + GetOf("b"));
        Assert.Equal(BodyRead.Ended, reader.ReadStreamedBody(true, out _, out _));

        ExpectNothing(reader);             // but no request after it while it is unanswered
        reader.Answered(head.Request);
        ExpectRequest(reader, "/b");
    }

    [Fact]
    public void Broken_chunk_framing_in_a_streamed_body_is_a_rejection()
    {
        var reader = Reader(headFirst: true);
        Append(reader, "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n");
        Assert.Equal(ReadKind.Head, reader.Next().Kind);
        reader.StreamBody();

        Assert.Equal(BodyRead.Rejected, reader.ReadStreamedBody(true, out _, out var rejection));
        Assert.NotEqual(default, rejection);
    }

    [Fact]
    public void A_head_counts_as_read_once_it_is_whole_not_when_its_first_bytes_arrive()
    {
        var reader = Reader();
        Assert.False(reader.HasReadAHead);
        Append(reader, "POST /a HTTP/1.1\r\nHost: x\r\n");
        ExpectNothing(reader);
        Assert.False(reader.HasReadAHead);

        reader.Spill();
        Append(reader, "Content-Length: 5\r\n\r\n1"); // the head is whole, its body is not
        ExpectNothing(reader);
        Assert.True(reader.HasReadAHead);
    }
}
