using Akka.Actor;
using Akka.Event;

namespace ActorHttp.Actors;

/// <summary>
/// Sockets Akka.IO accepted before its listener was ready for them. Akka 1.5.74's <c>TcpListener</c> listens and
/// starts its accepts while handling <c>Tcp.Bind</c>, but takes their completions only once it has handled its own
/// <c>Tcp.Bound</c>: a client that connects in between has its socket accepted and dropped as an unhandled message,
/// never read and never closed (the header timeout cannot close what no connection actor owns), and that accept is
/// never started again. Unhandled messages go to the event stream: the <see cref="ListenerActor"/> subscribes before it
/// binds, holds the accepts it sees, and once bound hands its own listener's back, which then accepts them as any other.
/// </summary>
internal sealed class EarlyAccepts
{
    private readonly EventStream _events;
    private readonly IActorRef _subscriber;
    private readonly List<UnhandledMessage> _held = new();

    private EarlyAccepts(EventStream events, IActorRef subscriber)
    {
        _events = events;
        _subscriber = subscriber;
    }

    /// <summary>Starts watching for dropped accepts; call before the bind, so that none is missed.</summary>
    public static EarlyAccepts Watch(ActorSystem system, IActorRef subscriber)
    {
        system.EventStream.Subscribe(subscriber, typeof(UnhandledMessage));
        return new EarlyAccepts(system.EventStream, subscriber);
    }

    /// <summary>An unhandled message somewhere in the system: held if it is a listener's accept.</summary>
    public void Hold(UnhandledMessage unhandled)
    {
        if (DroppedAccept.Is(unhandled.Message)) _held.Add(unhandled);
    }

    /// <summary>
    /// The bind is done: stops watching, and gives <paramref name="tcpListener"/> back its dropped accepts. None can
    /// come after its Tcp.Bound: it published each before it sent that, and handles its accepts from then on.
    /// Accepts of other listeners (servers binding at the same time) are theirs to hand back.
    /// </summary>
    public int Redeliver(IActorRef tcpListener)
    {
        StopWatching();
        var count = 0;
        foreach (var unhandled in _held)
        {
            if (!unhandled.Recipient.Equals(tcpListener)) continue;
            unhandled.Recipient.Tell(unhandled.Message, unhandled.Recipient);
            count++;
        }
        _held.Clear();
        return count;
    }

    /// <summary>The bind failed: nothing was accepted, nothing to watch for.</summary>
    public void StopWatching() => _events.Unsubscribe(_subscriber, typeof(UnhandledMessage));
}
