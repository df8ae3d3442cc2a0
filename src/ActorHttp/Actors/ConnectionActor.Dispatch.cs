using System.Diagnostics;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using Akka.Streams.Dsl;
using ActorHttp.Http;
using HttpVersion = ActorHttp.Http.HttpVersion;
using ActorHttp.Routing;

namespace ActorHttp.Actors;

/// <summary>The connection actor's part that hands each request to its route and collects the responses.</summary>
public sealed partial class ConnectionActor
{
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
                // A GET or HEAD the routes take only for other methods falls through to a file at that path, as
                // ASP.NET Core's static files run before endpoint routing's 405: 405 only when no file is there.
                var methodNotAllowed = ErrorResponses.MethodNotAllowed(notAllowed.Allow);
                exchange.Response = request.Method is "GET" or "HEAD"
                    ? ServeSafely(exchange, r => _server.Content.ServeIfFound(r) ?? methodNotAllowed, request)
                    : methodNotAllowed;
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
            Log.Error(e, "Route {0} failed for {1} {2}", exchange.RouteName ?? "static files", request.Method, request.Target);
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
        Log.Error("Handler for {0} replied {1}, not an HttpResponse", exchange?.RouteName ?? "?", reply?.GetType().Name ?? "null");
        Complete(seq, ErrorResponses.For(500));
    }

    private void OnHandlerFailed(long seq, Exception cause)
    {
        if (cause is AskTimeoutException)
        {
            OnHandlerTimedOut(seq);
            return;
        }
        var exchange = Find(seq);
        if (exchange is null || exchange.Response is not null) return;
        Log.Error(cause, "Handler for route {0} failed", exchange.RouteName);
        Complete(seq, ErrorResponses.For(500));
    }

    private void OnHandlerTimedOut(long seq)
    {
        var exchange = Find(seq);
        if (exchange is null || exchange.Response is not null) return;
        Log.Warning("Handler for route {0} did not reply within {1}", exchange.RouteName, _server.Settings.HandlerTimeout);
        Complete(seq, ErrorResponses.For(503));
    }

    private void OnHandlerTerminated(IActorRef handler)
    {
        foreach (var exchange in _exchanges)
        {
            if (!Equals(exchange.Handler, handler)) continue;
            // Stopped before replying: it threw (the supervisor logged why) or stopped itself.
            Log.Error("Handler for route {0} stopped without replying", exchange.RouteName);
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
}
