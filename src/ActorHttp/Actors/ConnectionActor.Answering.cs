using Akka;
using Akka.IO;
using Akka.Streams.Dsl;
using ActorHttp.Files;
using ActorHttp.Http;
using ActorHttp.Observability;
using ActorHttp.Routing;

namespace ActorHttp.Actors;

/// <summary>The connection actor's answering: each request to its route, and the responses out in request order.</summary>
public sealed partial class ConnectionActor
{
    // ---- routing --------------------------------------------------------------------------------------------

    /// <summary>
    /// Hands an admitted request to its route (with <paramref name="match"/> if the head was looked up already, and
    /// the <paramref name="body"/> of a streaming route's request, still arriving), or to the static files.
    /// </summary>
    private void Route(Exchange exchange, RouteMatch? match = null, Source<ByteString, NotUsed>? body = null)
    {
        var request = exchange.Request!;
        if (request.Target == "*")
            exchange.Response = HttpResponse.Empty(200).WithHeader("Allow", HttpMethods.ServerWideAllow); // RFC 9110 §9.3.7
        else switch (match ?? _server.Routes.Match(request.Method, request.Path))
        {
            case RouteMatch.Found found:
                if (exchange.Trace is { } trace) ServerTracing.SetRoute(trace, request.Method, found.Route.Path.ToString());
                Start(exchange, found.Route, found.Values.Count == 0 ? request : request with { RouteValues = found.Values }, body);
                break;
            case RouteMatch.MethodNotAllowed notAllowed:
                exchange.Response = _exchanges.Serve(exchange, r => _server.Content.ServeOrRefuse(r, notAllowed.Allow), request);
                break;
            default:
                exchange.Response = _exchanges.Serve(exchange, _server.Content.Serve, request);
                break;
        }
        TryWriteNext();
    }

    /// <summary>
    /// Starts a routed request: its handler, or, for the sleep route, the whole of the sleep. The design's signature
    /// reads top to bottom here: the actor schedules a message to itself and goes on serving its connection; when
    /// the message comes back, the page it carries answers the exchange, written in its turn. No thread waits.
    /// Specified in virtual time by ConnectionActorSpec's sleep specs (Sleep_is_answered_only_after_the_delay...).
    /// </summary>
    private void Start(Exchange exchange, Route route, HttpRequest request, Source<ByteString, NotUsed>? body)
    {
        exchange.RouteName = route.Target is RouteTarget.Inline inline ? inline.Name : route.ToString();
        if (route.Target is RouteTarget.Sleep sleep)
            Timers.StartSingleTimer(new SleepKey(exchange.Seq), new SleepElapsed(exchange.Seq, sleep.Page), sleep.Delay);
        else if (route.Target is RouteTarget.WebSocket socket) Handshake(exchange, socket, request);
        else _exchanges.Start(exchange, route, request, body);
    }

    /// <summary>
    /// A WebSocket route's request: whatever the handshake says, it is the last request read on this connection. Accepted,
    /// the 101 goes out in its turn and the connection then leaves HTTP (<see cref="StartWebSocket"/>), the bytes after
    /// the request being the socket's first frames. Refused, the answer closes the connection, so that a proxy that took
    /// the upgrade for granted cannot tunnel requests past its own rules through what it believes is a socket.
    /// </summary>
    private void Handshake(Exchange exchange, RouteTarget.WebSocket socket, HttpRequest request)
    {
        var result = WebSocketHandshake.Check(request, _server.Settings.WebSockets.AllowedOrigins, socket.Subprotocols);
        _reader.Stop(discardInput: !result.Accepted);
        if (result.Accepted) _upgrade = new PendingUpgrade(exchange.Seq, socket.Handler, request, result.Subprotocol);
        else exchange.CloseAfter = true;
        exchange.Response = WebSocketHandshake.Response(result);
    }

    /// <summary>An accepted handshake waiting for its 101 to be written.</summary>
    private sealed record PendingUpgrade(long Seq, Akka.Actor.Props Handler, HttpRequest Request, string? Subprotocol);

    /// <summary>A sleep's timer message came back: its page answers the exchange, unless the exchange is gone.</summary>
    private void OnSleepElapsed(SleepElapsed elapsed)
    {
        if (_exchanges.Find(elapsed.Seq) is { Response: null, Request: { } request } exchange)
            WriteIf(_exchanges.Complete(elapsed.Seq, _exchanges.Serve(exchange, elapsed.Page, request)));
    }

    private sealed record SleepKey(long Seq);

    /// <summary>The timer message of one sleeping exchange: which one, and the page that answers it.</summary>
    private sealed record SleepElapsed(long Seq, Func<HttpRequest, HttpResponse> Page);

    // ---- writing --------------------------------------------------------------------------------------------

    private void WriteIf(bool completed)
    {
        if (completed) TryWriteNext();
    }

    /// <summary>Starts the next response in request order once it is known and nothing else is on the wire.</summary>
    private void TryWriteNext()
    {
        if (_writer.Writing is not null || _closing || _exchanges.First is not { Response: { } answer } exchange) return;
        // A handler's streamed body is compressed here, the one place every response passes once; a static file's
        // coding was chosen with its lookup, and its body is never a handler's stream.
        var response = exchange.Response = exchange.Request is { } request
            ? HandlerCompression.Apply(request, answer, _server.Settings.Files.Compression)
            : answer;
        var upgrades = _upgrade?.Seq == exchange.Seq && !_peerClosed;
        exchange.CloseAfter = !upgrades && !ConnectionPersistence.KeepsOpen(new ResponseTurn(
            ClientWantsKeepAlive: exchange.KeepAlive && !exchange.CloseAfter,
            RequestKnown: exchange.Request is not null,
            LastToAnswer: _exchanges.Count == 1 && !_reader.IsReadingBody,
            ShuttingDown: _draining || _server.ShuttingDown,
            PeerClosed: _peerClosed,
            CloseDelimitedBody: !exchange.IsHeadOnly && ResponseWriter.FramingFor(response, exchange.Version) == BodyFraming.CloseDelimited,
            RequestBodyUnread: _upload?.Seq == exchange.Seq));
        _writer.Start(exchange, keepAlive: !exchange.CloseAfter, _deadlines.Now);
        _deadlines.Arm(_writer.Deadline);
        // Over TLS, a last response in memory has its close right behind its writes, so that the session puts the
        // close_notify in their socket write instead of one of its own after their ack. (Not on the plain port: a Close
        // that finds a write in flight makes Akka.IO's connection actor switch behaviour, which costs more than the
        // ack's round; the TLS session sends the socket's close only once its writes are acknowledged.)
        if (_tls is not null && exchange.CloseAfter && _writer.AllWritesIssued && ClosesAtOnce(exchange, exchangesAfter: _exchanges.Count - 1))
            CloseConnection(graceful: false);
    }

    /// <summary>
    /// A connection whose <paramref name="exchange"/> ends it closes at once (Close, not a lingering ConfirmedClose) when
    /// its client asked to close and nothing it sent is left unread, nor answered after it.
    /// </summary>
    private bool ClosesAtOnce(Exchange exchange, int exchangesAfter) => ConnectionPersistence.ClosesAtOnce(
        clientAskedToClose: !exchange.KeepAlive,
        requestKnown: exchange.Request is not null && !_rejected,
        nothingUnread: _upload is null && exchangesAfter == 0 && !_reader.IsReadingBody && _reader.IsEmpty);

    private void OnWriteProgress(WriteProgress progress)
    {
        if (progress == WriteProgress.Failed)
        {
            _writer.LogShortBody(Log); // only cutting the connection ends that body honestly
            Abort();
            return;
        }
        if (progress == WriteProgress.Finished) FinishExchange();
        if (_session is null && _writer.Writing is not null) _deadlines.Arm(_writer.Deadline);
    }

    private void FinishExchange()
    {
        var exchange = _exchanges.First!;
        _exchanges.RemoveFirst();
        _reader.Answered(exchange.Request);
        _server.Observer.RequestCompleted(exchange.ToCompleted(_remote, _server.Scheme));
        if (exchange.Trace is { } trace) ServerTracing.StopServer(trace, exchange.Response!.Status, exchange.BodyBytesSent);
        // A client whose FIN came while its 101 was being written can send no frame, not even a close: a session
        // would wait on a socket that never reads again, so the connection closes (as TryWriteNext's rule, later).
        if (_upgrade?.Seq == exchange.Seq && !exchange.CloseAfter && !_peerClosed)
        {
            StartWebSocket(_upgrade);
            return;
        }
        if (exchange.CloseAfter || (_peerClosed && _exchanges.Count == 0))
        {
            CloseConnection(graceful: !ClosesAtOnce(exchange, exchangesAfter: _exchanges.Count));
            return;
        }
        // Requests already buffered come first; reading resumes (in UpdateReading) only if there is room after them.
        ReadRequests();
        TryWriteNext();
        CloseIfDrained();
        if (!_closing) UpdateWaiting();
    }
}
