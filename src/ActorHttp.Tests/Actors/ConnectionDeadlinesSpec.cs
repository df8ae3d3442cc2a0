using ActorHttp.Observability;
using ActorHttp.Configuration;
using Akka.Streams;
using Akka.TestKit;
using ActorHttp.Actors;
using ActorHttp.Hosting;
using ActorHttp.Http;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Actors;

/// <summary>
/// A connection's timeouts on its one watchdog, in an <see cref="Owner"/> whose timers stand in for the
/// connection's, in virtual time: which wait applies to what the connection is doing, and what a watchdog that
/// fires means.
/// </summary>
public sealed class ConnectionDeadlinesSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan Briefly = TimeSpan.FromMilliseconds(100);

    private static readonly ServerSettings Settings = TestSettings.For(Path.GetTempPath(), """
        actorhttp.timeouts.request-header = 10s
        actorhttp.timeouts.keep-alive = 30s
        actorhttp.limits.min-request-body-rate { bytes-per-second = 240, grace-period = 5s }
        actorhttp.limits.min-response-rate { bytes-per-second = 240, grace-period = 5s }
        """);

    private readonly Owner _owner;
    private readonly ConnectionDeadlines _deadlines;
    private readonly ResponseStreamer _writes;

    public ConnectionDeadlinesSpec() : base(Support.VirtualTime.Config)
    {
        _owner = new Owner(this);
        _deadlines = _owner.Run((context, owner) => new ConnectionDeadlines(owner, context.System.Scheduler, Settings));
        var socket = CreateTestProbe();
        _writes = new ResponseStreamer(socket.Ref, socket.Ref, Sys.Materializer(), NullServerObserver.Instance, Settings.MinResponseRate);
    }

    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private void Update(bool closed = false, bool readingBody = false, bool serverHoldsBody = false, bool inFlight = false, bool pendingHead = false) =>
        _owner.Run(() => _deadlines.Update(closed, readingBody, serverHoldsBody, inFlight, pendingHead));

    private Expiry Watchdog() => _owner.Run(() => _deadlines.OnWatchdog(_writes));

    /// <summary>Waits for the watchdog timer itself to fire, then asks what expired.</summary>
    private Expiry WatchdogFires()
    {
        _owner.Events.ExpectMsg<ConnectionDeadlines.Watchdog>();
        return Watchdog();
    }

    /// <summary>A small response goes out at the current time, so its write is due a grace period from now.</summary>
    private void Write()
    {
        var exchange = ResponseStreamerSpec.ExchangeFor(HttpResponse.Empty(204));
        _owner.Run(() =>
        {
            _writes.Start(exchange, keepAlive: true, _deadlines.Now);
            _deadlines.Arm(_writes.Deadline); // as the connection does after every write
        });
    }

    [Theory]
    //          closed reading server  in      pending expires                         after
    //                 body    holds   flight  head                                    (s)
    [InlineData(false, false, false, false, false, nameof(Expiry.Idle), 30)]           // an idle keep-alive connection
    [InlineData(false, false, false, false, true,  nameof(Expiry.RequestTimeout), 10)] // a head begun, or the first one awaited
    [InlineData(false, false, false, true,  true,  nameof(Expiry.None), 0)]            // a head behind requests in flight is not late
    [InlineData(false, false, false, true,  false, nameof(Expiry.None), 0)]            // a slow handler is not the client's fault
    [InlineData(false, true,  false, true,  false, nameof(Expiry.RequestTimeout), 5)]  // a body is held to the body rate, in flight or not
    [InlineData(false, true,  true,  false, false, nameof(Expiry.None), 0)]            // the server holds the body up (handler, 100-continue)
    [InlineData(true,  true,  false, false, true,  nameof(Expiry.None), 0)]            // closing: nothing is waited for
    public void What_the_connection_waits_for_decides_which_timeout_applies(
        bool closed, bool readingBody, bool serverHoldsBody, bool inFlight, bool pendingHead, string expires, double after)
    {
        Update(closed, readingBody, serverHoldsBody, inFlight, pendingHead);

        var expiry = Enum.Parse<Expiry>(expires);
        if (expiry == Expiry.None)
        {
            Clock.Advance(TimeSpan.FromHours(1));
            Assert.Equal(Expiry.None, Watchdog());
            return;
        }
        Clock.Advance(S(after) - Tick);
        Assert.Equal(Expiry.None, Watchdog());
        Clock.Advance(Tick);
        Assert.Equal(expiry, Watchdog());
    }

    [Fact]
    public void A_head_arriving_in_pieces_is_timed_from_its_first_bytes_not_its_last()
    {
        Update(pendingHead: true);
        Clock.Advance(S(6));
        Update(pendingHead: true);
        Clock.Advance(S(4));

        Assert.Equal(Expiry.RequestTimeout, WatchdogFires());
    }

    [Fact]
    public void A_watchdog_that_fires_before_a_deadline_moved_later_re_arms_itself_for_what_is_left()
    {
        Update();                           // idle: due at 30 s
        Clock.Advance(S(10));
        Update(inFlight: true);             // a request came
        Clock.Advance(S(10));
        Update();                           // answered at 20 s: idle again, due at 50 s; the timer set for 30 s stays

        Clock.Advance(S(10));
        Assert.Equal(Expiry.None, WatchdogFires());
        Clock.Advance(S(20) - Tick);
        _owner.Events.ExpectNoMsg(Briefly);
        Clock.Advance(Tick);
        Assert.Equal(Expiry.Idle, WatchdogFires());
    }

    [Fact]
    public void A_watchdog_that_fires_early_re_arms_for_a_write_due_before_the_next_wait()
    {
        Update();                           // idle: due at 30 s
        Clock.Advance(S(10));
        Update(inFlight: true);
        Clock.Advance(S(16));
        Write();                            // due at 31 s, after the timer already set

        Clock.Advance(S(4));
        Assert.Equal(Expiry.None, WatchdogFires());
        Clock.Advance(S(1));
        Assert.Equal(Expiry.WriteOverdue, WatchdogFires());
    }

    [Theory]
    [InlineData(false, nameof(Expiry.WriteOverdue))]  // both passed: the client not reading is what cuts it
    [InlineData(true, nameof(Expiry.RequestTimeout))] // the write was taken: the head's timeout applies
    public void A_write_overdue_takes_precedence_over_a_request_timeout(bool acknowledged, string expires)
    {
        Update(pendingHead: true);          // a head due at 10 s
        Write();                            // a write due at 5 s
        if (acknowledged) _owner.Run(() => _writes.OnWriteAck(_deadlines.Now));

        Clock.Advance(S(10));
        Assert.Equal(Enum.Parse<Expiry>(expires), Watchdog());
    }
}
