using Akka.Actor;
using ActorHttp.Http;

namespace ActorHttp.Routing;

/// <summary>
/// Where an event-stream handler pushes its events: <see cref="Push"/> each, <see cref="Complete"/> when done. Events
/// pushed faster than the client reads wait in a bounded queue (<c>actorhttp.sse.max-queued-events</c>); one more
/// cuts the connection. In a test, the reference can be a TestProbe standing in for the client.
/// </summary>
public sealed class EventStream
{
    public EventStream(IActorRef events) => Events = events;

    /// <summary>The actor the events go to (the stream's source, or a probe in a test).</summary>
    public IActorRef Events { get; }

    /// <summary>
    /// Sends one event. Throws <see cref="ArgumentException"/>, in the handler that pushed it, for an event that cannot
    /// be sent as it is (<see cref="EventStreamFormat.Problem"/>: a line break in its type or id, for one).
    /// </summary>
    public void Push(ServerSentEvent sent)
    {
        if (EventStreamFormat.Problem(sent) is { } problem) throw new ArgumentException($"The event {problem}.", nameof(sent));
        Events.Tell(sent, ActorRefs.NoSender);
    }

    /// <summary>Ends the response once the events pushed before are sent (the terminating chunk follows).</summary>
    public void Complete() => Events.Tell(new Status.Success(null), ActorRefs.NoSender);
}

/// <summary>
/// What an event-stream handler receives first: the request, where to push its events, and the <c>Last-Event-ID</c> a
/// reconnecting client sent (WHATWG HTML §9.2.4), null on a first connection. The handler lives until it completes the
/// stream or the client goes away, and is stopped then.
/// </summary>
public sealed record EventStreamOpened(HttpRequest Request, EventStream Stream, string? LastEventId);
