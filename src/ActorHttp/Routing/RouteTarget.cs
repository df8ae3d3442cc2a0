using Akka.Actor;
using ActorHttp.Http;

namespace ActorHttp.Routing;

/// <summary>What serves a route.</summary>
public abstract record RouteTarget
{
    private RouteTarget() { }

    /// <summary>A fresh actor per request, made from these props and stopped once it has replied.</summary>
    public sealed record PerRequest(Props Props) : RouteTarget;

    /// <summary>An existing actor (or router) that serves many requests; replies go to the sender.</summary>
    public sealed record Actor(IActorRef Ref) : RouteTarget;

    /// <summary>
    /// Answers with <paramref name="Page"/> after <paramref name="Delay"/>, waited for by a timer message the
    /// connection actor sends itself (ConnectionActor.Answering.cs), so no thread blocks. The built-in sleep route
    /// serves <c>actorhttp.hello-page</c> after <c>actorhttp.sleep-delay</c>.
    /// </summary>
    public sealed record Sleep(TimeSpan Delay, Func<HttpRequest, HttpResponse> Page) : RouteTarget;

    /// <summary>
    /// A built-in answered synchronously inside the connection actor (echo, health, metrics): no message
    /// round trip for what takes microseconds. Must not block.
    /// </summary>
    public sealed record Inline(string Name, Func<HttpRequest, HttpResponse> Respond) : RouteTarget;

    /// <summary>
    /// A WebSocket (RFC 6455): the handshake is answered 101 and the connection leaves HTTP; an actor from
    /// <paramref name="Handler"/> serves the socket (<see cref="WebSocketOpened"/> first). <paramref name="Subprotocols"/>
    /// lists the subprotocols it speaks, preferred first; the first the client offers is agreed.
    /// </summary>
    public sealed record WebSocket(Props Handler, IReadOnlyList<string> Subprotocols) : RouteTarget;

    /// <summary>
    /// A sharded entity, whichever node owns it: the request goes, as a <see cref="ShardedHttpRequest"/> for the
    /// entity named by the route value <paramref name="EntityIdName"/>, to this node's shard region (or proxy),
    /// <see cref="Region"/>, which the server sets as it starts (until then the route answers 500). A request
    /// longer than <see cref="MaxMessageBytes"/> encoded answers 413; a reply not in time 504; a reply that cannot
    /// cross nodes 500.
    /// </summary>
    public sealed record Sharded(ShardedEntity Entity, string EntityIdName) : RouteTarget
    {
        /// <summary>The shard region or proxy the requests go to, once sharding started on this node.</summary>
        public IActorRef? Region { get; init; }

        /// <summary>The longest encoded request or response that fits a remoting frame with its envelope.</summary>
        public int MaxMessageBytes { get; init; } = int.MaxValue;

        /// <summary>How long to wait for the entity's reply before sending the same request again (actorhttp.cluster.retry-interval).</summary>
        public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(2);
    }
}
