using Akka.Actor;
using ActorHttp.Routing;

namespace ActorHttp.Handlers;

/// <summary>
/// Ties an event-stream handler's life to its stream's: starts the handler as a child and gives it
/// <see cref="EventStreamOpened"/>; when the stream ends (completed, or cancelled by a client that went away) it stops,
/// and the handler with it; when the handler stops or fails first, the stream is completed, so the response ends
/// rather than hanging on heartbeats.
/// </summary>
internal sealed class EventStreamSession : ReceiveActor
{
    private sealed record StreamEnded
    {
        public static readonly StreamEnded Instance = new();
    }

    public static Props Props(Props handler, EventStreamOpened opened, IActorRef events, Task ended) =>
        Akka.Actor.Props.Create(() => new EventStreamSession(handler, opened, events, ended));

    public EventStreamSession(Props handler, EventStreamOpened opened, IActorRef events, Task ended)
    {
        var child = Context.Watch(Context.ActorOf(handler, "handler"));
        child.Tell(opened);
        ended.ContinueWith(_ => StreamEnded.Instance, TaskContinuationOptions.ExecuteSynchronously).PipeTo(Self);
        Receive<StreamEnded>(_ => Context.Stop(Self));
        Receive<Terminated>(t => t.ActorRef.Equals(child), _ => events.Tell(new Status.Success(null)));
    }

    /// <summary>A handler that throws is stopped (and logged), not restarted: a restart would lose the stream's place.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(Decider.From(Directive.Stop));
}
