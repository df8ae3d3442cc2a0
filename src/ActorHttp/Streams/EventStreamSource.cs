using Akka;
using Akka.Actor;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using ActorHttp.Http;

namespace ActorHttp.Streams;

/// <summary>
/// The body of a <c>text/event-stream</c> response: events told to an actor, encoded (<see cref="EventStreamFormat"/>),
/// merged with a heartbeat comment on an interval. The heartbeats come from the scheduler (a tick a client that does
/// not read misses is dropped, not queued); Akka's KeepAlive would send them only when idle, but it measures idleness
/// on the wall clock, which a test cannot advance. Nothing runs until the server writes the body, so a
/// HEAD request, or a client gone before the head was written, starts no event source at all.
/// </summary>
public static class EventStreamSource
{
    /// <summary>
    /// A source that, when run, calls <paramref name="opened"/> with the actor that takes <see cref="ServerSentEvent"/>s
    /// (and <see cref="Status.Success"/> to end the stream once the events before it are sent) and a task that
    /// completes when the stream ends for any reason: completed, failed, or cancelled by a client that went away.
    /// At most <paramref name="maxQueuedEvents"/> events wait for a client that reads slower than they come; one more
    /// fails the stream, which cuts the connection: a stream that skipped events would break the ids the client
    /// resumes from, and an unbounded queue would let one slow client hold any amount of memory.
    /// </summary>
    public static Source<ByteString, NotUsed> Create(TimeSpan heartbeatInterval, int maxQueuedEvents, Action<IActorRef, Task> opened)
    {
        var heartbeat = ByteString.FromBytes(EventStreamFormat.Heartbeat);
        return Source.ActorRef<ServerSentEvent>(maxQueuedEvents, OverflowStrategy.Fail)
            .Select(sent => ByteString.FromBytes(EventStreamFormat.Encode(sent)))
            // Eager: the stream ends when the events end (their last one sent first); the ticks never would. Merge
            // keeps the events' materialized value (their actor), so the ticks' cancelable is dropped for a placeholder.
            .Merge(Source.Tick(heartbeatInterval, heartbeatInterval, heartbeat).MapMaterializedValue(_ => ActorRefs.Nobody), eagerComplete: true)
            .WatchTermination(Keep.Both)
            .MapMaterializedValue(events =>
            {
                opened(events.Item1, events.Item2);
                return NotUsed.Instance;
            });
    }
}
