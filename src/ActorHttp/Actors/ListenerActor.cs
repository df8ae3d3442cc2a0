using System.Net;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using Tcp = Akka.IO.Tcp;

namespace ActorHttp.Actors;

/// <summary>
/// Binds the server's TCP port through Akka.IO and gives every accepted socket its own
/// <see cref="ConnectionActor"/>. Enforces <c>actorhttp.max-connections</c> itself, because Akka 1.5.74
/// ignores <c>Tcp.ResumeAccepting</c>: over the cap a socket is still accepted, but handed to an
/// <see cref="OverCapacityActor"/> that answers 503 and closes; past <see cref="MaxOverCapacitySockets"/> of
/// those (while draining, past max-connections + that many sockets in all), a socket is reset at once. With <see cref="TlsServerOptions"/> it is the HTTPS listener: a connection actor
/// runs TLS itself, and an over-capacity socket gets a <see cref="TlsStage"/> in front of its actor. Its child
/// <see cref="KeepAliveTicker"/> pings the WebSockets its connections upgrade to.
/// </summary>
public sealed class ListenerActor : ReceiveActor
{
    /// <summary>
    /// Over-capacity sockets waiting for their 503 at once beside <c>max-connections</c> connections. Each holds a
    /// descriptor for up to the <see cref="OverCapacityActor"/>'s patience, and Akka.IO accepts whatever arrives:
    /// unbounded, a flood would take every descriptor the process has, and the runtime aborts when it cannot open
    /// one. Past this many a new socket is reset at once (a reset beats a dead process). While draining, the places
    /// of the connections that closed are theirs too (see <see cref="RejectConnection"/>).
    /// </summary>
    public const int MaxOverCapacitySockets = 32;

    private readonly ServerContext _server;
    private readonly EndPoint _endpoint;
    private readonly IActorRef _bindCommander;
    private readonly TlsServerOptions? _tls;
    private readonly IActorRef? _keepAlive; // the WebSocket pings of every connection of this listener
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HashSet<IActorRef> _connections = new();
    private readonly HashSet<IActorRef> _overCapacity = new();
    private readonly List<IActorRef> _closeWatchers = new();
    private IActorRef? _tcpListener;
    private EarlyAccepts? _earlyAccepts;
    private LateAccepts? _lateAccepts;

    public ListenerActor(ServerContext server, EndPoint endpoint, IActorRef bindCommander, TlsServerOptions? tls = null)
    {
        _server = server;
        _endpoint = endpoint;
        _bindCommander = bindCommander;
        _tls = tls;
        var sockets = server.Settings.WebSockets;
        if (sockets.KeepAliveInterval > TimeSpan.Zero)
            _keepAlive = Context.ActorOf(KeepAliveTicker.Props(sockets.KeepAliveInterval, sockets.KeepAliveTimeout), "websocket-keep-alive");
        Binding();
    }

    /// <summary>Props for a listener of plain HTTP, or of HTTPS when <paramref name="tls"/> is given.</summary>
    public static Props Props(ServerContext server, EndPoint endpoint, IActorRef bindCommander, TlsServerOptions? tls = null) =>
        Akka.Actor.Props.Create(() => new ListenerActor(server, endpoint, bindCommander, tls));

    // A connection actor that throws is stopped, never restarted with a half-parsed buffer; the
    // strategy logs the failure.
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(Decider.From(Directive.Stop));

    protected override void PreStart()
    {
        _earlyAccepts = EarlyAccepts.Watch(Context.System, Self);
        // Pull mode: a connection reads one frame each time its handler asks (Tcp.ResumeReading), so what a client
        // sends waits in the kernel, not in a mailbox, while the handler cannot use it. (The accept loop ignores
        // pull mode in Akka 1.5.74; only the connections' reading follows it.)
        Context.System.Tcp().Tell(new Tcp.Bind(Self, _endpoint, backlog: _server.Settings.Backlog, pullMode: true));
    }

    private void Binding()
    {
        Receive<UnhandledMessage>(unhandled => _earlyAccepts!.Hold(unhandled));
        Receive<Tcp.Bound>(bound =>
        {
            _tcpListener = Sender;
            var early = _earlyAccepts!.Redeliver(Sender);
            if (early > 0) _log.Debug("Handed {0} socket(s) accepted while binding back to Akka.IO's listener", early);
            _bindCommander.Tell(new ListenerProtocol.Bound(bound.LocalAddress));
            Become(Accepting);
        });
        Receive<Tcp.CommandFailed>(failed =>
        {
            _earlyAccepts!.StopWatching();
            var reason = failed.Cause.HasValue ? failed.Cause.Value.Message : "bind failed";
            _bindCommander.Tell(new ListenerProtocol.BindFailed(_endpoint, reason));
            Context.Stop(Self);
        });
    }

    private void Accepting()
    {
        Receive<Tcp.Connected>(connected => Accept(connected));
        Receive<ListenerProtocol.StopAccepting>(_ =>
        {
            _server.BeginShutdown();
            foreach (var connection in _connections) connection.Tell(ConnectionProtocol.Drain.Instance);
            Sender.Tell(ListenerProtocol.AcceptingStopped.Instance);
            Become(Draining);
        });
        Common();
    }

    /// <summary>Shutting down: connections that still arrive get 503 and close; open ones finish.</summary>
    private void Draining()
    {
        Receive<Tcp.Connected>(_ => RejectConnection(Sender));
        Receive<ListenerProtocol.StopAccepting>(_ => Sender.Tell(ListenerProtocol.AcceptingStopped.Instance));
        Common();
    }

    /// <summary>
    /// Akka.IO's listener is closing the port. It stops once it has, and only then has it dropped every accept it will
    /// (see <see cref="LateAccepts"/>): the Unbind is answered once its death watch says it stopped, not on its
    /// Tcp.Unbound, and it is answered even when the unbind failed (the listener stops then too).
    /// </summary>
    private void Unbinding(List<IActorRef> requesters)
    {
        // A second stop (the caller's and CoordinatedShutdown's) waits for the same unbind.
        Receive<ListenerProtocol.Unbind>(_ => requesters.Add(Sender));
        Receive<AllDeadLetters>(letter => ResetLateAccept(letter));
        Receive<Terminated>(terminated => terminated.ActorRef.Equals(_tcpListener), _ =>
        {
            // Terminated is a system message and overtakes the accepts the listener's mailbox dropped as it stopped,
            // published before it: a message of our own comes after them.
            Self.Tell(TcpListenerStopped.Instance);
        });
        Receive<TcpListenerStopped>(_ =>
        {
            foreach (var requester in requesters) requester.Tell(ListenerProtocol.Unbound.Instance);
            _tcpListener = null;
            Become(Unbound);
        });
        Receive<Tcp.Unbound>(_ => { });
        Receive<Tcp.Connected>(_ => Sender.Tell(Tcp.Abort.Instance));
        Common();
    }

    private void Unbound()
    {
        // An accept completing as the port closed may be told to the stopped listener later still.
        Receive<AllDeadLetters>(letter => ResetLateAccept(letter));
        Receive<ListenerProtocol.Unbind>(_ => Sender.Tell(ListenerProtocol.Unbound.Instance));
        Receive<ListenerProtocol.StopAccepting>(_ => Sender.Tell(ListenerProtocol.AcceptingStopped.Instance));
        Common();
    }

    private void Common()
    {
        // Connection actors and over-capacity actors both say so when they stop.
        Receive<ConnectionProtocol.Ended>(ended =>
        {
            if (_connections.Remove(ended.Connection))
            {
                if (_connections.Count == 0) NotifyAllClosed();
            }
            else
            {
                _overCapacity.Remove(ended.Connection);
            }
        });
        // Akka.IO confirms the sockets this listener reset; there is nothing left to do for them.
        Receive<Tcp.Aborted>(_ => { });
        // Published to this listener while it was binding, after the one that told it the bind was done.
        Receive<UnhandledMessage>(_ => { });
        Receive<ListenerProtocol.WatchConnections>(_ =>
        {
            if (_connections.Count == 0) Sender.Tell(ListenerProtocol.AllConnectionsClosed.Instance);
            else _closeWatchers.Add(Sender);
        });
        Receive<ListenerProtocol.AbortConnections>(_ =>
        {
            foreach (var connection in _connections) connection.Tell(ConnectionProtocol.Abort.Instance);
        });
        Receive<ListenerProtocol.GetOpenConnections>(_ => Sender.Tell(_connections.Count));
        Receive<ListenerProtocol.Unbind>(_ =>
        {
            _server.BeginShutdown();
            if (_tcpListener is null) { Sender.Tell(ListenerProtocol.Unbound.Instance); return; }
            _lateAccepts = LateAccepts.Watch(Context.System, Self, _tcpListener);
            Context.Watch(_tcpListener);
            _tcpListener.Tell(Tcp.Unbind.Instance);
            var requesters = new List<IActorRef> { Sender };
            Become(() => Unbinding(requesters));
        });
    }

    private void Accept(Tcp.Connected connected)
    {
        var socket = Sender;
        if (_connections.Count >= _server.Settings.MaxConnections)
        {
            RejectConnection(socket);
            return;
        }
        // No death watch: the handler tells us ConnectionProtocol.Ended from its PostStop, which runs however it
        // stops (its constructor does nothing that can throw).
        var remote = connected.RemoteAddress;
        var handler = Context.ActorOf(ConnectionActor.Props(socket, remote, _server, _tls, _keepAlive));
        _connections.Add(handler);
        Register(socket, handler);
    }

    /// <summary>
    /// The props of an over-capacity socket's handler: given the socket itself, or, on the HTTPS listener, a
    /// <see cref="TlsStage"/> that makes it with the stage as its connection once the handshake is done.
    /// </summary>
    private Props OverCapacity(IActorRef socket) =>
        _tls is null ? OverCapacityActor.Props(socket) : TlsStage.Props(socket, _tls, _server, OverCapacityActor.Props);

    /// <summary>
    /// Hands the socket to its actor and asks for its first read. The first read is asked here, after Register and
    /// from the same sender, because a ResumeReading that overtook the Register would be undone by it.
    /// </summary>
    private void Register(IActorRef socket, IActorRef handler)
    {
        // Over TLS the actor registers itself, and asks for the handshake's bytes when it needs them.
        if (_tls is not null) return;
        // keepOpenOnPeerClosed: a client that half-closes after its request still gets the response.
        socket.Tell(new Tcp.Register(handler, keepOpenOnPeerClosed: true, useResumeWriting: false));
        socket.Tell(Tcp.ResumeReading.Instance);
    }

    /// <summary>
    /// Answers a socket 503 through an <see cref="OverCapacityActor"/>, or resets it when this listener already holds
    /// its most sockets: <c>max-connections</c> + <see cref="MaxOverCapacitySockets"/>, connections and over-capacity
    /// sockets together, the descriptors <c>DescriptorLimit</c> budgets for sockets. Accepting, that
    /// leaves the over-capacity sockets their bound (they arrive when the connections fill the cap); draining,
    /// connections only close, and the places they free take the sockets still arriving while the port is held, each
    /// costing what a connection did (a descriptor, Akka.IO's connection actor and its read buffer) for at most the
    /// <see cref="OverCapacityActor"/>'s patience.
    /// </summary>
    private void RejectConnection(IActorRef socket)
    {
        // long: max-connections may be as high as int.MaxValue.
        if (_connections.Count + _overCapacity.Count >= (long)_server.Settings.MaxConnections + MaxOverCapacitySockets)
        {
            socket.Tell(Tcp.Abort.Instance);
            return;
        }
        var rejecter = Context.ActorOf(OverCapacity(socket));
        _overCapacity.Add(rejecter);
        Register(socket, rejecter);
    }

    private void ResetLateAccept(AllDeadLetters letter)
    {
        if (_lateAccepts!.Reset(letter)) _log.Debug("Reset a socket Akka.IO accepted as the port was released");
    }

    private void NotifyAllClosed()
    {
        foreach (var watcher in _closeWatchers) watcher.Tell(ListenerProtocol.AllConnectionsClosed.Instance);
        _closeWatchers.Clear();
    }

    private sealed class TcpListenerStopped
    {
        public static readonly TcpListenerStopped Instance = new();
    }
}
