using Akka.Actor;

namespace ActorHttp.Actors;

/// <summary>
/// The WebSocket keep-alive of one listener's sockets, on one timer rather than one per socket: an idle socket holds no
/// scheduler entry of its own. Every <c>keep-alive-interval</c> it tells each socket that joined to ping its peer (RFC 6455
/// §5.5.2 allows a ping at any time after the handshake), and <c>keep-alive-timeout</c> later that the answer to that
/// round is due: a socket that has received nothing since the first ping it has not seen answered then cuts its peer.
/// A socket that joins between two rounds is pinged at the next, so its first ping comes at most an interval after it
/// opened. The timer runs only while some socket has joined.
/// </summary>
internal sealed class KeepAliveTicker : UntypedActor, IWithTimers
{
    private readonly TimeSpan _interval;
    private readonly TimeSpan _timeout;
    private readonly HashSet<IActorRef> _sockets = new();
    private long _round;

    public KeepAliveTicker(TimeSpan interval, TimeSpan timeout)
    {
        _interval = interval;
        _timeout = timeout;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props for the ticker of sockets pinged every <paramref name="interval"/>, cut <paramref name="timeout"/> after an unanswered ping.</summary>
    public static Props Props(TimeSpan interval, TimeSpan timeout) =>
        Akka.Actor.Props.Create(() => new KeepAliveTicker(interval, timeout));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Join:
                _sockets.Add(Sender);
                if (!Timers.IsTimerActive(TickKey)) Timers.StartPeriodicTimer(TickKey, Tick.Instance, _interval);
                break;
            case Leave: _sockets.Remove(Sender); break;
            case Tick: OnTick(); break;
            case AnswerDue due: TellAll(due); break;
            default: Unhandled(message); break;
        }
    }

    private void OnTick()
    {
        if (_sockets.Count == 0)
        {
            Timers.Cancel(TickKey);
            return;
        }
        _round++;
        TellAll(new Ping(_round));
        // One timer per round still pending: more than one only when the timeout is longer than the interval.
        Timers.StartSingleTimer(new DueKey(_round), new AnswerDue(_round), _timeout);
    }

    private void TellAll(object message)
    {
        foreach (var socket in _sockets) socket.Tell(message, Self);
    }

    /// <summary>The sender wants the keep-alive rounds from now on.</summary>
    public sealed class Join
    {
        public static readonly Join Instance = new();
        private Join() { }
    }

    /// <summary>The sender (a socket that ended) wants no more rounds.</summary>
    public sealed class Leave
    {
        public static readonly Leave Instance = new();
        private Leave() { }
    }

    /// <summary>Ping the peer now: round <paramref name="Round"/> began.</summary>
    public sealed record Ping(long Round);

    /// <summary>The answer to the ping of round <paramref name="Round"/> is due: a peer silent since then is cut.</summary>
    public sealed record AnswerDue(long Round);

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }

    private const string TickKey = "tick";

    private sealed record DueKey(long Round);
}
