using Akka.Actor;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.TestKit;
using ActorHttp.Configuration;
using ActorHttp.Handlers;
using ActorHttp.Http;
using ActorHttp.Routing;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Handlers;

/// <summary>
/// An event-stream route end to end without sockets, in virtual time: the response its per-request actor replies, and
/// the body run with a probe for the connection that acknowledges each chunk as the response streamer does.
/// </summary>
public sealed class EventStreamsSpec : Akka.TestKit.Xunit2.TestKit
{
    public EventStreamsSpec() : base(Support.VirtualTime.Config) { }

    private static readonly EventStreamSettings Settings = new(TimeSpan.FromSeconds(15), MaxQueuedEvents: 4);

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    /// <summary>Tells a probe what it was opened with, itself as the sender.</summary>
    private sealed class ReportingHandler : ReceiveActor
    {
        public ReportingHandler(IActorRef probe) => Receive<EventStreamOpened>(opened => probe.Tell(opened));
    }

    private const string Init = "init", Ack = "ack", Done = "done";

    private sealed record Stream(HttpResponse Response, TestProbe Connection, EventStreamOpened Opened, IActorRef Handler)
    {
        public string Next()
        {
            var chunk = Connection.ExpectMsg<ByteString>();
            Connection.Reply(Ack);
            return chunk.ToString();
        }
    }

    private Stream Open(EventStreamSettings? settings = null, params (string, string)[] headers)
    {
        var handlerProbe = CreateTestProbe();
        var route = (RouteTarget.PerRequest)EventStreams.Route(Props.Create(() => new ReportingHandler(handlerProbe.Ref)), settings ?? Settings);
        Sys.ActorOf(route.Props).Tell(Requests.Get("/events", headers), TestActor);
        var response = ExpectMsg<HttpResponse>();
        var connection = CreateTestProbe();
        ((ResponseBody.Stream)response.Body).Source.RunWith(
            Sink.ActorRefWithAck<ByteString>(connection.Ref, Init, Ack, Done, e => e), Sys.Materializer());
        connection.ExpectMsg(Init);
        connection.Reply(Ack);
        var opened = handlerProbe.ExpectMsg<EventStreamOpened>();
        return new Stream(response, connection, opened, handlerProbe.LastSender);
    }

    [Fact]
    public void The_response_is_an_uncached_event_stream_of_unknown_length()
    {
        var stream = Open();
        stream.Response.ShouldHaveStatus(200).ShouldHaveHeader("Content-Type", "text/event-stream").ShouldHaveHeader("Cache-Control", "no-store");
        Assert.Null(stream.Response.Body.Length);
    }

    [Fact]
    public void Pushed_events_are_written_in_order_and_completing_ends_the_body_after_them()
    {
        var stream = Open();
        stream.Opened.Stream.Push(new ServerSentEvent("one", Id: "1"));
        stream.Opened.Stream.Push(new ServerSentEvent("two\nlines", Event: "multi"));
        stream.Opened.Stream.Complete();

        Assert.Equal("id: 1\ndata: one\n\n", stream.Next());
        Assert.Equal("event: multi\ndata: two\ndata: lines\n\n", stream.Next());
        stream.Connection.ExpectMsg(Done);
    }

    [Fact]
    public void A_silent_stream_sends_a_heartbeat_comment_each_interval()
    {
        var stream = Open();
        stream.Connection.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        // The tick is scheduled as the stream starts, which the probe cannot see: advance until it fires.
        AwaitAssert(() =>
        {
            Scheduler.Advance(Settings.HeartbeatInterval);
            Assert.Equal(": \n\n", stream.Next());
        }, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(10));
        Scheduler.Advance(Settings.HeartbeatInterval);
        Assert.Equal(": \n\n", stream.Next());
    }

    [Fact]
    public void The_Last_Event_ID_a_reconnecting_client_sent_reaches_the_handler()
    {
        Assert.Equal("41", Open(headers: ("Last-Event-ID", "41")).Opened.LastEventId);
        Assert.Null(Open().Opened.LastEventId);
    }

    [Fact]
    public void A_handler_that_stops_ends_the_stream()
    {
        var stream = Open();
        stream.Opened.Stream.Push(new ServerSentEvent("last"));
        Assert.Equal("data: last\n\n", stream.Next());
        Sys.Stop(stream.Handler);
        stream.Connection.ExpectMsg(Done);
    }

    [Fact]
    public void A_client_that_goes_away_stops_the_handler()
    {
        var stream = Open();
        Watch(stream.Handler);
        Sys.Stop(stream.Connection.Ref); // the connection actor stops when its client disconnects
        ExpectTerminated(stream.Handler);
    }

    [Fact]
    public void More_events_queued_than_allowed_for_a_client_that_does_not_read_fail_the_stream()
    {
        var stream = Open(Settings with { MaxQueuedEvents = 2 });
        for (var i = 0; i < 100; i++) stream.Opened.Stream.Push(new ServerSentEvent(i.ToString()));
        stream.Connection.FishForMessage(m => m is BufferOverflowException);
    }

    [Fact]
    public void An_event_that_would_inject_fields_is_refused_in_the_handler_that_pushes_it()
    {
        var client = CreateTestProbe();
        var stream = new EventStream(client.Ref);
        Assert.Throws<ArgumentException>(() => stream.Push(new ServerSentEvent("x", Id: "1\ndata: injected")));
        client.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }
}
