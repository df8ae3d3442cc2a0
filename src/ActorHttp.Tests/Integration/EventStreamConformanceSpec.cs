using System.Text;
using Akka.Actor;
using Akka.TestKit;
using ActorHttp.Handlers;
using ActorHttp.Http;
using ActorHttp.Routing;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Integration;

/// <summary>
/// Server-sent events as a browser's EventSource parses them (WHATWG HTML §9.2.6), over a real socket: line breaks in
/// data, a hostile Last-Event-ID, heartbeats, an HTTP/1.0 client, and a client that stops reading.
/// </summary>
public sealed class EventStreamConformanceSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private readonly TestWww _www = new();
    private readonly TestProbe _stopped;
    private TestServer _server = null!;

    public EventStreamConformanceSpec() => _stopped = CreateTestProbe();

    public async Task InitializeAsync()
    {
        var settings = TestSettings.For(_www.Root, "actorhttp.sse { heartbeat-interval = 200ms, max-queued-events = 64 }");
        var routes = new RouteBuilder()
            .Map("GET", "/events/lines", EventStreams.Route(Props.Create<LinesHandler>(), settings.EventStreams))
            .Map("GET", "/events/silent", EventStreams.Route(Props.Create<SilentHandler>(), settings.EventStreams))
            .Map("GET", "/events/flood", EventStreams.Route(Props.Create(() => new FloodHandler(_stopped.Ref)), settings.EventStreams))
            .Build();
        _server = await TestServer.StartAsync(Sys, settings, routes);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _www.Dispose();
    }

    /// <summary>Pushes data holding every kind of line break, then the Last-Event-ID it was opened with, then ends.</summary>
    private sealed class LinesHandler : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is not EventStreamOpened opened) return;
            opened.Stream.Push(new ServerSentEvent("one\rtwo\nthree\r\nfour\n\nfive"));
            opened.Stream.Push(new ServerSentEvent("last=" + (opened.LastEventId ?? "none")));
            opened.Stream.Complete();
        }
    }

    private sealed class SilentHandler : UntypedActor
    {
        protected override void OnReceive(object message) { }
    }

    /// <summary>Pushes 1 KiB events in rounds as fast as its mailbox turns (at most 20 MiB); tells the probe when it is stopped.</summary>
    private sealed class FloodHandler(IActorRef stopped) : UntypedActor
    {
        private const int Rounds = 320;
        private EventStream? _stream;
        private int _round;

        protected override void OnReceive(object message)
        {
            if (message is EventStreamOpened opened) _stream = opened.Stream;
            if (_stream is null || _round++ >= Rounds) return;
            for (var i = 0; i < 64; i++) _stream.Push(new ServerSentEvent(new string('x', 1024)));
            Self.Tell("more");
        }

        protected override void PostStop() => stopped.Tell("stopped");
    }

    /// <summary>The events of a text/event-stream body as an EventSource splits them: blocks of lines ended by a blank line.</summary>
    private static List<string[]> Events(string body) =>
        body.Replace("\r\n", "\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e.Split('\n')).ToList();

    [Fact]
    public void Data_with_CR_LF_and_CRLF_line_breaks_goes_out_as_one_data_line_per_line_and_nothing_else()
    {
        using var client = _server.Connect();
        client.Send("GET /events/lines HTTP/1.1\r\nHost: x\r\n\r\n");

        var response = client.ReadResponse();
        Assert.Equal("chunked", response.Header("Transfer-Encoding"));
        var events = Events(response.BodyText);
        Assert.Equal(new[] { "data: one", "data: two", "data: three", "data: four", "data: ", "data: five" }, events[0]);
        Assert.Equal(new[] { "data: last=none" }, events[1]);
        // No bare CR anywhere: an EventSource would end a line at it (§9.2.5).
        Assert.DoesNotContain('\r', response.BodyText);
    }

    [Theory]
    [InlineData("5\u0000")]
    [InlineData("5\u0001\u001b[31m")]
    [InlineData("5\u007f")]
    [InlineData("5\rdata: injected")]
    public void A_Last_Event_ID_with_control_bytes_is_refused_before_any_stream_starts(string lastEventId)
    {
        using var client = _server.Connect();
        client.Send($"GET /events/lines HTTP/1.1\r\nHost: x\r\nLast-Event-ID: {lastEventId}\r\n\r\n");

        var response = client.ReadResponse();
        Assert.Equal(400, response.Status);
        Assert.DoesNotContain("injected", response.BodyText);
    }

    [Theory]
    [InlineData("5\r\ndata: injected")]
    [InlineData("5\ndata: injected")]
    public void A_line_break_in_Last_Event_ID_ends_the_field_and_what_follows_is_a_field_of_its_own_never_a_data_line(string lastEventId)
    {
        using var client = _server.Connect();
        client.Send($"GET /events/lines HTTP/1.1\r\nHost: x\r\nLast-Event-ID: {lastEventId}\r\n\r\n");

        // "data: injected" is a request header field named data (RFC 9112 §2.2 lets a server take a bare LF as a line end).
        var events = Events(client.ReadResponse().BodyText);
        Assert.Equal(new[] { "data: last=5" }, events[1]);
        Assert.DoesNotContain(events.SelectMany(e => e), line => line.Contains("injected"));
    }

    [Fact]
    public void A_Last_Event_ID_with_bytes_above_0x7F_stays_inside_its_one_data_line()
    {
        using var client = _server.Connect();
        client.Send(Encoding.Latin1.GetBytes("GET /events/lines HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 5\u0085\u00e9 x: y\r\n\r\n"));

        var events = Events(client.ReadResponse().BodyText);
        Assert.Equal(2, events.Count);
        var line = Assert.Single(events[1]);
        Assert.StartsWith("data: last=5", line);
    }

    [Fact]
    public void A_silent_stream_sends_heartbeat_comments_on_the_wire()
    {
        using var client = _server.Connect();
        client.Send("GET /events/silent HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal(200, client.ReadHead().Status);
        // Chunked: the size line of the 4-byte comment, the comment and its blank line.
        Assert.Equal("4\r\n: \n\n\r\n", Encoding.ASCII.GetString(client.ReadBytes(9)));
    }

    [Fact]
    public void An_HTTP_1_0_client_gets_the_stream_unchunked_until_the_server_closes()
    {
        using var client = _server.Connect();
        client.Send("GET /events/lines HTTP/1.0\r\nHost: x\r\n\r\n");

        var response = client.ReadResponse();
        Assert.Equal(200, response.Status);
        Assert.Null(response.Header("Transfer-Encoding"));
        Assert.True(response.ClosesConnection);
        Assert.Equal(new[] { "data: last=none" }, Events(response.BodyText)[1]);
    }

    [Fact]
    public void A_client_that_stops_reading_is_cut_and_its_handler_stopped_rather_than_buffered()
    {
        using var client = _server.Connect();
        client.Send("GET /events/flood HTTP/1.1\r\nHost: x\r\n\r\n");

        // Nothing read: the events pile up behind the kernel's buffers until max-queued-events is passed.
        _stopped.ExpectMsg("stopped", TimeSpan.FromSeconds(20));
        Assert.True(client.IsClosedByServer());
    }
}
