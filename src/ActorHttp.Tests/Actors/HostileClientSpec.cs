using System.Text;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit;
using ActorHttp.Actors;
using ActorHttp.Http;
using ActorHttp.Routing;
using ActorHttp.Tests.Support;
using Tcp = Akka.IO.Tcp;

namespace ActorHttp.Tests.Actors;

/// <summary>
/// The connection actor against clients that try to hold it or its memory: bodies trickled below the minimum
/// rate, clients that stop reading, pipelines of large bodies, heads that wait behind slow requests, and a
/// shutdown with requests already read. Virtual time throughout; the probe stands in for the socket and
/// acknowledges writes only when the spec says so.
/// </summary>
public sealed class HostileClientSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly TestWww _www = new();

    public HostileClientSpec() : base(Support.VirtualTime.Config) { }

    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private ConnectionHarness Connect(string hocon = "", RouteTable? routes = null) =>
        new(this, TestSettings.For(_www.Root, hocon), routes);

    private static string Post(string path, int bodyLength, string extraHeaders = "") =>
        $"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {bodyLength}\r\n{extraHeaders}\r\n" + new string('b', bodyLength);

    private const string GetSleep = "GET /sleep HTTP/1.1\r\nHost: x\r\n\r\n";

    // ---- a complete head waiting behind slow requests (request-header timeout) ----------------------------

    [Fact]
    public void A_complete_pipelined_head_waiting_behind_the_pipelining_cap_is_answered_not_timed_out()
    {
        // Three sleeps of 15 s with room for two in flight: the third head is whole in the buffer and waits
        // 15 s, longer than the request-header timeout, which is for heads still arriving.
        var conn = Connect("actorhttp.max-pipelined-requests = 2\nactorhttp.sleep-delay = 15s\nactorhttp.timeouts.request-header = 10s");
        conn.Receive(GetSleep + GetSleep + GetSleep);
        conn.ExpectNotReading();

        Clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(200, conn.ExpectResponse().Status);
        Assert.Equal(200, conn.ExpectResponse().Status);
        conn.Settle();
        Clock.Advance(TimeSpan.FromSeconds(15));
        var third = ExpectResponseSkipping(conn);
        Assert.Equal(200, third.Status);
        Assert.False(third.ClosesConnection);
    }

    [Fact]
    public void A_partial_head_behind_a_slow_request_is_timed_from_when_that_request_was_answered()
    {
        var conn = Connect("actorhttp.sleep-delay = 15s\nactorhttp.timeouts.request-header = 10s");
        conn.Receive(GetSleep + "GET / HT");
        conn.Settle();

        Clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(200, conn.ExpectResponse().Status);
        conn.Settle();
        Clock.Advance(TimeSpan.FromSeconds(9));
        conn.ExpectNoWrite();
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(408, conn.ExpectResponse().Status);
    }

    // ---- minimum request-body rate --------------------------------------------------------------------------

    [Fact]
    public void A_body_trickled_below_the_minimum_rate_gets_408_once_the_grace_period_is_over()
    {
        // One byte every 2 s re-arms no timer: the keep-alive timeout (30 s) alone would never fire.
        var conn = Connect("actorhttp.limits.min-request-body-rate { bytes-per-second = 240, grace-period = 5s }");
        conn.Receive(Post("/echo", 1000)[..^1000]);
        conn.Settle();
        var elapsed = TimeSpan.Zero;
        Tcp.Write? write = null;
        while (write is null && elapsed < TimeSpan.FromSeconds(30))
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            elapsed += TimeSpan.FromSeconds(1);
            if (elapsed.TotalSeconds % 2 == 0) conn.Receive("b");
            conn.Settle();
            write = conn.Connection.ReceiveWhile(TimeSpan.FromMilliseconds(20), m => m as Tcp.Write).FirstOrDefault();
        }

        Assert.NotNull(write);
        Assert.StartsWith("HTTP/1.1 408 ", write!.Data.ToString(Encoding.Latin1));
        Assert.Equal(TimeSpan.FromSeconds(5), elapsed);
    }

    [Fact]
    public void A_body_sent_at_the_minimum_rate_is_read_to_its_end()
    {
        var conn = Connect("actorhttp.limits.min-request-body-rate { bytes-per-second = 240, grace-period = 5s }");
        conn.Receive(Post("/echo", 3000)[..^3000]);
        for (var second = 0; second < 12; second++)
        {
            conn.Receive(new string('b', 250));
            conn.Settle();
            Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var response = conn.ExpectResponse();
        Assert.Equal(200, response.Status);
        Assert.Equal(3000, response.Body.Length);
    }

    [Fact]
    public void A_body_held_back_by_expect_100_continue_behind_a_slow_request_is_not_timed_until_the_100_is_sent()
    {
        var conn = Connect("actorhttp.sleep-delay = 20s\nactorhttp.limits.min-request-body-rate { bytes-per-second = 240, grace-period = 5s }");
        conn.Receive(GetSleep + Post("/echo", 5, "Expect: 100-continue\r\n")[..^5]);
        conn.Settle();

        Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(200, conn.ExpectResponse().Status);
        Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", conn.ExpectWrite());
        conn.Receive("hello");

        var echo = conn.ExpectResponse();
        Assert.Equal(200, echo.Status);
        Assert.Equal("hello", echo.BodyText);
    }

    [Fact]
    public void With_the_minimum_body_rate_off_only_the_keep_alive_timeout_cuts_a_stalled_body()
    {
        var conn = Connect("actorhttp.limits.min-request-body-rate.bytes-per-second = 0\nactorhttp.timeouts.keep-alive = 30s");
        conn.Receive(Post("/echo", 1000)[..^999]);
        conn.Settle();

        Clock.Advance(TimeSpan.FromSeconds(29));
        conn.ExpectNoWrite();
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(408, conn.ExpectResponse().Status);
    }

    // ---- minimum response rate (clients that stop reading) --------------------------------------------------

    [Fact]
    public void A_client_that_reads_nothing_is_cut_once_its_write_is_overdue()
    {
        var conn = Connect("actorhttp.limits.min-response-rate { bytes-per-second = 240, grace-period = 5s }");
        conn.Receive("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        conn.Connection.ExpectMsg<Tcp.Write>(); // never acknowledged: the socket's buffers are full
        conn.Settle();

        Clock.Advance(TimeSpan.FromSeconds(4.9));
        conn.Connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Clock.Advance(TimeSpan.FromSeconds(0.1));
        conn.Connection.ExpectMsg<Tcp.Abort>();
        conn.ExpectTerminated();
    }

    [Fact]
    public void A_large_response_goes_out_in_bounded_writes_each_timed_on_its_own()
    {
        // 200 KiB at 16 KiB/s: 4 s per 64 KiB write, within the 5 s grace; the whole would need 12.5 s.
        var conn = Connect("actorhttp.limits.min-response-rate { bytes-per-second = 16384, grace-period = 5s }");
        conn.Receive(Post("/echo", 200 * 1024));
        var writes = new List<Tcp.Write>();
        for (var i = 0; i < 4; i++) writes.Add(conn.Connection.ExpectMsg<Tcp.Write>());
        Assert.All(writes, w => Assert.True(w.Data.Count <= 64 * 1024));
        Assert.Equal(200 * 1024, writes.Sum(w => w.Data.Count) - writes[0].Data.ToString(Encoding.Latin1).IndexOf("\r\n\r\n", StringComparison.Ordinal) - 4);
        conn.Settle();

        // A client reading 64 KiB every 4 s keeps up with the rate and is never cut.
        for (var i = 0; i < 3; i++)
        {
            Clock.Advance(TimeSpan.FromSeconds(4));
            conn.Connection.Send(conn.Actor, writes[i].Ack);
            conn.Settle();
        }
        conn.Connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        // Then it stops reading: the last write is overdue 5 s after it reached the head of the line.
        Clock.Advance(TimeSpan.FromSeconds(5));
        conn.Connection.ExpectMsg<Tcp.Abort>();
    }

    [Fact]
    public void A_slow_but_steady_reader_gets_the_whole_response()
    {
        var conn = Connect("actorhttp.limits.min-response-rate { bytes-per-second = 240, grace-period = 5s }");
        conn.Receive("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
        for (var i = 0; i < 2; i++)
        {
            var write = conn.Connection.ExpectMsg<Tcp.Write>();
            conn.Settle();
            Clock.Advance(TimeSpan.FromSeconds(4.5));
            conn.Connection.Send(conn.Actor, write.Ack);
        }
        conn.Settle();
        Clock.Advance(TimeSpan.FromSeconds(10)); // idle now: only the keep-alive timeout applies
        conn.Connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    // ---- memory one connection may hold ---------------------------------------------------------------------

    [Fact]
    public void Pipelined_bodies_past_the_budget_are_not_read_until_earlier_responses_are_written()
    {
        var handler = CreateTestProbe();
        var routes = new RouteBuilder().Post("/upload", handler.Ref).Build();
        var conn = Connect("actorhttp.limits.max-pipelined-body-bytes = 1k", routes);
        conn.Receive(Post("/upload", 2000) + Post("/upload", 2000) + Post("/upload", 2000));

        // The first request holds 2000 body bytes, over the budget: the others stay unread and reading stops.
        handler.ExpectMsg<HttpRequest>(r => Assert.Equal(2000, r.Body.Length));
        var connectionActor = handler.LastSender;
        conn.ExpectNotReading();
        handler.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        foreach (var (answer, more) in new[] { ("one", true), ("two", true), ("three", false) })
        {
            connectionActor.Tell(HttpResponse.Text(200, answer), handler.Ref);
            Assert.Equal(answer, ExpectResponseSkipping(conn).BodyText);
            if (!more) break;
            // Only once the answer is written is the next request read.
            handler.ExpectMsg<HttpRequest>();
            connectionActor = handler.LastSender;
            handler.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        }
    }

    [Fact]
    public void Pipelined_requests_without_bodies_are_not_held_back_by_the_body_budget()
    {
        var conn = Connect("actorhttp.limits.max-pipelined-body-bytes = 1k\nactorhttp.sleep-delay = 1s");
        conn.Receive(GetSleep + GetSleep + GetSleep);
        conn.Settle();

        Clock.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 3; i++) Assert.Equal(200, conn.ExpectResponse().Status);
    }

    // ---- graceful shutdown ----------------------------------------------------------------------------------

    [Fact]
    public void Shutdown_drain_answers_every_request_already_read_and_closes_after_the_last()
    {
        var conn = Connect("actorhttp.sleep-delay = 5s");
        conn.Receive(GetSleep + Post("/echo", 5));
        conn.Settle();
        conn.Send(ConnectionProtocol.Drain.Instance);
        conn.Settle();

        Clock.Advance(TimeSpan.FromSeconds(5));
        var sleep = ExpectResponseSkipping(conn);
        Assert.Equal(200, sleep.Status);
        Assert.False(sleep.ClosesConnection);
        var echo = ExpectResponseSkipping(conn);
        Assert.Equal(200, echo.Status);
        Assert.Equal("bbbbb", echo.BodyText);
        Assert.True(echo.ClosesConnection);
        conn.Connection.FishForMessage(m => m is Tcp.CloseCommand);
    }

    [Fact]
    public void Shutdown_drain_abandons_a_request_not_yet_read_whole()
    {
        var conn = Connect("actorhttp.sleep-delay = 5s");
        conn.Receive(GetSleep + "GET / HTTP/1.1\r\nHo");
        conn.Settle();
        conn.Send(ConnectionProtocol.Drain.Instance);
        conn.Settle();

        Clock.Advance(TimeSpan.FromSeconds(5));
        var sleep = ExpectResponseSkipping(conn);
        Assert.True(sleep.ClosesConnection);
        // Unread input is left: a lingering close, so the client reads the answer before any reset.
        conn.Connection.FishForMessage(m => m is Tcp.ConfirmedClose);
    }

    /// <summary>The next response, past reading commands (suspend, resume) sent meanwhile.</summary>
    private static RawResponse ExpectResponseSkipping(ConnectionHarness conn)
    {
        var write = (Tcp.Write)conn.Connection.FishForMessage(m => m is Tcp.Write);
        conn.Connection.Reply(write.Ack);
        var text = write.Data.ToString(Encoding.Latin1);
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return RawResponse.ParseHead(text[..headEnd]) with { Body = Encoding.Latin1.GetBytes(text[(headEnd + 4)..]) };
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _www.Dispose();
    }
}
