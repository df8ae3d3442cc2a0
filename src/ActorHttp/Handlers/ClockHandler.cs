using System.Globalization;
using Akka.Actor;
using ActorHttp.Http;
using ActorHttp.Routing;

namespace ActorHttp.Handlers;

/// <summary>
/// The built-in <c>clock</c> event stream: the UTC time now and then once a second, each event with the next id, so a
/// client that reconnects with <c>Last-Event-ID: n</c> goes on at n + 1 rather than from 1.
/// </summary>
public sealed class ClockHandler : ReceiveActor, IWithTimers
{
    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public ITimerScheduler Timers { get; set; } = null!;

    private EventStream? _stream;
    private long _nextId = 1;

    public ClockHandler()
    {
        Receive<EventStreamOpened>(opened =>
        {
            _stream = opened.Stream;
            // An id this clock did not send (not a number, or the last one there can be) starts again from 1.
            if (long.TryParse(opened.LastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var last) && last < long.MaxValue)
                _nextId = last + 1;
            Timers.StartPeriodicTimer(Tick.Instance, Tick.Instance, Interval);
            PushTime();
        });
        Receive<Tick>(_ => PushTime());
    }

    private void PushTime() => _stream?.Push(new ServerSentEvent(
        DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        Id: (_nextId++).ToString(CultureInfo.InvariantCulture)));
}
