using Akka;
using Akka.Actor;
using Akka.IO;
using Akka.Streams.Dsl;
using ActorHttp.Configuration;
using ActorHttp.Http;
using ActorHttp.Routing;
using ActorHttp.Streams;

namespace ActorHttp.Handlers;

/// <summary>
/// Routes whose responses are server-sent event streams: <c>Map("GET", "/events", EventStreams.Route(props, settings))</c>.
/// Each request gets a handler actor made from the props, which receives <see cref="EventStreamOpened"/> and pushes
/// its events; the server answers with the stream at once.
/// </summary>
public static class EventStreams
{
    /// <summary>The target of an event-stream route: one handler from <paramref name="handler"/> per stream.</summary>
    public static RouteTarget Route(Props handler, EventStreamSettings settings) =>
        new RouteTarget.PerRequest(Props.Create(() => new EventStreamOpener(handler, settings)));

    /// <summary>
    /// The per-request actor the connection asks: replies the <c>text/event-stream</c> response at once. The
    /// connection stops it on that reply, so the handler is not its child: running the body starts an
    /// <see cref="EventStreamSession"/>, which lives as long as the stream does.
    /// </summary>
    private sealed class EventStreamOpener : ReceiveActor
    {
        public EventStreamOpener(Props handler, EventStreamSettings settings)
        {
            Receive<HttpRequest>(request => Sender.Tell(Response(Body(Context.System, handler, request, settings))));
        }
    }

    /// <summary>
    /// The stream body. The session starts as the body runs, as a top-level actor: the connection stops the actor
    /// that replied at once, and the handler must live on with the stream.
    /// </summary>
    private static Source<ByteString, NotUsed> Body(ActorSystem system, Props handler, HttpRequest request, EventStreamSettings settings)
    {
        // WHATWG HTML §9.2.4: a reconnecting client sends the last id it received.
        var lastEventId = request.Headers.Get("Last-Event-ID");
        return EventStreamSource.Create(settings.HeartbeatInterval, settings.MaxQueuedEvents, (events, ended) =>
            system.ActorOf(EventStreamSession.Props(handler, new EventStreamOpened(request, new EventStream(events), lastEventId), events, ended)));
    }

    /// <summary>
    /// The response head of every stream: no caching (each request is a live stream, RFC 9111 §5.2.2.5), and no length,
    /// so HTTP/1.1 frames it chunked and the connection stays open while it runs.
    /// </summary>
    private static HttpResponse Response(Source<ByteString, NotUsed> body) =>
        new(200, new HttpHeaders(new[]
        {
            new HttpHeader("Content-Type", EventStreamFormat.ContentType),
            new HttpHeader("Cache-Control", "no-store"),
        }), new ResponseBody.Stream(body));
}
