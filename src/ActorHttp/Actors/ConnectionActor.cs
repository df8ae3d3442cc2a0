using System.Net;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using ActorHttp.Http;
using ActorHttp.Routing;
using Tcp = Akka.IO.Tcp;

namespace ActorHttp.Actors;

/// <summary>
/// Owns one accepted socket. Requests are read by its <see cref="RequestReader"/>, tracked in request order by
/// its <see cref="ExchangeQueue"/> while their routes work, and answered in that order by its
/// <see cref="ResponseStreamer"/>, one acknowledged write at a time; a body that streams to its handler goes
/// through an <see cref="UploadPump"/>, and every timeout through <see cref="ConnectionDeadlines"/>. Slow work
/// (the sleep route, a handler actor) is waited for with messages, never by blocking a thread. On the HTTPS port it
/// also owns the socket's <see cref="TlsSession"/>, which takes every message first: the actor's own commands to the
/// connection are queued with the session and run once each message is handled, the plain events come back straight
/// into the current state, so one actor serves a TLS connection, as one serves a plain one. States: Handshaking (TLS
/// only), Serving, then Closing once the last response is out (over TLS, once it is written out of memory), or
/// Upgraded once a WebSocket's 101 is: then its <see cref="WebSocketSession"/> takes every message.
/// </summary>
public sealed partial class ConnectionActor : UntypedActor, IWithTimers
{
    /// <summary>How long a closing connection keeps reading (and discarding) before it aborts, as nginx's lingering close.</summary>
    private static readonly TimeSpan LingerTimeout = TimeSpan.FromSeconds(2);

    private readonly ICanTell _connection; // the socket, or the queue of its TLS session's commands (see OnReceive)
    private readonly TlsSession? _tls;
    private UntypedReceive _state;
    private bool _opened;                 // counted as an open connection: from the handshake's end over TLS
    private readonly EndPoint? _remote;
    private readonly ServerContext _server;
    private readonly IActorRef? _keepAlive;  // the listener's WebSocket keep-alive ticker, or null
    // The HTTP helpers: let go once the connection is a WebSocket (see StartWebSocket), never used after that.
    private RequestReader _reader;
    private ExchangeQueue _exchanges;
    private ResponseStreamer _writer;
    private ConnectionDeadlines _deadlines;
    private UploadPump? _upload;          // the request body streaming to its handler, head to last byte
    private ILoggingAdapter? _logger;     // made on first use: it formats the actor's path, which most connections never need
    private bool _readRequested = true;   // a read is asked of the socket (pull mode; the listener asked the first)
    private bool _rejected;               // a rejection was queued: nothing after it is read
    private bool _peerClosed;
    private bool _draining;
    private bool _refusingFirst;          // drained before its first request arrived: that request gets 503, unread
    private bool _closing;
    private PendingUpgrade? _upgrade;     // a WebSocket handshake accepted, its 101 not yet written
    private WebSocketSession? _session;   // the WebSocket once the connection left HTTP

    public ITimerScheduler Timers { get; set; } = null!;

    private ILoggingAdapter Log => _logger ??= Context.GetLogger();

    public ConnectionActor(IActorRef connection, EndPoint? remote, ServerContext server, TlsServerOptions? tls = null, IActorRef? keepAlive = null)
    {
        _remote = remote;
        _server = server;
        if (tls is null)
        {
            _connection = connection;
            _state = Serving;
        }
        else
        {
            _tls = new TlsSession(connection, Self, tls, server.Observer, new TlsEvents(this), () => Log);
            _connection = _tls.OwnCommands;
            _state = Handshaking;
        }
        _keepAlive = keepAlive;
        // Heads come before their bodies only when some route streams bodies: other servers parse as ever.
        _reader = new RequestReader(server.Settings, headFirst: server.Routes.StreamsAnyRequestBody);
        _exchanges = new ExchangeQueue(Context, this, server.Settings.HandlerTimeout, () => Log);
        _writer = new ResponseStreamer(_connection, Self, server.Materializer, server.Observer, server.Settings.MinResponseRate);
        _deadlines = new ConnectionDeadlines(this, Context.System.Scheduler, server.Settings);
    }

    /// <summary>
    /// Props for the actor serving one Akka.IO connection, on the configured connection dispatcher; with
    /// <paramref name="tls"/>, over TLS (it then registers itself with the socket). A WebSocket it upgrades to joins
    /// <paramref name="keepAlive"/>, the listener's <see cref="KeepAliveTicker"/> (null: no pings).
    /// </summary>
    public static Props Props(IActorRef connection, EndPoint? remote, ServerContext server, TlsServerOptions? tls = null, IActorRef? keepAlive = null) =>
        Akka.Actor.Props.CreateBy(new Producer(connection, remote, server, tls, keepAlive)).WithDispatcher(server.Settings.ConnectionDispatcher);

    // A hand-written producer: Props.Create(() => new ...) compiles an expression on every connection.
    private sealed class Producer(IActorRef connection, EndPoint? remote, ServerContext server, TlsServerOptions? tls, IActorRef? keepAlive) : IIndirectActorProducer
    {
        public Type ActorType => typeof(ConnectionActor);
        public ActorBase Produce() => new ConnectionActor(connection, remote, server, tls, keepAlive);
        public void Release(ActorBase actor) { }
    }

    // Handlers of a connection are stopped on failure, never restarted: their request is answered 500.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(Decider.From(Directive.Stop));

    protected override void PreStart()
    {
        if (_tls is null) Open();
        else _tls.Start(Timers);
    }

    /// <summary>The connection serves HTTP from now on: at once, or once its TLS handshake is done.</summary>
    private void Open()
    {
        _opened = true;
        _state = Serving;
        _server.Observer.ConnectionOpened();
        UpdateWaiting(); // a new connection must deliver its first request head in time, or it is a slowloris
        if (_draining) OnDrain(); // drained during its TLS handshake
    }

    protected override void PostStop()
    {
        try
        {
            _upload?.Abandon();
            if (_session is null) // an upgraded connection has no exchanges left
            {
                ReportUnfinished();
                _exchanges.Abandon();
            }
            _session?.OwnerStopped();
            _tls?.Dispose();
        }
        finally
        {
            // Whatever failed above, the connection is uncounted and its listener told: the listener has no death
            // watch, and a connection it kept for ever would hold a graceful shutdown to its timeout.
            if (_opened) _server.Observer.ConnectionClosed();
            Context.Parent.Tell(new ConnectionProtocol.Ended(Self));
        }
    }

    // ---- states ---------------------------------------------------------------------------------------------

    // An UntypedActor with a switch rather than a ReceiveActor: no per-instance handler tables to build for
    // every connection, and one type test per message on the hot path. The state is a field rather than Become, so
    // that the TLS session, which takes every message first, stays in front of every state.
    protected override void OnReceive(object message)
    {
        if (_tls is null)
        {
            _state(message);
            return;
        }
        if (!_tls.Handle(message, Sender)) _state(message);
        _tls.RunOwnCommands();
    }

    /// <summary>Over TLS, until the handshake is done (the session's work): nothing of HTTP has started.</summary>
    private void Handshaking(object message)
    {
        switch (message)
        {
            // Shutting down: a handshake under way finishes (within the handshake timeout, and the shutdown's own, whose
            // Abort resets), and the connection then closes with close_notify as an idle one does, so the client sees a
            // clean close it may retry after (RFC 9112 §9.3.1), not a reset in the middle of its handshake.
            case ConnectionProtocol.Drain when _tls!.HandshakeUnderWay: _draining = true; break;
            // A connection that has not said a word yet is closed at once, as an idle one is.
            case ConnectionProtocol.Drain or ConnectionProtocol.Abort: Abort(); break;
            default: Unhandled(message); break;
        }
    }

    /// <summary>Reading requests and writing their responses.</summary>
    private void Serving(object message)
    {
        switch (message)
        {
            case Tcp.Received received: OnReceived(received.Data); break;
            case ConnectionProtocol.WriteAck: OnWriteProgress(_writer.OnWriteAck(_deadlines.Now)); break;
            case SleepElapsed sleep: OnSleepElapsed(sleep); break;
            case HttpResponse response: WriteIf(_exchanges.OnChildReply(Sender, response)); break;
            case ExchangeQueue.HandlerReplied replied: WriteIf(_exchanges.OnReply(replied)); break;
            case ExchangeQueue.HandlerFailed failed: WriteIf(_exchanges.OnFailed(failed)); break;
            case ExchangeQueue.HandlerTimedOut timedOut: WriteIf(_exchanges.OnTimedOut(timedOut)); break;
            case Terminated terminated: WriteIf(_exchanges.OnTerminated(terminated.ActorRef)); break;
            case ResponseStreamer.StreamInit: _writer.OnStreamInit(Sender); break;
            case ByteString chunk: _writer.OnChunk(chunk, Sender, _deadlines.Now); _deadlines.Arm(_writer.Deadline); break;
            case ResponseStreamer.StreamDone: OnWriteProgress(_writer.OnStreamDone(_deadlines.Now)); break;
            case ResponseStreamer.StreamFailed failed: _writer.OnStreamFailed(failed, Log); Abort(); break;
            case UploadPump.Offered offered: OnOffered(offered); break;
            case ConnectionDeadlines.Watchdog: OnWatchdog(); break;
            case ConnectionProtocol.Drain: OnDrain(); break;
            case LingerTimedOut when _refusingFirst: CloseConnection(graceful: !_reader.IsEmpty); break;
            case ConnectionProtocol.Abort: Abort(); break;
            case Tcp.PeerClosed: OnPeerClosed(); break;
            case Tcp.ConnectionClosed: Context.Stop(Self); break;
            case Tcp.CommandFailed commandFailed:
                Log.Debug("Connection command failed: {0}", commandFailed.Cmd);
                Context.Stop(Self);
                break;
            default: Unhandled(message); break;
        }
    }

    /// <summary>The response that closes the connection is out: read and drop until the peer closes too.</summary>
    private void Closing(object message)
    {
        switch (message)
        {
            // The client closed its side (a FIN, or a close_notify read before our Close reached the TLS session): ours
            // is on its way, and the socket's own close event follows it. Stopping now would reset the socket and lose
            // what is not out yet (over TLS, a last response may still be written: see TryWriteNext).
            case Tcp.PeerClosed: break;
            case Tcp.ConnectionClosed: Context.Stop(Self); break;
            case Tcp.Received: _connection.Tell(Tcp.ResumeReading.Instance, Self); break; // read and drop until the peer closes
            // The response that closes the connection may still be on its way (see TryWriteNext): it is timed and logged.
            case ConnectionProtocol.WriteAck when _writer.Writing is not null: OnWriteProgress(_writer.OnWriteAck(_deadlines.Now)); break;
            case ConnectionDeadlines.Watchdog when _writer.Writing is not null: OnWatchdog(); break;
            case Tcp.CommandFailed when _writer.Writing is not null: Abort(); break; // the response cannot be finished
            case LingerTimedOut: Abort(); break;
            case ConnectionProtocol.Abort: Abort(); break;
            // Late timers, handler replies and stream events of a closed connection cost nothing.
        }
    }

    /// <summary>
    /// A WebSocket: no more HTTP. The session takes every message (the socket's, its handler's, its timers', a shutdown's
    /// Drain and Abort), writes and asks for reads itself; the connection stops once it ended, never before: its handler
    /// is its child, and stopping first would stop the handler before it took its WebSocketClosed.
    /// </summary>
    private void Upgraded(object message)
    {
        _session!.Handle(message); // late timers and stream events of the HTTP exchanges are not its, and cost nothing
        if (_session.Ended) Context.Stop(Self);
    }

    /// <summary>
    /// The 101 is out: the HTTP timers stop and a session takes the socket, with what the client sent after its handshake.
    /// The HTTP helpers go: a socket may stay open for hours, and they would keep the reader's buffers and the
    /// handshake's header fields, the exchange queue, the writer and the deadlines for as long.
    /// </summary>
    private void StartWebSocket(PendingUpgrade upgrade)
    {
        _upgrade = null;
        Timers.CancelAll();
        // The session first: should it throw (a handler's props the system refuses), the actor stops with its helpers,
        // which its PostStop reads as those of a connection that never upgraded.
        _session = WebSocketSession.Open(Context, Timers, _connection, _server.Settings.WebSockets, _server.Settings.MinRequestBodyRate,
            _server.Observer, _keepAlive, upgrade.Handler, upgrade.Request, upgrade.Subprotocol, _reader.TakeInput(),
            draining: _draining || _server.ShuttingDown);
        _reader = null!;
        _exchanges = null!;
        _writer = null!;
        _deadlines = null!;
        _state = Upgraded;
    }

    // ---- reading --------------------------------------------------------------------------------------------

    private void OnReceived(ByteString data)
    {
        _readRequested = false;
        if (_rejected) return; // after an error nothing more is read; the connection is closing
        _deadlines.Received(data.Count);
        _reader.Append(data);
        ReadRequests();
    }

    /// <summary>Reads every request the input holds and may be read now, and routes each.</summary>
    private void ReadRequests()
    {
        while (!_rejected)
        {
            if (_upload is { } upload)
            {
                // A streamed body comes first: what follows it is read once it has ended.
                var pumped = upload.Feed(_reader, out var badFraming);
                if (pumped == PumpState.Rejected) Reject(badFraming);
                else if (pumped == PumpState.Waiting) SendContinueIfNextInLine();
                else { _upload = null; continue; }
                break;
            }
            var step = _reader.Next();
            if (step.Kind == ReadKind.Nothing) { SendContinueIfNextInLine(); break; }
            if (step.Kind == ReadKind.Rejected) Reject(step.Rejection);
            else if (_refusingFirst) AnswerUnreadAndClose(ErrorResponses.NotServing);
            else if (step.Kind == ReadKind.Head) OnHead(step.Request!);
            else Route(Admit(step.Request!));
        }
        UpdateReading();
        _reader.Spill();
        UpdateWaiting();
    }

    /// <summary>A head whose body follows: its route decides whether the body streams to the handler or is buffered.</summary>
    private void OnHead(HttpRequest head)
    {
        var match = head.Target == "*" ? null : _server.Routes.Match(head.Method, head.Path);
        if (match is RouteMatch.Found { Route.StreamsRequestBody: true })
        {
            _reader.StreamBody();
            var exchange = Admit(head);
            var (pump, body) = UploadPump.Create(exchange.Seq, _server.Materializer, Self, _exchanges);
            _upload = pump;
            Route(exchange, match, body);
        }
        else if (_reader.BufferBody() is { } tooLarge) Reject(tooLarge);
    }

    /// <summary>
    /// Queues a request read. One whose client asked to close is the last read: RFC 9112 §9.6 forbids processing a
    /// request that follows it on the connection (its handler would run, and the request be logged as abandoned).
    /// </summary>
    private Exchange Admit(HttpRequest request)
    {
        var exchange = _exchanges.Admit(request);
        if (!exchange.KeepAlive) _reader.Stop(discardInput: false);
        return exchange;
    }

    private void OnOffered(UploadPump.Offered offered)
    {
        if (!ReferenceEquals(offered.Pump, _upload)) return; // abandoned meanwhile
        if (offered.Pump.OnOffered(offered) == PumpState.Done) _upload = null;
        ReadRequests();
    }

    /// <summary>RFC 9110 §10.1.1: tells a client holding its body back to send it, once its request is next in line.</summary>
    private void SendContinueIfNextInLine()
    {
        var ahead = _upload is null ? 0 : 1; // a streamed body's own exchange is already queued
        if (_reader.TakeContinue(nextInLine: _exchanges.Count == ahead && _writer.Writing is null)) _writer.WriteContinue();
    }

    /// <summary>
    /// Asks the socket for the next frame unless nothing received could be used now (back-pressure on a
    /// pipelining client), or a streamed body's handler has not taken the last piece and more has arrived. The
    /// socket reads only when asked (pull mode), so a client that sends faster than it is served waits in the
    /// kernel: this connection holds at most the frame it is working on.
    /// </summary>
    private void UpdateReading()
    {
        if (_rejected || _closing || _readRequested) return; // closing reads on by itself, to drain
        var pause = _upload is { } upload ? upload.OfferPending && !_reader.IsEmpty : _reader.WantsSuspend;
        if (pause) return;
        _readRequested = true;
        _connection.Tell(Tcp.ResumeReading.Instance, Self);
    }

    private void UpdateWaiting() => _deadlines.Update(
        closed: _closing || _rejected,
        readingBody: _reader.IsReadingBody,
        serverHoldsBody: _upload is { OfferPending: true } || _reader.AwaitsContinue || !_readRequested,
        inFlight: _exchanges.Count > 0 || _writer.Writing is not null,
        pendingHead: !_reader.IsEmpty || !_reader.HasReadAHead);

    /// <summary>The TLS session's plain events, straight into the current state.</summary>
    private sealed class TlsEvents(ConnectionActor connection) : ITlsPlainSide
    {
        public IActorRef PlainActor => connection.Self;
        public void HandshakeCompleted() => connection.Open();
        public void Deliver(object plainEvent) => connection._state(plainEvent);
        public void Finished() => Context.Stop(connection.Self);
    }
}
