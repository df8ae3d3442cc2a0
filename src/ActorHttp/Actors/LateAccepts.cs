using Akka.Actor;
using Akka.Event;

namespace ActorHttp.Actors;

/// <summary>
/// Sockets Akka.IO accepted after its listener was told to unbind. Akka 1.5.74's <c>TcpListener</c> restarts each accept
/// as it handles the last one, and under a stream of clients the restarted accept completes at once, its completion
/// queued behind a <c>Tcp.Unbind</c> already waiting. Once it has handled the Unbind (and closed its socket) the
/// listener handles no completion: each is dropped as an unhandled message, or as a suppressed dead letter once it has
/// stopped. Its socket belongs to no connection actor, so it is never read and never closed until the garbage
/// collector finalizes it, and its client waits for an answer that never comes. The <see cref="ListenerActor"/>
/// subscribes before it unbinds and resets every such socket: the kernel resets the connections still queued on the
/// closed port alike.
/// </summary>
internal sealed class LateAccepts
{
    private readonly IActorRef _tcpListener;

    private LateAccepts(IActorRef tcpListener) => _tcpListener = tcpListener;

    /// <summary>Starts watching for the accepts <paramref name="tcpListener"/> drops; call before telling it to unbind.</summary>
    public static LateAccepts Watch(ActorSystem system, IActorRef subscriber, IActorRef tcpListener)
    {
        system.EventStream.Subscribe(subscriber, typeof(UnhandledMessage));
        system.EventStream.Subscribe(subscriber, typeof(SuppressedDeadLetter));
        return new LateAccepts(tcpListener);
    }

    /// <summary>Resets the socket of <paramref name="letter"/> if it is an accept of this listener; true if it was.</summary>
    public bool Reset(AllDeadLetters letter)
    {
        if (!letter.Recipient.Equals(_tcpListener) || DroppedAccept.TakeSocket(letter.Message) is not { } socket) return false;
        try
        {
            // Linger 0: close sends a reset, as Tcp.Abort does, and the descriptor is released at once.
            socket.LingerState = new System.Net.Sockets.LingerOption(true, 0);
        }
        catch (System.Net.Sockets.SocketException)
        {
            // The peer has reset it already: closing is all that is left.
        }
        socket.Dispose();
        return true;
    }
}
