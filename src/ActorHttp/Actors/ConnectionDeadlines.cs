using Akka.Actor;
using ActorHttp.Configuration;

namespace ActorHttp.Actors;

/// <summary>What the connection waits for, and so which timeout applies.</summary>
internal enum Waiting { Nothing, RequestHead, RequestBody, NextRequest }

/// <summary>What a deadline that passed means for the connection.</summary>
internal enum Expiry
{
    None,
    /// <summary>An idle keep-alive connection timed out: close it.</summary>
    Idle,
    /// <summary>A request head or body stalled, or a body came slower than the minimum rate: 408 and close.</summary>
    RequestTimeout,
    /// <summary>The client did not take a write at the minimum response rate: cut the connection.</summary>
    WriteOverdue,
}

/// <summary>
/// The timeouts of one connection on a single watchdog timer: the request-header timeout (counted from a head's
/// first bytes, or from when the requests ahead of it were answered), the keep-alive timeout (idle connection, or
/// a body stalled since its last bytes), the minimum request-body rate, and the minimum response rate. Moving a
/// deadline later (every request on a busy keep-alive connection does) only updates fields: the timer, when it
/// fires early, re-arms itself for what is left, so there is no timer churn per request.
/// </summary>
internal sealed class ConnectionDeadlines
{
    private readonly IWithTimers _owner; // its Timers are set after the owner's constructor ran
    private readonly IScheduler _clock;
    private readonly ServerSettings _settings;
    private readonly RequestBodyTiming _body;
    private Waiting _waiting;
    private TimeSpan _deadline;
    private TimeSpan _watchdogDue = TimeSpan.MaxValue;

    public ConnectionDeadlines(IWithTimers owner, IScheduler clock, ServerSettings settings)
    {
        _owner = owner;
        _clock = clock;
        _settings = settings;
        _body = new RequestBodyTiming(settings.MinRequestBodyRate);
    }

    /// <summary>The scheduler's clock, so that virtual time (Akka.TestKit.TestScheduler) drives the timeouts in tests.</summary>
    public TimeSpan Now => TimeSpan.FromTicks(_clock.Now.UtcTicks);

    /// <summary>Body bytes arrived (they buy time at the minimum body rate).</summary>
    public void Received(int bytes) => _body.Received(bytes);

    /// <summary>
    /// Sets what the connection waits for: the rest of a body (unless the server holds it up: a handler not taking
    /// a streamed body, a 100-continue not sent); with requests in flight nothing (a head behind them, whole or
    /// not, is not late); then the rest of a head, or the first request; else the next request.
    /// </summary>
    public void Update(bool closed, bool readingBody, bool serverHoldsBody, bool inFlight, bool pendingHead)
    {
        var now = Now;
        _body.Update(now, reading: readingBody && !closed, clientsTurn: !serverHoldsBody);
        if (closed || (readingBody && serverHoldsBody)) _waiting = Waiting.Nothing;
        else if (readingBody) WaitFor(Waiting.RequestBody, Min(now + _settings.KeepAliveTimeout, _body.Deadline));
        else if (inFlight) _waiting = Waiting.Nothing;
        else if (pendingHead) { if (_waiting != Waiting.RequestHead) WaitFor(Waiting.RequestHead, now + _settings.RequestHeaderTimeout); }
        else if (_waiting != Waiting.NextRequest) WaitFor(Waiting.NextRequest, now + _settings.KeepAliveTimeout);
    }

    /// <summary>Nothing is timed any more (the connection is closing).</summary>
    public void Stop() => _waiting = Waiting.Nothing;

    /// <summary>Makes sure the watchdog fires no later than <paramref name="due"/>; it re-arms itself if that is early.</summary>
    public void Arm(TimeSpan due)
    {
        if (_watchdogDue <= due || due == TimeSpan.MaxValue) return;
        _watchdogDue = due;
        var delay = due - Now;
        _owner.Timers.StartSingleTimer(WatchdogKey, Watchdog.Instance, delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
    }

    /// <summary>The watchdog fired: what expired, if anything (it re-arms itself otherwise).</summary>
    public Expiry OnWatchdog(ResponseStreamer writes)
    {
        _watchdogDue = TimeSpan.MaxValue;
        var now = Now;
        if (writes.IsOverdue(now)) return Expiry.WriteOverdue;
        if (_waiting != Waiting.Nothing && now >= _deadline) return _waiting == Waiting.NextRequest ? Expiry.Idle : Expiry.RequestTimeout;
        Arm(Min(_waiting == Waiting.Nothing ? TimeSpan.MaxValue : _deadline, writes.Deadline));
        return Expiry.None;
    }

    private void WaitFor(Waiting waiting, TimeSpan deadline)
    {
        _waiting = waiting;
        _deadline = deadline;
        Arm(deadline);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private const string WatchdogKey = "watchdog";

    /// <summary>The one timer message of the deadlines.</summary>
    public sealed class Watchdog
    {
        public static readonly Watchdog Instance = new();
        private Watchdog() { }
    }
}
