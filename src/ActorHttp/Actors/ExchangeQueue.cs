using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka;
using Akka.IO;
using Akka.Streams.Dsl;
using ActorHttp.Http;
using ActorHttp.Observability;
using ActorHttp.Routing;

namespace ActorHttp.Actors;

/// <summary>
/// A connection's requests in flight, in request order, and the handlers working on them: completes each
/// exchange once (a reply, a failure or the handler timeout, whichever comes first), stops its handler then,
/// and gives the responses out strictly in request order. Owned by one connection actor, whose context it uses
/// to start and watch handler actors and to time them; every handler timer goes through <see cref="TimeHandler"/>.
/// </summary>
internal sealed class ExchangeQueue
{
    private readonly List<Exchange> _exchanges = new();
    private readonly IActorContext _context;
    private readonly IWithTimers _owner; // its Timers are set after the owner's constructor ran
    private readonly TimeSpan _handlerTimeout;
    private readonly Func<ILoggingAdapter> _log;
    private long _nextSeq;

    public ExchangeQueue(IActorContext context, IWithTimers owner, TimeSpan handlerTimeout, Func<ILoggingAdapter> log)
    {
        _context = context;
        _owner = owner;
        _handlerTimeout = handlerTimeout;
        _log = log;
    }

    public int Count => _exchanges.Count;

    /// <summary>The exchange whose response goes out next.</summary>
    public Exchange? First => _exchanges.Count == 0 ? null : _exchanges[0];

    /// <summary>
    /// A request read: queued behind those before it, keeping the connection as it asks (RFC 9112 §9.3), its
    /// server span started if it is traced. Route its <see cref="Exchange.Request"/>: it carries the span's context.
    /// </summary>
    public Exchange Admit(HttpRequest request) =>
        Add(request, request.Version, ConnectionPersistence.ClientWantsKeepAlive(request), ServerTracing.StartServer(request));

    public Exchange Add(HttpRequest? request, HttpVersion version, bool keepAlive, Activity? trace = null)
    {
        var exchange = new Exchange(_nextSeq++, request, version, keepAlive, DateTimeOffset.UtcNow, Stopwatch.GetTimestamp(), trace);
        _exchanges.Add(exchange);
        return exchange;
    }

    /// <summary>The first exchange's response is written: it leaves the queue.</summary>
    public void RemoveFirst() => _exchanges.RemoveAt(0);

    /// <summary>The exchanges not yet answered in full, oldest first.</summary>
    public IReadOnlyList<Exchange> Unfinished => _exchanges;

    /// <summary>The connection ended: the spans of exchanges never answered end as errors.</summary>
    public void Abandon()
    {
        foreach (var exchange in _exchanges)
        {
            if (exchange.HandlerTrace is { } handler) ServerTracing.Abandon(handler);
            if (exchange.Trace is { } trace) ServerTracing.Abandon(trace);
        }
    }

    public Exchange? Find(long seq)
    {
        foreach (var exchange in _exchanges)
            if (exchange.Seq == seq) return exchange;
        return null;
    }

    // ---- handlers -------------------------------------------------------------------------------------------

    /// <summary>An answer made in place (a built-in route, the static files); a throw is answered 500 and logged.</summary>
    public HttpResponse Serve(Exchange exchange, Func<HttpRequest, HttpResponse> serve, HttpRequest request)
    {
        try
        {
            return serve(request);
        }
        catch (Exception e)
        {
            _log().Error(e, "Route {0} failed for {1} {2}", exchange.RouteName ?? "static files", request.Method, request.Target);
            return ErrorResponses.For(500);
        }
    }

    /// <summary>
    /// Starts the route's work for an exchange: a built-in answered in place, a fresh handler actor, or a shared
    /// one asked. A streamed body still arriving times the handler while it holds the body up, then from the
    /// body's end (see <see cref="UploadPump"/>); every other handler from now.
    /// </summary>
    public void Start(Exchange exchange, Route route, HttpRequest request, Source<ByteString, NotUsed>? body)
    {
        switch (route.Target)
        {
            case RouteTarget.Inline inline:
                exchange.Response = Serve(exchange, inline.Respond, request);
                break;
            case RouteTarget.PerRequest perRequest:
                StartHandler(exchange, perRequest.Props,
                    route.StreamsRequestBody ? new StreamedHttpRequest(request, body ?? Source.Empty<ByteString>()) : request,
                    timed: body is null);
                break;
            case RouteTarget.Actor actor:
                Ask(exchange, actor.Ref, request);
                break;
            case RouteTarget.Sharded sharded:
                AskEntity(exchange, sharded, request);
                break;
        }
    }

    /// <summary>
    /// Sends a request to its sharded entity through this node's region, by a <see cref="ShardedDelivery"/> that
    /// re-sends it until it is answered or timed out; the envelope's delivery id, new for each request, lets the
    /// entity tell a re-send from a new request. A request too long to cross nodes is
    /// answered 413 here, before it could be dropped by the transport and time out; the entity's id is the route value
    /// the route names, always present since the template matched.
    /// </summary>
    private void AskEntity(Exchange exchange, RouteTarget.Sharded sharded, HttpRequest request)
    {
        if (sharded.Region is null)
        {
            _log().Error("Sharded route {0}: no shard region for {1} on this node (is actorhttp.cluster.enabled on?)", exchange.RouteName, sharded.Entity.TypeName);
            exchange.Response = ErrorResponses.For(500);
            return;
        }
        var entityId = request.RouteValue(sharded.EntityIdName) ?? "";
        if (entityId.Length > ShardedHttpRequest.MaxEntityIdLength)
        {
            exchange.Response = ErrorResponses.For(404); // no entity can have that name
            return;
        }
        if (HttpMessageFormat.EncodedLengthBound(request) > sharded.MaxMessageBytes)
        {
            exchange.Response = ErrorResponses.For(413);
            return;
        }
        exchange.Sharded = sharded;
        StartHandler(exchange, ShardedDelivery.Props(sharded.Region, sharded.RetryInterval),
            new ShardedHttpRequest(entityId, request) { DeliveryId = Guid.NewGuid() }, timed: true);
    }

    private void StartHandler(Exchange exchange, Props props, object request, bool timed)
    {
        exchange.HandlerTrace = ServerTracing.StartHandler(exchange.Trace, exchange.RouteName ?? "");
        var handler = _context.ActorOf(props, "handler-" + exchange.Seq);
        _context.Watch(handler);
        exchange.Handler = handler;
        handler.Tell(request, _context.Self);
        if (timed) TimeHandler(exchange.Seq);
    }

    /// <summary>A shared actor serves many connections: Ask gives each request its own reply address.</summary>
    private void Ask(Exchange exchange, IActorRef handler, object request)
    {
        var seq = exchange.Seq;
        exchange.HandlerTrace = ServerTracing.StartHandler(exchange.Trace, exchange.RouteName ?? "");
        handler.Ask<object>(request, _handlerTimeout).PipeTo(_context.Self,
            success: reply => new HandlerReplied(seq, reply),
            failure: cause => new HandlerFailed(seq, cause));
    }

    /// <summary>From now on, the handler of <paramref name="seq"/> must answer within the handler timeout (if it has not yet).</summary>
    public void TimeHandler(long seq)
    {
        if (Find(seq) is { Response: null })
            _owner.Timers.StartSingleTimer(new HandlerKey(seq), new HandlerTimedOut(seq), _handlerTimeout);
    }

    /// <summary>The handler of <paramref name="seq"/> is waited for by nobody for now (it is being fed a body).</summary>
    public void UntimeHandler(long seq) => _owner.Timers.Cancel(new HandlerKey(seq));

    /// <summary>Completes an exchange still waiting for its response and stops its handler; false if it was done already.</summary>
    public bool Complete(long seq, HttpResponse response)
    {
        var exchange = Find(seq);
        if (exchange is null || exchange.Response is not null) return false;
        exchange.Response = response;
        UntimeHandler(seq);
        if (exchange.HandlerTrace is { } trace)
        {
            exchange.HandlerTrace = null;
            ServerTracing.StopHandler(trace, response.Status);
        }
        if (exchange.Handler is { } handler)
        {
            exchange.Handler = null;
            _context.Unwatch(handler);
            _context.Stop(handler);
        }
        return true;
    }

    /// <summary>A per-request handler (a child) replied.</summary>
    public bool OnChildReply(IActorRef sender, HttpResponse response)
    {
        foreach (var exchange in _exchanges)
            if (Equals(exchange.Handler, sender)) return Answer(exchange, response);
        return false;
    }

    /// <summary>A shared handler's Ask completed.</summary>
    public bool OnReply(HandlerReplied replied)
    {
        if (replied.Reply is HttpResponse response)
            return Find(replied.Seq) is { } exchange && Answer(exchange, response);
        _log().Error("Handler for {0} replied {1}, not an HttpResponse", Find(replied.Seq)?.RouteName ?? "?", replied.Reply?.GetType().Name ?? "null");
        return Complete(replied.Seq, ErrorResponses.For(500));
    }

    private bool Answer(Exchange exchange, HttpResponse response)
    {
        if (exchange is { Sharded: { } sharded, Response: null } && CrossingRefusal(response, sharded) is { } refusal)
        {
            // Refused on every node alike: from an entity on this node the reply would arrive, from another not.
            _log().Error("Sharded entity {0} of route {1} replied a response that cannot cross nodes: {2}", sharded.Entity.TypeName, exchange.RouteName, refusal);
            return Complete(exchange.Seq, ErrorResponses.For(500));
        }
        return Complete(exchange.Seq, response);
    }

    private static string? CrossingRefusal(HttpResponse response, RouteTarget.Sharded sharded) =>
        HttpMessageFormat.Refusal(response)
        ?? (HttpMessageFormat.EncodedLengthBound(response) > sharded.MaxMessageBytes ? $"it is longer than {sharded.MaxMessageBytes} bytes encoded" : null);

    public bool OnFailed(HandlerFailed failed)
    {
        if (failed.Cause is AskTimeoutException) return OnTimedOut(new HandlerTimedOut(failed.Seq));
        if (Find(failed.Seq) is not { Response: null } exchange) return false;
        _log().Error(failed.Cause, "Handler for route {0} failed", exchange.RouteName);
        return Complete(failed.Seq, ErrorResponses.For(500));
    }

    public bool OnTimedOut(HandlerTimedOut timedOut)
    {
        if (Find(timedOut.Seq) is not { Response: null } exchange) return false;
        _log().Warning("Handler for route {0} did not reply within {1}", exchange.RouteName, _handlerTimeout);
        // An entity out of reach (its node gone, its shard moving) is a gateway's timeout, RFC 9110 §15.6.5; a 503 would
        // tell a load balancer that this node, which is healthy, should be taken out.
        return Complete(timedOut.Seq, ErrorResponses.For(exchange.Sharded is null ? 503 : 504));
    }

    /// <summary>A handler stopped before replying: it threw (the supervisor logged why) or stopped itself.</summary>
    public bool OnTerminated(IActorRef handler)
    {
        foreach (var exchange in _exchanges)
        {
            if (!Equals(exchange.Handler, handler)) continue;
            _log().Error("Handler for route {0} stopped without replying", exchange.RouteName);
            exchange.Handler = null;
            return Complete(exchange.Seq, ErrorResponses.For(500));
        }
        return false;
    }

    private sealed record HandlerKey(long Seq);

    public sealed record HandlerReplied(long Seq, object Reply);

    public sealed record HandlerFailed(long Seq, Exception Cause);

    public sealed record HandlerTimedOut(long Seq);
}
