using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace ActorHttp.Actors;

/// <summary>
/// The mailbox every actor of the server gets (see <c>akka.actor.default-mailbox</c> in reference.conf).
/// Akka's default queue is a <see cref="System.Collections.Concurrent.ConcurrentQueue{T}"/>, whose first
/// segment of 32 slots (about 1 KiB) lives as long as the actor; a server with 10,000 open connections has
/// 20,000 such actors (each connection is Akka.IO's TcpConnection plus our ConnectionActor), so 20 MiB of
/// mostly empty slots. <see cref="CompactMessageQueue"/> holds about 100 bytes while empty.
/// </summary>
public sealed class CompactMailbox : MailboxType, IProducesMessageQueue<CompactMessageQueue>
{
    /// <summary>The constructor Akka calls for a <c>mailbox-type</c> named in configuration.</summary>
    public CompactMailbox(Settings settings, Config config) : base(settings, config) { }

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new CompactMessageQueue();
}

/// <summary>
/// An unbounded queue for many senders and one reader (an actor's mailbox run): a linked list where a sender
/// swaps its node in as the tail with one atomic exchange and then links it (D. Vyukov's MPSC queue). Costs
/// one small node per message in flight instead of a fixed array per actor.
/// </summary>
/// <remarks>
/// Between a sender's exchange and its link, that message and any sent after it are invisible to the reader.
/// No message is lost by it: Akka's dispatcher registers the mailbox for a run after every enqueue, so the
/// late sender's own registration runs the mailbox once its link is in place. That registration and the
/// reader's last emptiness check are ordered by the link being an interlocked operation (see Enqueue).
/// </remarks>
public sealed class CompactMessageQueue : IMessageQueue, IUnboundedMessageQueueSemantics
{
    private sealed class Node
    {
        public Envelope Envelope;
        public Node? Next;
    }

    private Node _head;   // the node taken last (or the first stub): only the reader moves it
    private Node _tail;   // the node enqueued last: senders swap themselves in here

    public CompactMessageQueue() => _head = _tail = new Node();

    public bool HasMessages => Volatile.Read(ref Volatile.Read(ref _head).Next) is not null;

    /// <summary>Counted by walking the list: Akka asks only for diagnostics, so the hot path keeps no counter.</summary>
    public int Count
    {
        get
        {
            var count = 0;
            for (var node = Volatile.Read(ref Volatile.Read(ref _head).Next); node is not null; node = Volatile.Read(ref node.Next))
                count++;
            return count;
        }
    }

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        var node = new Node { Envelope = envelope };
        var previous = Interlocked.Exchange(ref _tail, node);
        // A full fence, not a release write: the dispatcher reads the mailbox status right after this, and the
        // reader sets that status to idle and then reads this link. With a plain store the two could miss each
        // other (store-load reordering) and the message would wait for the next one: a stalled download, seen
        // about once in 20 GiB of file sends before this was an interlocked exchange.
        Interlocked.Exchange(ref previous.Next, node);
    }

    public bool TryDequeue(out Envelope envelope)
    {
        var next = Volatile.Read(ref _head.Next);
        if (next is null)
        {
            envelope = default;
            return false;
        }
        envelope = next.Envelope;
        next.Envelope = default; // the node stays as the new stub: let go of the message it carried
        Volatile.Write(ref _head, next);
        return true;
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope)) deadletters.Enqueue(owner, envelope);
    }
}
