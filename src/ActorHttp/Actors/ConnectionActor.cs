using System.Net;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using Tcp = Akka.IO.Tcp;
using Akka.Streams;
using ActorHttp.Http;
using ActorHttp.Streams;
using HttpVersion = ActorHttp.Http.HttpVersion;
using ActorHttp.Routing;

namespace ActorHttp.Actors;

/// <summary>
/// Owns one accepted socket: parses the requests that arrive on it, hands each to its route, and writes the
/// responses back strictly in request order, one write at a time with an ack. Slow work (the sleep route, a
/// handler actor) is waited for with messages, never by blocking a thread. Stops when the connection ends.
/// This file holds its state, reading and timeouts; ConnectionActor.Dispatch.cs hands requests to routes,
/// ConnectionActor.Writing.cs writes responses, ConnectionActor.Uploads.cs feeds streamed request bodies.
/// </summary>
public sealed partial class ConnectionActor : UntypedActor, IWithTimers
{
    /// <summary>How long a closing connection keeps reading (and discarding) before it aborts, as nginx's lingering close.</summary>
    private static readonly TimeSpan LingerTimeout = TimeSpan.FromSeconds(2);

    private readonly IActorRef _connection;
    private readonly EndPoint? _remote;
    private readonly ServerContext _server;
    private readonly HttpRequestParser _parser;
    private readonly InputBuffer _input = new();
    private readonly List<Exchange> _exchanges = new(); // in request order; the first is the one written next
    // Made on first use: building a logger formats the actor's path, work (and memory) most connections never need.
    private ILoggingAdapter? _logger;
    private ILoggingAdapter Log => _logger ??= Context.GetLogger();
    private long _nextSeq;

    private Exchange? _writing;            // whose response is on the wire
    private WriteStage _writeStage;
    private IActorRef? _streamStage;       // the stream sink stage feeding a file or stream body
    private bool _chunked;
    private int _chunksInFlight;           // body chunks written but not yet acknowledged by the socket
    private bool _streamAwaitsAck;         // the stream stage waits for our ack before sending the next chunk
    private bool _streamDone;
    private ChunkBuffers? _fileBuffers;    // the buffers a file body is read into, released as the socket acknowledges each chunk
    private int _writesPending;            // writes of a whole response (or of the last chunk) not yet acknowledged
    private readonly ResponseWriteTiming _writeTiming;
    private readonly RequestBodyTiming _bodyTiming;
    private long _heldBodyBytes;           // request-body bytes held by the exchanges in flight

    /// <summary>
    /// Body chunks allowed on their way to the socket at once: enough to keep the socket busy while the next
    /// chunk is read, few enough that memory per download stays a few chunks whatever the client's speed.
    /// </summary>
    private const int StreamWindow = 4;

    /// <summary>
    /// Pieces of a streamed request body (each what one read brought, up to a socket frame) queued for a
    /// handler that has not pulled them yet; past that, reading the socket stops until it pulls.
    /// </summary>
    private const int StreamedBodyBuffer = 8;

    private StreamedBody? _upload;         // the request body being streamed to its handler, head to last byte
    private RouteMatch? _bodyRoute;        // the route found for the head of a body being buffered

    private bool _readingSuspended;
    private bool _rejected;                // a rejection was queued: nothing after it is parsed
    private bool _continueSent;
    private bool _peerClosed;
    private bool _draining;
    private bool _closing;
    private bool _servedAny;

    // One watchdog timer serves the request-header, body and keep-alive timeouts: moving a deadline
    // later (every request on a busy keep-alive connection does) only updates these fields, and the
    // timer, when it fires early, re-arms itself for what is left. No timer churn per request.
    private Waiting _waiting;
    private TimeSpan _deadline;
    private TimeSpan _watchdogDue = TimeSpan.MaxValue;

    private enum Waiting { Nothing, RequestHead, RequestBody, NextRequest }

    private enum WriteStage { Whole, Head, Chunk, LastChunk }

    public ITimerScheduler Timers { get; set; } = null!;

    public ConnectionActor(IActorRef connection, EndPoint? remote, ServerContext server)
    {
        _connection = connection;
        _remote = remote;
        _server = server;
        // Heads come before their bodies only when some route streams bodies: other servers parse as ever.
        _parser = new HttpRequestParser(server.Settings.Limits, headFirst: server.Routes.StreamsAnyRequestBody);
        _writeTiming = new ResponseWriteTiming(server.Settings.MinResponseRate);
        _bodyTiming = new RequestBodyTiming(server.Settings.MinRequestBodyRate);
    }

    /// <summary>Props for the actor serving one Akka.IO connection, on the configured connection dispatcher.</summary>
    public static Props Props(IActorRef connection, EndPoint? remote, ServerContext server) =>
        Akka.Actor.Props.CreateBy(new Producer(connection, remote, server))
            .WithDispatcher(server.Settings.ConnectionDispatcher);

    // A hand-written producer: Props.Create(() => new ...) compiles an expression on every connection.
    private sealed class Producer(IActorRef connection, EndPoint? remote, ServerContext server) : IIndirectActorProducer
    {
        public Type ActorType => typeof(ConnectionActor);
        public ActorBase Produce() => new ConnectionActor(connection, remote, server);
        public void Release(ActorBase actor) { }
    }

    // Handlers of a connection are stopped on failure, never restarted: their request is answered 500.
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(Decider.From(Directive.Stop));

    protected override void PreStart()
    {
        _server.Observer.ConnectionOpened();
        // A new connection must deliver its first request head in time, or it is a slowloris.
        WaitFor(Waiting.RequestHead, Now + _server.Settings.RequestHeaderTimeout);
    }

    protected override void PostStop()
    {
        AbandonStreamedBody();
        _server.Observer.ConnectionClosed();
        Context.Parent.Tell(new ConnectionProtocol.Ended(Self));
    }

    // ---- states ---------------------------------------------------------------------------------

    // An UntypedActor with a switch rather than a ReceiveActor: no per-instance handler tables to build
    // for every connection, and one type test per message on the hot path.
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Tcp.Received received: OnReceived(received.Data); break;
            case ConnectionProtocol.WriteAck: OnWriteAck(); break;
            case SleepElapsed sleep: Complete(sleep.Seq, r => _server.Content.Hello(r)); break;
            case HandlerReplied replied: OnHandlerReply(replied.Seq, replied.Reply); break;
            case HandlerFailed failed: OnHandlerFailed(failed.Seq, failed.Cause); break;
            case HandlerTimedOut timedOut: OnHandlerTimedOut(timedOut.Seq); break;
            case HttpResponse response: OnChildReply(response); break;
            case Terminated terminated: OnHandlerTerminated(terminated.ActorRef); break;
            case StreamInit: _streamStage = Sender; Sender.Tell(StreamAck.Instance); break;
            case ByteString chunk: OnStreamChunk(chunk); break;
            case StreamDone: OnStreamDone(); break;
            case StreamFailed streamFailed: OnStreamFailed(streamFailed.Cause); break;
            case BodyOffered offered: OnBodyOffered(offered); break;
            case Watchdog: OnWatchdog(); break;
            case ConnectionProtocol.Drain: OnDrain(); break;
            case ConnectionProtocol.Abort: AbortConnection(); break;
            case Tcp.PeerClosed: OnPeerClosed(); break;
            case Tcp.ConnectionClosed: AbandonStreamedBody(); Context.Stop(Self); break;
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
            case Tcp.ConnectionClosed: Context.Stop(Self); break;
            case LingerTimedOut: _connection.Tell(Tcp.Abort.Instance); Context.Stop(Self); break;
            case ConnectionProtocol.Abort: AbortConnection(); break;
            // Received bytes, late timers, handler replies and stream events of a closed connection cost nothing.
        }
    }

    // ---- reading --------------------------------------------------------------------------------

    private void OnReceived(ByteString data)
    {
        if (_rejected) return; // after an error nothing more is parsed; the connection is closing
        _bodyTiming.Received(data.Count);
        _input.Append(data);
        ParseRequests();
    }

    private void ParseRequests()
    {
        // A streamed body comes first: what follows it is parsed once it has ended.
        var bodyStreaming = _upload is not null && !FeedStreamedBody();
        while (!bodyStreaming && !_rejected && (_parser.IsReadingBody || (!_input.IsEmpty && MayReadNextRequest)))
        {
            var result = _parser.Parse(_input.Span);
            _input.Consume(result.Consumed);
            if (result.Outcome == ParseOutcome.NeedMore)
            {
                if (_parser.IsReadingBody) OnHeadParsed();
                SendContinueIfAwaited(ahead: 0);
                _input.Spill();
                break;
            }
            if (result.Outcome == ParseOutcome.Rejected)
            {
                Reject(result.Rejection);
                break;
            }
            OnHeadParsed();
            if (result.Outcome == ParseOutcome.Head)
            {
                if (ChooseBodyMode(result.Request!)) continue;
                break;
            }
            _continueSent = false;
            var route = _bodyRoute;
            _bodyRoute = null;
            Dispatch(result.Request!, route);
        }
        UpdateReading();
        _input.Spill();
        UpdateWaiting();
    }

    /// <summary>
    /// Whether a new request may be read now. Not while enough requests are in flight, or while those in flight
    /// hold more request-body bytes than the pipelining budget: what one connection buffers is then at most one
    /// body being read plus that budget, however deep the client pipelines. Not during a shutdown drain either:
    /// requests already read are answered, unread input is abandoned.
    /// </summary>
    private bool MayReadNextRequest =>
        !_draining
        && _exchanges.Count < _server.Settings.MaxPipelinedRequests
        && (_exchanges.Count == 0 || _heldBodyBytes < _server.Settings.MaxPipelinedBodyBytes);

    /// <summary>
    /// Reading stops while no new request may be read (back-pressure on a pipelining client), or while a
    /// streamed body's handler has not taken the last piece and more has arrived (back-pressure from the
    /// handler's stream); it resumes when the reason is gone.
    /// </summary>
    private void UpdateReading()
    {
        if (_rejected || _closing) return; // closing resumes reading itself, to drain
        var suspend = _upload is { } upload
            ? upload.OfferPending && !_input.IsEmpty
            : !_parser.IsReadingBody && !MayReadNextRequest;
        if (suspend == _readingSuspended) return;
        _readingSuspended = suspend;
        _connection.Tell(suspend ? Tcp.SuspendReading.Instance : Tcp.ResumeReading.Instance);
    }

    /// <summary>RFC 9110 §10.1.1: tells the client to send the body it is holding back, once its request is next in line.</summary>
    private void SendContinueIfAwaited(int ahead)
    {
        if (!_parser.AwaitsContinue || _continueSent || _exchanges.Count != ahead || _writing is not null) return;
        _continueSent = true;
        _connection.Tell(Tcp.Write.Create(ByteString.FromBytes(Continue100)));
    }

    private static readonly byte[] Continue100 = "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray();

    private void OnHeadParsed() => _servedAny = true;

    /// <summary>A request the parser refused: answered in turn with Connection: close, nothing after it read.</summary>
    private void Reject(RequestRejectionReason reason)
    {
        if (_upload is { } upload)
        {
            // A streamed body cut short (bad framing, stalled client): its handler sees the stream fail and
            // must answer within its timeout; the rejection's answer follows in turn.
            AbandonStreamedBody();
            TimeHandler(upload.Seq);
        }
        _rejected = true;
        _input.Clear();
        _waiting = Waiting.Nothing;
        _server.Observer.RequestRejected(reason);
        var exchange = NewExchange(null, HttpVersion.Http11, keepAlive: false);
        exchange.Response = ErrorResponses.For(RequestRejection.StatusFor(reason));
        TryWriteNext();
    }

    private void OnPeerClosed()
    {
        _peerClosed = true;
        // An upload cut short by FIN can never complete: its handler's stream fails and nothing is answered.
        var uploadCutShort = _upload is { Ended: false, Discarding: false };
        AbandonStreamedBody();
        if (uploadCutShort)
        {
            Context.Stop(Self);
            return;
        }
        // The client sent FIN. It may have only half-closed (RFC 9112 §9.6 lets it), so what it asked for is
        // still answered, with Connection: close, and the connection closes after the last response. A client
        // that really vanished makes those writes fail, which ends the connection the same way; nothing is
        // left behind beyond the in-flight request itself. With nothing in flight the connection closes now,
        // through Akka.IO (a FIN) rather than by stopping, which would make Akka reset the socket.
        if (_exchanges.Count == 0) CloseConnection(graceful: false);
    }

    /// <summary>
    /// Graceful shutdown: every request already read is answered (the last with Connection: close), a body being
    /// read is read to its end, and no new request is read; the connection closes once that is done.
    /// </summary>
    private void OnDrain()
    {
        _draining = true;
        CloseIfDrained();
        if (!_closing) UpdateReading();
    }

    private void CloseIfDrained()
    {
        if (_draining && IsDrained) CloseConnection(graceful: !_input.IsEmpty);
    }

    private bool IsIdle => IsDrained && _input.IsEmpty;

    /// <summary>Nothing read is left to answer: no exchange in flight, no body being read.</summary>
    private bool IsDrained => _exchanges.Count == 0 && _writing is null && !_parser.IsReadingBody;

    /// <summary>
    /// Decides what the connection waits for now, and so which timeout applies: the rest of a body (keep-alive
    /// timeout from the last bytes, and the minimum body rate), the rest of a request head (request-header
    /// timeout, counted from its first bytes or from when the requests ahead of it were answered), the next
    /// request on an idle connection (keep-alive timeout; RFC 9112 §9.5 lets a server close idle connections),
    /// or nothing while the server, not the client, is the one being waited for: requests in flight (a head
    /// complete or not behind them is not late), a handler not taking a streamed body, a 100-continue not sent.
    /// </summary>
    private void UpdateWaiting()
    {
        var now = Now;
        var awaitingServer = _upload is { OfferPending: true } || (_parser.AwaitsContinue && !_continueSent) || _readingSuspended;
        _bodyTiming.Update(now, reading: _parser.IsReadingBody && !_closing && !_rejected, clientsTurn: !awaitingServer);

        if (_closing || _rejected) _waiting = Waiting.Nothing;
        else if (_parser.IsReadingBody)
        {
            if (awaitingServer) _waiting = Waiting.Nothing;
            else WaitFor(Waiting.RequestBody, Min(now + _server.Settings.KeepAliveTimeout, _bodyTiming.Deadline));
        }
        else if (_exchanges.Count > 0 || _writing is not null) _waiting = Waiting.Nothing;
        else if (!_input.IsEmpty || !_servedAny) { if (_waiting != Waiting.RequestHead) WaitFor(Waiting.RequestHead, now + _server.Settings.RequestHeaderTimeout); }
        else if (_waiting != Waiting.NextRequest) WaitFor(Waiting.NextRequest, now + _server.Settings.KeepAliveTimeout);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    // The scheduler's clock, so that virtual time (Akka.TestKit.TestScheduler) drives the timeouts in tests.
    private TimeSpan Now => TimeSpan.FromTicks(Context.System.Scheduler.Now.UtcTicks);

    private void WaitFor(Waiting waiting, TimeSpan deadline)
    {
        _waiting = waiting;
        _deadline = deadline;
        ArmWatchdog(deadline);
    }

    /// <summary>Makes sure the watchdog fires no later than <paramref name="due"/>; it re-arms itself if that is early.</summary>
    private void ArmWatchdog(TimeSpan due)
    {
        if (_watchdogDue <= due || due == TimeSpan.MaxValue) return;
        _watchdogDue = due;
        var delay = due - Now;
        Timers.StartSingleTimer(TimerKey.Watchdog, Watchdog.Instance, delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
    }

    private void OnWatchdog()
    {
        _watchdogDue = TimeSpan.MaxValue;
        var now = Now;
        if (_writeTiming.IsOverdue(now))
        {
            // The client has not taken a write within its allowance at the minimum response rate. Part of a
            // response may be out already, so no error response can follow: the connection is cut (as Kestrel does).
            Log.Info("Client at {0} read slower than the minimum response rate; connection aborted", _remote);
            AbortConnection();
            return;
        }
        if (_waiting != Waiting.Nothing && now >= _deadline)
        {
            switch (_waiting)
            {
                case Waiting.NextRequest:
                    CloseConnection(graceful: false);
                    return;
                default:
                    // A head that stalled, or a body that stalled or came in slower than the minimum rate:
                    // 408 (RFC 9110 §15.5.9), and the connection closes.
                    Reject(RequestRejectionReason.RequestTimeout);
                    return;
            }
        }
        ArmWatchdog(Min(_waiting == Waiting.Nothing ? TimeSpan.MaxValue : _deadline, _writeTiming.Deadline));
    }

    // ---- closing --------------------------------------------------------------------------------

    /// <summary>
    /// Closes our side. A graceful close is a half close (FIN) that lets the client read the whole response
    /// even if it is still sending; we then drain until it closes or the linger time passes. Otherwise the
    /// socket closes as soon as the responses written are out.
    /// </summary>
    private void CloseConnection(bool graceful)
    {
        if (_closing) return;
        _closing = true;
        AbandonStreamedBody();
        Timers.CancelAll();
        if (_readingSuspended) _connection.Tell(Tcp.ResumeReading.Instance);
        _connection.Tell(graceful ? Tcp.ConfirmedClose.Instance : Tcp.Close.Instance);
        Timers.StartSingleTimer(TimerKey.Linger, LingerTimedOut.Instance, LingerTimeout);
        Become(Closing);
    }

    private void AbortConnection()
    {
        _connection.Tell(Tcp.Abort.Instance);
        Context.Stop(Self);
    }

    // ---- private messages -----------------------------------------------------------------------

    private enum TimerKey { Watchdog, Linger }

    private sealed record SleepKey(long Seq);

    private sealed record HandlerKey(long Seq);

    private sealed record SleepElapsed(long Seq);

    private sealed record HandlerReplied(long Seq, object Reply);

    private sealed record HandlerFailed(long Seq, Exception Cause);

    private sealed record HandlerTimedOut(long Seq);

    private sealed record StreamFailed(Exception Cause);

    private sealed record BodyOffered(StreamedBody Body, IQueueOfferResult Result);

    private sealed class Watchdog
    {
        public static readonly Watchdog Instance = new();
    }

    private sealed class LingerTimedOut
    {
        public static readonly LingerTimedOut Instance = new();
    }

    private sealed class StreamInit
    {
        public static readonly StreamInit Instance = new();
    }

    private sealed class StreamAck
    {
        public static readonly StreamAck Instance = new();
    }

    private sealed class StreamDone
    {
        public static readonly StreamDone Instance = new();
    }
}
