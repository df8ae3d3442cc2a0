using Akka.Actor;
using Akka.Event;
using Akka.TestKit;
using ActorHttp.Tests.Support;
using Tcp = Akka.IO.Tcp;

namespace ActorHttp.Tests.Actors;

/// <summary>
/// The connection actor against a probe standing in for the socket, in virtual time: the sleep route and
/// the timeouts run in milliseconds of real time.
/// </summary>
public sealed class ConnectionActorSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly TestWww _www = new();

    public ConnectionActorSpec() : base(Support.VirtualTime.Config) { }

    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private ConnectionHarness Connect(string hocon = "") => new(this, TestSettings.For(_www.Root, hocon));

    [Fact]
    public void A_request_arriving_in_fragments_is_answered_once_it_is_complete()
    {
        var conn = Connect();
        conn.Receive("GET / HT");
        conn.Receive("TP/1.1\r\nHo");
        conn.ExpectNoWrite();
        conn.Receive("st: x\r\n\r\n");

        var response = conn.ExpectResponse();
        Assert.Equal(200, response.Status);
        Assert.Equal(TestWww.Hello, response.BodyText);
        Assert.StartsWith("text/html", response.Header("Content-Type"));
        Assert.Equal(TestWww.Hello.Length.ToString(), response.Header("Content-Length"));
        Assert.NotNull(response.Header("Date"));
    }

    [Fact]
    public void Pipelined_requests_in_one_frame_are_answered_in_order()
    {
        var conn = Connect();
        conn.Receive("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /missing HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal(200, conn.ExpectResponse().Status);
        var second = conn.ExpectResponse();
        Assert.Equal(404, second.Status);
        Assert.Equal(TestWww.Oops, second.BodyText);
        Assert.Equal(200, conn.ExpectResponse().Status);
    }

    [Fact]
    public void Sleep_is_answered_only_after_the_delay_by_a_timer_message()
    {
        var conn = Connect("actorhttp.sleep-delay = 5s");
        conn.Receive("GET /sleep HTTP/1.1\r\nHost: x\r\n\r\n");
        conn.Settle();

        Clock.Advance(TimeSpan.FromSeconds(4.9));
        conn.ExpectNoWrite();
        Clock.Advance(TimeSpan.FromSeconds(0.1));

        var response = conn.ExpectResponse();
        Assert.Equal(200, response.Status);
        Assert.Equal(TestWww.Hello, response.BodyText);
    }

    [Fact]
    public void A_sleep_followed_by_fast_requests_on_the_same_connection_is_answered_first()
    {
        var conn = Connect("actorhttp.sleep-delay = 5s");
        conn.Receive("GET /sleep HTTP/1.1\r\nHost: x\r\n\r\nGET /missing HTTP/1.1\r\nHost: x\r\n\r\n");
        conn.Settle();
        conn.ExpectNoWrite();

        Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(200, conn.ExpectResponse().Status);
        Assert.Equal(404, conn.ExpectResponse().Status);
    }

    [Fact]
    public void Connection_close_is_answered_then_the_connection_is_closed_at_once_and_the_actor_stops()
    {
        // The client asked to close and sent nothing more: no lingering, as nginx and Kestrel.
        var conn = Connect();
        conn.Receive("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        var response = conn.ExpectResponse();
        Assert.Equal(200, response.Status);
        Assert.True(response.ClosesConnection);
        conn.Connection.ExpectMsg<Tcp.Close>();
        conn.Send(Tcp.Closed.Instance);
        conn.ExpectTerminated();
    }

    [Fact]
    public void A_response_in_memory_cut_by_its_client_is_logged_with_the_body_bytes_written_not_its_length()
    {
        // As nginx's $body_bytes_sent: what was handed to the socket. A 2 MiB echo goes out 16 writes ahead of their acks.
        var logged = new List<ActorHttp.Observability.CompletedExchange>();
        var conn = new ConnectionHarness(this, TestSettings.For(_www.Root), observer: new RecordingObserver(logged));
        var body = new string('x', 2 * 1024 * 1024);
        conn.Receive($"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: {body.Length}\r\n\r\n{body}");

        var written = 0L;
        var head = -1;
        for (var i = 0; i < ActorHttp.Actors.ResponseStreamer.WholeWindow; i++)
        {
            var data = conn.Connection.ExpectMsg<Tcp.Write>().Data;
            if (head < 0) head = data.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
            written += data.Count;
        }
        conn.Send(new Tcp.ErrorClosed("Connection reset by peer"));
        conn.ExpectTerminated();

        lock (logged)
        {
            var entry = Assert.Single(logged);
            Assert.Equal(200, entry.Status);
            Assert.Equal(written - head, entry.BodyBytes);
        }
    }

    [Fact]
    public void Connection_close_with_a_pipelined_request_behind_it_lingers_so_the_answer_is_not_lost_to_a_reset()
    {
        var conn = Connect();
        conn.Receive("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");

        var response = conn.ExpectResponse();
        Assert.True(response.ClosesConnection);
        conn.Connection.ExpectMsg<Tcp.ConfirmedClose>();
        conn.Send(Tcp.ConfirmedClosed.Instance);
        conn.ExpectTerminated();
    }

    [Fact]
    public void A_request_pipelined_behind_Connection_close_is_neither_processed_nor_logged_as_one_its_client_abandoned()
    {
        var logged = new List<ActorHttp.Observability.CompletedExchange>();
        var conn = new ConnectionHarness(this, TestSettings.For(_www.Root), observer: new RecordingObserver(logged));
        conn.Receive("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.True(conn.ExpectResponse().ClosesConnection);
        conn.Connection.ExpectMsg<Tcp.ConfirmedClose>();
        conn.Send(Tcp.ConfirmedClosed.Instance);
        conn.ExpectTerminated();

        // RFC 9112 §9.6: not processed, so not logged either, least of all as a 499 ("client closed request").
        lock (logged) Assert.Equal(new[] { "/" }, logged.Select(e => e.Target));
    }

    [Fact]
    public void Connection_close_with_part_of_another_request_unread_lingers()
    {
        var conn = Connect();
        conn.Receive("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /hel");

        Assert.True(conn.ExpectResponse().ClosesConnection);
        conn.Connection.ExpectMsg<Tcp.ConfirmedClose>();
    }

    [Fact]
    public void An_http10_request_without_keep_alive_is_answered_and_closed()
    {
        var conn = Connect();
        conn.Receive("GET / HTTP/1.0\r\n\r\n");

        var response = conn.ExpectResponse();
        Assert.Equal(200, response.Status);
        Assert.True(response.ClosesConnection);
        conn.Connection.ExpectMsg<Tcp.Close>();
    }

    [Fact]
    public void An_http10_request_with_keep_alive_keeps_the_connection()
    {
        var conn = Connect();
        conn.Receive("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");

        var response = conn.ExpectResponse();
        Assert.Equal("keep-alive", response.Header("Connection"));
        conn.Receive("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        Assert.Equal(200, conn.ExpectResponse().Status);
    }

    [Fact]
    public void The_actor_stops_when_the_peer_closes_an_idle_connection()
    {
        var conn = Connect();
        conn.Receive("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        conn.ExpectResponse();

        conn.Send(Tcp.PeerClosed.Instance);
        // Our side closes through Akka.IO, so a response still queued goes out; then the actor stops.
        conn.Connection.ExpectMsg<Tcp.Close>();
        conn.Send(Tcp.Closed.Instance);
        conn.ExpectTerminated();
    }

    [Fact]
    public void A_client_that_vanishes_mid_sleep_leaves_nothing_behind()
    {
        var conn = Connect("actorhttp.sleep-delay = 5s");
        conn.Receive("GET /sleep HTTP/1.1\r\nHost: x\r\n\r\n");
        conn.Settle();

        conn.Send(new Tcp.ErrorClosed("Connection reset by peer"));
        conn.ExpectTerminated();
        // The sleep timer died with the actor: advancing past it produces no write and no dead letter. A timer
        // that fired would be told to the stopped actor within Advance, on this thread, and its dead letter published
        // there too: so it would reach the probe before the marker told after Advance (no 3 s wait for none).
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe(deadLetters, typeof(AllDeadLetters));
        Clock.Advance(TimeSpan.FromSeconds(10));
        deadLetters.Ref.Tell("after the advance");
        deadLetters.ExpectMsg("after the advance");
        conn.Connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_half_closed_client_still_gets_the_answers_to_what_it_sent_then_the_connection_closes()
    {
        var conn = Connect();
        conn.Receive("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        conn.Send(Tcp.PeerClosed.Instance);

        Assert.Equal(200, conn.ExpectResponse().Status);
        // Closed through Akka.IO (which sends what is queued first), never aborted.
        conn.Connection.ExpectMsg<Tcp.CloseCommand>(close => Assert.IsNotType<Tcp.Abort>(close));
    }

    [Fact]
    public void A_client_that_half_closes_during_a_sleep_still_gets_its_answer_then_the_connection_closes()
    {
        var conn = Connect("actorhttp.sleep-delay = 5s");
        conn.Receive("GET /sleep HTTP/1.1\r\nHost: x\r\n\r\n");
        conn.Send(Tcp.PeerClosed.Instance);
        conn.Settle();

        Clock.Advance(TimeSpan.FromSeconds(5));
        var response = conn.ExpectResponse();
        Assert.Equal(200, response.Status);
        Assert.True(response.ClosesConnection);
        conn.Connection.ExpectMsg<Tcp.ConfirmedClose>();
    }

    [Fact]
    public void A_malformed_request_gets_400_with_connection_close_and_the_connection_is_closed()
    {
        var conn = Connect();
        conn.Receive("GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");

        var response = conn.ExpectResponse();
        Assert.Equal(400, response.Status);
        Assert.True(response.ClosesConnection);
        Assert.DoesNotContain("Exception", response.BodyText);
        conn.Connection.ExpectMsg<Tcp.ConfirmedClose>();
        conn.Connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // nothing after the error is answered
    }

    [Fact]
    public void A_request_head_not_complete_within_the_request_header_timeout_gets_408_and_close()
    {
        var conn = Connect("actorhttp.timeouts.request-header = 10s");
        conn.Receive("GET / HTTP/1.1\r\nHost: x\r\n");
        conn.Settle();

        Clock.Advance(TimeSpan.FromSeconds(9));
        conn.ExpectNoWrite();
        Clock.Advance(TimeSpan.FromSeconds(1));

        var response = conn.ExpectResponse();
        Assert.Equal(408, response.Status);
        Assert.True(response.ClosesConnection);
        conn.Connection.ExpectMsg<Tcp.ConfirmedClose>();
    }

    [Fact]
    public void A_connection_that_never_sends_a_request_is_closed_without_a_response_at_the_request_header_timeout()
    {
        // As nginx and Kestrel: a 408 nobody asked for, on a socket a browser opened ahead of time, could be read as
        // the answer to the request it sends later.
        var conn = Connect("actorhttp.timeouts.request-header = 10s");
        conn.Settle();
        Clock.Advance(TimeSpan.FromSeconds(9.9));
        conn.ExpectNoWrite();
        Clock.Advance(TimeSpan.FromSeconds(0.1));

        conn.Connection.ExpectMsg<Tcp.Close>();
    }

    [Fact]
    public void An_idle_keep_alive_connection_is_closed_after_the_keep_alive_timeout()
    {
        var conn = Connect("actorhttp.timeouts.keep-alive = 30s");
        conn.Receive("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        conn.ExpectResponse();
        conn.Settle();

        Clock.Advance(TimeSpan.FromSeconds(29));
        conn.Connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Clock.Advance(TimeSpan.FromSeconds(1));
        conn.Connection.ExpectMsg<Tcp.Close>();
    }

    [Fact]
    public void A_slow_request_in_flight_is_not_cut_by_the_keep_alive_timeout()
    {
        var conn = Connect("actorhttp.timeouts.keep-alive = 2s\nactorhttp.sleep-delay = 5s");
        conn.Receive("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        conn.ExpectResponse();
        conn.Receive("GET /sleep HTTP/1.1\r\nHost: x\r\n\r\n");
        conn.Settle();

        Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(200, conn.ExpectResponse().Status);
    }

    [Fact]
    public void Reading_is_suspended_when_too_many_requests_are_in_flight_and_resumed_as_they_are_answered()
    {
        var conn = Connect("actorhttp.max-pipelined-requests = 2\nactorhttp.sleep-delay = 1s");
        conn.Receive(string.Concat(Enumerable.Repeat("GET /sleep HTTP/1.1\r\nHost: x\r\n\r\n", 3)));
        conn.ExpectNotReading();

        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(200, conn.ExpectResponse().Status);
        // The third request was already buffered: it takes the free place, so nothing more is read...
        conn.ExpectNotReading();
        Assert.Equal(200, conn.ExpectResponse().Status);
        // ...until the second answer leaves room again.
        conn.ExpectReading();
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(200, conn.ExpectResponse().Status);
    }

    [Fact]
    public void Head_gets_the_headers_of_get_without_the_body()
    {
        var conn = Connect();
        conn.Receive("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");

        var response = conn.ExpectResponse();
        Assert.Equal(200, response.Status);
        Assert.Equal(TestWww.Hello.Length.ToString(), response.Header("Content-Length"));
        Assert.Empty(response.Body);
    }

    [Fact]
    public void Expect_100_continue_is_answered_before_the_body_is_sent()
    {
        var conn = Connect();
        conn.Receive("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", conn.ExpectWrite());
        conn.Receive("hello");

        var response = conn.ExpectResponse();
        Assert.Equal(200, response.Status);
        Assert.Equal("hello", response.BodyText);
    }

    [Fact]
    public void Shutdown_drain_closes_an_idle_connection_at_once()
    {
        var conn = Connect();
        conn.Receive("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        conn.ExpectResponse();

        conn.Send(ActorHttp.Actors.ConnectionProtocol.Drain.Instance);
        conn.Connection.ExpectMsg<Tcp.Close>();
    }

    [Fact]
    public void Shutdown_drain_answers_503_to_the_first_request_of_a_connection_accepted_before_it_arrived()
    {
        // Accepted just before the listener began to drain, its first request still on the way (a balancer opens a
        // connection per request and sends it at once): closed unanswered, that request would be lost, and a
        // balancer must not re-send a request it sent; a 503 it re-sends to another node (RFC 9110 §15.6.4).
        var conn = Connect();
        conn.Send(ActorHttp.Actors.ConnectionProtocol.Drain.Instance);
        conn.Receive("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");

        var response = conn.ExpectResponse();
        Assert.Equal(503, response.Status);
        Assert.True(response.ClosesConnection);
        // Its body is not read: a lingering close, so the client reads the answer before any reset.
        conn.Connection.FishForMessage(m => m is Tcp.ConfirmedClose);
    }

    [Fact]
    public void Shutdown_drain_closes_a_connection_whose_first_request_does_not_come_within_the_linger_time()
    {
        var conn = Connect();
        conn.Send(ActorHttp.Actors.ConnectionProtocol.Drain.Instance);
        conn.Settle();

        Clock.Advance(TimeSpan.FromSeconds(2));
        conn.Connection.FishForMessage(m => m is Tcp.Close);
    }

    [Fact]
    public void Shutdown_drain_lets_a_sleep_in_flight_finish_and_answers_it_with_connection_close()
    {
        var conn = Connect("actorhttp.sleep-delay = 5s");
        conn.Receive("GET /sleep HTTP/1.1\r\nHost: x\r\n\r\n");
        conn.Settle();
        conn.Send(ActorHttp.Actors.ConnectionProtocol.Drain.Instance);
        // No new request is read during the drain: the frame already asked for is kept unread, and no more is
        // asked, so what the client sends next waits in the kernel, not in memory.
        conn.Receive("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        conn.ExpectNotReading();

        Clock.Advance(TimeSpan.FromSeconds(5));
        var response = conn.ExpectResponse();
        Assert.Equal(200, response.Status);
        Assert.True(response.ClosesConnection);
        conn.Connection.ExpectMsg<Tcp.ConfirmedClose>(); // lingering: the client sent more than was answered
        conn.ExpectReading(); // and the lingering close reads (and drops) what the client still sends
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _www.Dispose();
    }
}
