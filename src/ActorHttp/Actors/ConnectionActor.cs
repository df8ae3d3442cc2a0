using System.Buffers;
using System.Diagnostics;
using System.Net;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using Tcp = Akka.IO.Tcp;
using Akka.Streams;
using Akka.Streams.Dsl;
using ActorHttp.Http;
using HttpVersion = ActorHttp.Http.HttpVersion;
using ActorHttp.Routing;

namespace ActorHttp.Actors;

/// <summary>
/// Owns one accepted socket: parses the requests that arrive on it, hands each to its route, and writes the
/// responses back strictly in request order, one write at a time with an ack. Slow work (the sleep route, a
/// handler actor) is waited for with messages, never by blocking a thread. Stops when the connection ends.
/// </summary>
public sealed class ConnectionActor : UntypedActor, IWithTimers
{
    /// <summary>How long a closing connection keeps reading (and discarding) before it aborts, as nginx's lingering close.</summary>
    private static readonly TimeSpan LingerTimeout = TimeSpan.FromSeconds(2);

    private readonly IActorRef _connection;
    private readonly EndPoint? _remote;
    private readonly ServerContext _server;
    private readonly HttpRequestParser _parser;
    private readonly InputBuffer _input = new();
    private readonly List<Exchange> _exchanges = new(); // in request order; the first is the one written next
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private long _nextSeq;

    private Exchange? _writing;            // whose response is on the wire
    private WriteStage _writeStage;
    private IActorRef? _streamStage;       // the stream sink stage feeding a file or stream body
    private bool _chunked;
    private int _chunksInFlight;           // body chunks written but not yet acknowledged by the socket
    private bool _streamAwaitsAck;         // the stream stage waits for our ack before sending the next chunk
    private bool _streamDone;

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
        WaitFor(Waiting.RequestHead, _server.Settings.RequestHeaderTimeout);
    }

    protected override void PostStop()
    {
        AbandonStreamedBody();
        _server.Observer.ConnectionClosed();
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
                _log.Debug("Connection command failed: {0}", commandFailed.Cmd);
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
        _input.Append(data);
        ParseRequests();
    }

    private void ParseRequests()
    {
        // A streamed body comes first: what follows it is parsed once it has ended.
        var bodyStreaming = _upload is not null && !FeedStreamedBody();
        while (!bodyStreaming && !_rejected && (!_input.IsEmpty || _parser.IsReadingBody) && _exchanges.Count < _server.Settings.MaxPipelinedRequests)
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
    /// Reading stops while enough requests are in flight (back-pressure on a pipelining client), or while a
    /// streamed body's handler has not taken the last piece and more has arrived (back-pressure from the
    /// handler's stream); it resumes when the reason is gone.
    /// </summary>
    private void UpdateReading()
    {
        if (_rejected || _closing) return; // closing resumes reading itself, to drain
        var suspend = _upload is { } upload
            ? upload.OfferPending && !_input.IsEmpty
            : _exchanges.Count >= _server.Settings.MaxPipelinedRequests;
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

    // ---- streamed request bodies ----------------------------------------------------------------

    /// <summary>
    /// A head with a body (parsed head-first because some route streams bodies): its route decides whether
    /// the body streams to the handler as it arrives or is buffered as usual. False when parsing stops here.
    /// </summary>
    private bool ChooseBodyMode(HttpRequest head)
    {
        var match = head.Target == "*" ? null : _server.Routes.Match(head.Method, head.Path);
        if (match is RouteMatch.Found { Route.StreamsRequestBody: true })
        {
            _parser.StreamBody();
            var (queue, body) = Source.Queue<ByteString>(StreamedBodyBuffer, OverflowStrategy.Backpressure)
                .PreMaterialize(_server.Materializer);
            var exchange = Dispatch(head, match, body);
            _upload = new StreamedBody(exchange.Seq, queue);
            return FeedStreamedBody();
        }
        if (_parser.BufferBody() is { } tooLarge)
        {
            Reject(tooLarge);
            return false;
        }
        _bodyRoute = match; // reused when the body is complete: one route lookup per request
        return true;
    }

    /// <summary>
    /// Parses what has arrived of the streamed body and offers it to the handler's stream as one piece.
    /// True once the body has ended and its last piece was taken, so the next request may be parsed.
    /// </summary>
    private bool FeedStreamedBody()
    {
        var upload = _upload!;
        if (upload.OfferPending) return false;
        ByteString? data = null;
        while (true)
        {
            var input = _input.Span;
            var result = _parser.Parse(input);
            switch (result.Outcome)
            {
                case ParseOutcome.BodyPart:
                    if (!upload.Discarding)
                    {
                        var part = ByteString.FromBytes(result.PartOf(input).ToArray()); // the input buffer is reused
                        data = data is null ? part : data.Concat(part);
                    }
                    _input.Consume(result.Consumed);
                    break;
                case ParseOutcome.NeedMore:
                    _input.Consume(result.Consumed);
                    SendContinueIfAwaited(ahead: 1);
                    if (data is not null) Offer(upload, data);
                    return false;
                case ParseOutcome.Rejected:
                    // Broken chunk framing: the body is cut short, the handler's stream fails, the client gets 400.
                    Reject(result.Rejection);
                    return false;
                default:
                    // Complete: the body ended.
                    _input.Consume(result.Consumed);
                    _continueSent = false;
                    upload.Ended = true;
                    if (data is null)
                    {
                        EndStreamedBody(upload);
                        return true;
                    }
                    Offer(upload, data);
                    return false;
            }
        }
    }

    private void Offer(StreamedBody upload, ByteString data)
    {
        upload.OfferPending = true;
        // While the handler does not take the bytes, it is the one we wait for: its timeout applies.
        Timers.StartSingleTimer(new HandlerKey(upload.Seq), new HandlerTimedOut(upload.Seq), _server.Settings.HandlerTimeout);
        upload.Queue.OfferAsync(data).PipeTo(Self,
            success: result => new BodyOffered(upload, result),
            failure: cause => new BodyOffered(upload, new QueueOfferResult.Failure(cause)));
    }

    private void OnBodyOffered(BodyOffered offered)
    {
        var upload = offered.Body;
        if (!ReferenceEquals(upload, _upload)) return; // abandoned meanwhile
        upload.OfferPending = false;
        Timers.Cancel(new HandlerKey(upload.Seq));
        // A handler that cancelled its stream (or whose stream failed) no longer wants the body; it is still
        // read to its end so the connection can go on.
        if (offered.Result is not QueueOfferResult.Enqueued) upload.Discarding = true;
        if (upload.Ended) EndStreamedBody(upload);
        ParseRequests();
    }

    private void EndStreamedBody(StreamedBody upload)
    {
        _upload = null;
        if (!upload.Discarding) upload.Queue.Complete();
        // The handler has the whole body now: from here it must reply within its timeout.
        TimeHandler(upload.Seq);
    }

    private void TimeHandler(long seq)
    {
        if (Find(seq) is { Response: null })
            Timers.StartSingleTimer(new HandlerKey(seq), new HandlerTimedOut(seq), _server.Settings.HandlerTimeout);
    }

    /// <summary>
    /// The connection ends (or the framing broke) before the streamed body did: the handler's stream fails,
    /// so it does not mistake a truncated upload for a whole one.
    /// </summary>
    private void AbandonStreamedBody()
    {
        if (_upload is not { } upload) return;
        _upload = null;
        if (upload.Discarding) return;
        if (upload.Ended) upload.Queue.Complete(); // only the last piece was still on its way
        else upload.Queue.Fail(new IOException("The request body ended early: the client disconnected or broke the framing."));
    }

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
        // left behind beyond the in-flight request itself.
        if (_exchanges.Count == 0) Context.Stop(Self);
    }

    private void OnDrain()
    {
        _draining = true;
        if (IsIdle) CloseConnection(graceful: false);
    }

    private bool IsIdle => _exchanges.Count == 0 && _writing is null && _input.IsEmpty && !_parser.IsReadingBody;

    /// <summary>
    /// Decides what the connection waits for now, and so which timeout applies: the rest of a request head
    /// (request-header timeout, counted from its first bytes), the rest of a body (keep-alive timeout, counted
    /// from the last bytes), the next request on an idle connection (keep-alive timeout; RFC 9112 §9.5 lets a
    /// server close idle connections), or nothing while requests are in flight.
    /// </summary>
    private void UpdateWaiting()
    {
        if (_closing || _rejected) _waiting = Waiting.Nothing;
        else if (_upload is { OfferPending: true }) _waiting = Waiting.Nothing; // the handler holds the body up, not the client
        else if (_parser.IsReadingBody) WaitFor(Waiting.RequestBody, _server.Settings.KeepAliveTimeout);
        else if (!_input.IsEmpty) { if (_waiting != Waiting.RequestHead) WaitFor(Waiting.RequestHead, _server.Settings.RequestHeaderTimeout); }
        else if (!IsIdle) _waiting = Waiting.Nothing;
        else if (!_servedAny) { if (_waiting != Waiting.RequestHead) WaitFor(Waiting.RequestHead, _server.Settings.RequestHeaderTimeout); }
        else if (_waiting != Waiting.NextRequest) WaitFor(Waiting.NextRequest, _server.Settings.KeepAliveTimeout);
    }

    // The scheduler's clock, so that virtual time (Akka.TestKit.TestScheduler) drives the timeouts in tests.
    private TimeSpan Now => TimeSpan.FromTicks(Context.System.Scheduler.Now.UtcTicks);

    private void WaitFor(Waiting waiting, TimeSpan timeout)
    {
        _waiting = waiting;
        _deadline = Now + timeout;
        if (_watchdogDue <= _deadline) return; // the watchdog fires first and re-arms itself
        _watchdogDue = _deadline;
        Timers.StartSingleTimer(TimerKey.Watchdog, Watchdog.Instance, timeout);
    }

    private void OnWatchdog()
    {
        _watchdogDue = TimeSpan.MaxValue;
        if (_waiting == Waiting.Nothing) return;
        var left = _deadline - Now;
        if (left > TimeSpan.Zero)
        {
            _watchdogDue = _deadline;
            Timers.StartSingleTimer(TimerKey.Watchdog, Watchdog.Instance, left);
            return;
        }
        switch (_waiting)
        {
            case Waiting.NextRequest:
                CloseConnection(graceful: false);
                break;
            default:
                // A head or body that stalled: 408 (RFC 9110 §15.5.9), and the connection closes.
                Reject(RequestRejectionReason.RequestTimeout);
                break;
        }
    }

    // ---- dispatching ----------------------------------------------------------------------------

    private Exchange NewExchange(HttpRequest? request, HttpVersion version, bool keepAlive)
    {
        var exchange = new Exchange(_nextSeq++, request, version, keepAlive, DateTimeOffset.UtcNow, Stopwatch.GetTimestamp());
        _exchanges.Add(exchange);
        return exchange;
    }

    /// <param name="request">The request, or the head of one whose body streams.</param>
    /// <param name="match">The route already looked up for the head, if any.</param>
    /// <param name="body">The body of a streaming route's request, still arriving.</param>
    private Exchange Dispatch(HttpRequest request, RouteMatch? match = null, Source<ByteString, NotUsed>? body = null)
    {
        var exchange = NewExchange(request, request.Version, ConnectionPersistence.ClientWantsKeepAlive(request));

        if (request.Target == "*")
        {
            // OPTIONS * asks about the server as a whole (RFC 9110 §9.3.7).
            exchange.Response = HttpResponse.Empty(200).WithHeader("Allow", "GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH");
            TryWriteNext();
            return exchange;
        }

        switch (match ?? _server.Routes.Match(request.Method, request.Path))
        {
            case RouteMatch.Found found:
                var routed = found.Values.Count == 0 ? request : request with { RouteValues = found.Values };
                Start(exchange, found.Route, routed, body);
                break;
            case RouteMatch.MethodNotAllowed notAllowed:
                exchange.Response = ErrorResponses.MethodNotAllowed(notAllowed.Allow);
                break;
            default:
                exchange.Response = ServeSafely(exchange, _server.Content.Serve, request);
                break;
        }
        TryWriteNext();
        return exchange;
    }

    private void Start(Exchange exchange, Route route, HttpRequest request, Source<ByteString, NotUsed>? body)
    {
        var seq = exchange.Seq;
        switch (route.Target)
        {
            case RouteTarget.Sleep sleep:
                // The design's core: wait by scheduling a message to ourselves, never by blocking a thread.
                Timers.StartSingleTimer(new SleepKey(seq), new SleepElapsed(seq), sleep.Delay);
                break;
            case RouteTarget.Inline inline:
                exchange.RouteName = inline.Name;
                exchange.Response = ServeSafely(exchange, inline.Respond, request);
                break;
            case RouteTarget.PerRequest perRequest:
                exchange.RouteName = route.ToString();
                var handler = Context.ActorOf(perRequest.Props, "handler-" + seq);
                Context.Watch(handler);
                exchange.Handler = handler;
                if (!route.StreamsRequestBody) handler.Tell(request, Self);
                else handler.Tell(new StreamedHttpRequest(request, body ?? Source.Empty<ByteString>()), Self);
                // A streamed body still arriving times the handler while it holds the body up, then from the body's end.
                if (body is null) Timers.StartSingleTimer(new HandlerKey(seq), new HandlerTimedOut(seq), _server.Settings.HandlerTimeout);
                break;
            case RouteTarget.Actor actor:
                exchange.RouteName = route.ToString();
                // A shared actor serves many connections: Ask gives each request its own reply address.
                actor.Ref.Ask<object>(request, _server.Settings.HandlerTimeout).PipeTo(Self,
                    success: reply => new HandlerReplied(seq, reply),
                    failure: cause => new HandlerFailed(seq, cause));
                break;
        }
    }

    private HttpResponse ServeSafely(Exchange exchange, Func<HttpRequest, HttpResponse> serve, HttpRequest request)
    {
        try
        {
            return serve(request);
        }
        catch (Exception e)
        {
            _log.Error(e, "Route {0} failed for {1} {2}", exchange.RouteName ?? "static files", request.Method, request.Target);
            return ErrorResponses.For(500);
        }
    }

    private Exchange? Find(long seq)
    {
        foreach (var exchange in _exchanges)
            if (exchange.Seq == seq) return exchange;
        return null;
    }

    /// <summary>Completes an exchange still waiting for its response; late completions are ignored.</summary>
    private void Complete(long seq, Func<HttpRequest, HttpResponse> respond)
    {
        var exchange = Find(seq);
        if (exchange is null || exchange.Response is not null || exchange.Request is null) return;
        exchange.Response = ServeSafely(exchange, respond, exchange.Request);
        TryWriteNext();
    }

    private void Complete(long seq, HttpResponse response)
    {
        var exchange = Find(seq);
        if (exchange is null || exchange.Response is not null) return;
        exchange.Response = response;
        StopHandler(exchange);
        TryWriteNext();
    }

    private void OnChildReply(HttpResponse response)
    {
        foreach (var exchange in _exchanges)
        {
            if (!Equals(exchange.Handler, Sender)) continue;
            Complete(exchange.Seq, response);
            return;
        }
    }

    private void OnHandlerReply(long seq, object reply)
    {
        if (reply is HttpResponse response)
        {
            Complete(seq, response);
            return;
        }
        var exchange = Find(seq);
        _log.Error("Handler for {0} replied {1}, not an HttpResponse", exchange?.RouteName ?? "?", reply?.GetType().Name ?? "null");
        Complete(seq, ErrorResponses.For(500));
    }

    private void OnHandlerFailed(long seq, Exception cause)
    {
        var exchange = Find(seq);
        if (exchange is null || exchange.Response is not null) return;
        var timedOut = cause is AskTimeoutException;
        if (timedOut) _log.Warning("Handler for route {0} did not reply within {1}", exchange.RouteName, _server.Settings.HandlerTimeout);
        else _log.Error(cause, "Handler for route {0} failed", exchange.RouteName);
        Complete(seq, ErrorResponses.For(timedOut ? 503 : 500));
    }

    private void OnHandlerTimedOut(long seq)
    {
        var exchange = Find(seq);
        if (exchange is null || exchange.Response is not null) return;
        _log.Warning("Handler for route {0} did not reply within {1}", exchange.RouteName, _server.Settings.HandlerTimeout);
        Complete(seq, ErrorResponses.For(503));
    }

    private void OnHandlerTerminated(IActorRef handler)
    {
        foreach (var exchange in _exchanges)
        {
            if (!Equals(exchange.Handler, handler)) continue;
            // Stopped before replying: it threw (the supervisor logged why) or stopped itself.
            _log.Error("Handler for route {0} stopped without replying", exchange.RouteName);
            exchange.Handler = null;
            Complete(exchange.Seq, ErrorResponses.For(500));
            return;
        }
    }

    private void StopHandler(Exchange exchange)
    {
        Timers.Cancel(new HandlerKey(exchange.Seq));
        if (exchange.Handler is not { } handler) return;
        exchange.Handler = null;
        Context.Unwatch(handler);
        Context.Stop(handler);
    }

    // ---- writing --------------------------------------------------------------------------------

    private void TryWriteNext()
    {
        if (_writing is not null || _closing || _exchanges.Count == 0) return;
        var exchange = _exchanges[0];
        if (exchange.Response is not { } response) return;
        _writing = exchange;

        var headOnly = exchange.IsHead || ReasonPhrases.ForbidsBody(response.Status);
        var framing = ResponseWriter.FramingFor(response, exchange.Version);
        exchange.CloseAfter = !exchange.KeepAlive || _draining || _server.ShuttingDown || exchange.Request is null
            || (_peerClosed && _exchanges.Count == 1)
            || (framing == BodyFraming.CloseDelimited && !headOnly)
            || (_rejected && _exchanges.Count == 1)
            || _upload?.Seq == exchange.Seq; // answered before its body ended: where the next request starts is unknown

        if (headOnly || response.Body is ResponseBody.Bytes or ResponseBody.None)
        {
            var bytes = ResponseWriter.Encode(response, exchange.Version, !exchange.CloseAfter, headOnly);
            exchange.BodyBytesSent = headOnly ? 0 : response.Body.Length ?? 0;
            _writeStage = WriteStage.Whole;
            Write(bytes);
            return;
        }

        // A file or stream body: the head first, then chunks as the stream delivers them, each after the
        // previous write's ack so memory stays bounded however slowly the client reads.
        var head = new ArrayBufferWriter<byte>(256);
        ResponseWriter.WriteHead(head, response, exchange.Version, !exchange.CloseAfter, framing);
        _chunked = framing == BodyFraming.Chunked;
        _writeStage = WriteStage.Head;
        Write(head.WrittenSpan.ToArray());
    }

    private void Write(byte[] bytes)
    {
        _server.Observer.BytesSent(bytes.Length);
        _connection.Tell(Tcp.Write.Create(ByteString.FromBytes(bytes), ConnectionProtocol.WriteAck.Instance));
    }

    private void OnWriteAck()
    {
        switch (_writeStage)
        {
            case WriteStage.Head:
                StartBodyStream(_writing!.Response!.Body);
                break;
            case WriteStage.Chunk:
                _chunksInFlight--;
                if (_streamAwaitsAck)
                {
                    _streamAwaitsAck = false;
                    _streamStage?.Tell(StreamAck.Instance);
                }
                else if (_streamDone && _chunksInFlight == 0)
                {
                    EndBody();
                }
                break;
            default:
                FinishExchange();
                break;
        }
    }

    private void StartBodyStream(ResponseBody body)
    {
        _writeStage = WriteStage.Chunk;
        _chunksInFlight = 0;
        _streamAwaitsAck = false;
        _streamDone = false;
        var source = body switch
        {
            ResponseBody.File file => FileSource(file),
            ResponseBody.Stream stream => stream.Source,
            _ => Source.Empty<ByteString>(),
        };
        source.RunWith(
            Sink.ActorRefWithAck<ByteString>(Self, StreamInit.Instance, StreamAck.Instance, StreamDone.Instance, e => new StreamFailed(e)),
            _server.Materializer);
    }

    /// <summary>A region of a file in 64 KiB chunks, read on the blocking-I/O dispatcher FileIO uses.</summary>
    private static Source<ByteString, NotUsed> FileSource(ResponseBody.File file)
    {
        var remaining = file.Count;
        return FileIO.FromFile(new FileInfo(file.Path), 64 * 1024, file.Offset)
            .Select(chunk =>
            {
                if (chunk.Count > remaining) chunk = chunk.Slice(0, (int)remaining);
                remaining -= chunk.Count;
                return chunk;
            })
            .TakeWhile(chunk => chunk.Count > 0)
            .MapMaterializedValue(_ => NotUsed.Instance);
    }

    private void OnStreamChunk(ByteString chunk)
    {
        var exchange = _writing;
        if (exchange is null) return;
        if (chunk.IsEmpty)
        {
            Sender.Tell(StreamAck.Instance);
            return;
        }
        exchange.BodyBytesSent += chunk.Count;
        var data = _chunked
            ? ByteString.FromBytes(ResponseWriter.ChunkHeader(chunk.Count)).Concat(chunk).Concat(ByteString.FromBytes(ResponseWriter.CrLf))
            : chunk;
        _server.Observer.BytesSent(data.Count);
        _connection.Tell(Tcp.Write.Create(data, ConnectionProtocol.WriteAck.Instance));
        _chunksInFlight++;
        // Ask for the next chunk at once while the window has room; otherwise when a write is acknowledged.
        if (_chunksInFlight < StreamWindow) Sender.Tell(StreamAck.Instance);
        else _streamAwaitsAck = true;
    }

    private void OnStreamDone()
    {
        _streamStage = null;
        _streamDone = true;
        if (_writing is null || _chunksInFlight > 0) return; // the last acks end the body
        EndBody();
    }

    private void EndBody()
    {
        var exchange = _writing!;
        if (_chunked)
        {
            _writeStage = WriteStage.LastChunk;
            Write(ResponseWriter.LastChunk);
            return;
        }
        if (exchange.Response!.Body.Length is { } promised && exchange.BodyBytesSent != promised)
        {
            // The file shrank under us: the Content-Length we sent is now a lie, so the only honest end is to cut the connection.
            _log.Warning("Body of {0} ended after {1} of {2} bytes; aborting the connection", exchange.Request?.Target, exchange.BodyBytesSent, promised);
            AbortConnection();
            return;
        }
        FinishExchange();
    }

    private void OnStreamFailed(Exception cause)
    {
        _streamStage = null;
        _log.Error(cause, "Response body stream failed for {0}", _writing?.Request?.Target);
        // Part of the body is on the wire already: no error response can follow, so the connection is cut.
        AbortConnection();
    }

    private void FinishExchange()
    {
        var exchange = _writing!;
        _writing = null;
        _exchanges.RemoveAt(0);
        Report(exchange);

        if (exchange.CloseAfter || (_peerClosed && _exchanges.Count == 0))
        {
            CloseConnection(graceful: true);
            return;
        }
        // Requests already buffered come first; reading resumes (in UpdateReading) only if there is still room after them.
        ParseRequests();
        TryWriteNext();
        if (_draining && IsIdle) CloseConnection(graceful: false);
        else UpdateWaiting();
    }

    private void Report(Exchange exchange)
    {
        var request = exchange.Request;
        var response = exchange.Response!;
        _server.Observer.RequestCompleted(new CompletedExchange(
            _remote,
            exchange.Started,
            Stopwatch.GetElapsedTime(exchange.StartTimestamp),
            request?.Method ?? "-",
            request?.Target ?? "-",
            exchange.Version,
            response.Status,
            exchange.BodyBytesSent,
            request?.Headers.Get("Referer"),
            request?.Headers.Get("User-Agent")));
    }

    // ---- closing --------------------------------------------------------------------------------

    /// <summary>
    /// Closes our side. After a response that ends the connection, a half close (FIN) lets the client read
    /// it all even if it is still sending; we then drain until it closes or the linger time passes.
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
