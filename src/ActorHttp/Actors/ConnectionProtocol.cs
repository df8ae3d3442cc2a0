using Akka.IO;

namespace ActorHttp.Actors;

/// <summary>Messages connection actors accept from outside (the listener) and the ack events they use.</summary>
public static class ConnectionProtocol
{
    /// <summary>
    /// Graceful shutdown began: finish what is in flight, answer with <c>Connection: close</c>, close idle
    /// keep-alive connections at once.
    /// </summary>
    public sealed class Drain
    {
        public static readonly Drain Instance = new();
        private Drain() { }
    }

    /// <summary>The shutdown timeout passed: close now, whatever is in flight.</summary>
    public sealed class Abort
    {
        public static readonly Abort Instance = new();
        private Abort() { }
    }

    /// <summary>
    /// Told to the parent (the listener) when a connection actor stops, in place of a death watch: the listener
    /// only counts its connections, and a watch would cost two system messages and a dictionary entry on both
    /// sides for every connection.
    /// </summary>
    public sealed record Ended(Akka.Actor.IActorRef Connection);

    /// <summary>The ack event of every write to the socket: the next write goes out only after it.</summary>
    public sealed class WriteAck : Tcp.Event
    {
        public static readonly WriteAck Instance = new();
        private WriteAck() { }
    }
}
