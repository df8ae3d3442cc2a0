using System.Net;

namespace ActorHttp.Actors;

/// <summary>Messages of the <see cref="ListenerActor"/>.</summary>
public static class ListenerProtocol
{
    /// <summary>The socket is bound; <paramref name="LocalAddress"/> carries the real port.</summary>
    public sealed record Bound(EndPoint LocalAddress);

    /// <summary>Binding failed (port taken, address not local...).</summary>
    public sealed record BindFailed(EndPoint Address, string Reason);

    /// <summary>
    /// Begin graceful shutdown: from now on new connections are answered 503 with <c>Connection: close</c>,
    /// and every open connection is told to drain. Replied with <see cref="AcceptingStopped"/>.
    /// </summary>
    /// <remarks>
    /// The port stays bound until <see cref="Unbind"/>: in Akka.NET 1.5.74 the accepted connections are
    /// children of Akka's TcpListener actor, and unbinding stops it, killing every connection with it.
    /// So the server unbinds only once its connections are done.
    /// </remarks>
    public sealed class StopAccepting
    {
        public static readonly StopAccepting Instance = new();
        private StopAccepting() { }
    }

    public sealed class AcceptingStopped
    {
        public static readonly AcceptingStopped Instance = new();
        private AcceptingStopped() { }
    }

    /// <summary>Release the port. Replied with <see cref="Unbound"/>. Kills connections still open (see above).</summary>
    public sealed class Unbind
    {
        public static readonly Unbind Instance = new();
        private Unbind() { }
    }

    public sealed class Unbound
    {
        public static readonly Unbound Instance = new();
        private Unbound() { }
    }

    /// <summary>Replied with <see cref="AllConnectionsClosed"/> once no connection is open any more.</summary>
    public sealed class WatchConnections
    {
        public static readonly WatchConnections Instance = new();
        private WatchConnections() { }
    }

    public sealed class AllConnectionsClosed
    {
        public static readonly AllConnectionsClosed Instance = new();
        private AllConnectionsClosed() { }
    }

    /// <summary>Close every connection now, whatever it is doing (the shutdown timeout passed).</summary>
    public sealed class AbortConnections
    {
        public static readonly AbortConnections Instance = new();
        private AbortConnections() { }
    }

    /// <summary>Asks for the number of open connections; replied with an <see cref="int"/>.</summary>
    public sealed class GetOpenConnections
    {
        public static readonly GetOpenConnections Instance = new();
        private GetOpenConnections() { }
    }
}
