using Akka.Actor;
using ActorHttp.Http;

namespace ActorHttp.Routing;

/// <summary>
/// A kind of Akka.Cluster.Sharding entity a route can send requests to: its sharding type name (the same on every
/// node), the props of the entity with a given id, and the role of the nodes that host entities (null: every node). A node without
/// the role starts a proxy, which only forwards. An entity receives <see cref="HttpRequest"/>s (its id is the
/// route value the route names, in <see cref="HttpRequest.RouteValues"/>) and replies an <see cref="HttpResponse"/>
/// whose body is in memory: a file or a stream cannot cross nodes.
/// </summary>
public sealed record ShardedEntity(string TypeName, Func<string, Props> EntityProps, string? Role = null)
{
    /// <summary>
    /// What a shard sends each entity to stop it when the shard moves (a node leaving, a rebalance) or an entity is
    /// passivated. Sharding's default, PoisonPill, stops an entity at once, even one persisting an event whose request
    /// is still unanswered; an entity that handles its own message can answer first.
    /// </summary>
    public object StopMessage { get; init; } = PoisonPill.Instance;

    /// <summary>
    /// The entity receives the whole <see cref="ShardedHttpRequest"/>, with its <see cref="ShardedHttpRequest.DeliveryId"/>,
    /// rather than the bare request. A sharded route re-sends a request not answered in time
    /// (<c>actorhttp.cluster.retry-interval</c>), so an entity may see one request more than once; one whose requests
    /// change state (a POST) uses the id to do it once.
    /// </summary>
    public bool ReceivesEnvelope { get; init; }

    /// <summary>Entities of actor type <typeparamref name="TActor"/>, named after the type unless <paramref name="typeName"/> is given.</summary>
    public static ShardedEntity Of<TActor>(string? typeName = null, string? role = null) where TActor : ActorBase, new() =>
        Of(typeof(TActor), typeName, role);

    /// <summary>Entities of an actor type with a public parameterless constructor.</summary>
    public static ShardedEntity Of(Type actorType, string? typeName = null, string? role = null)
    {
        var props = Props.Create(actorType);
        return new(typeName ?? actorType.FullName!, _ => props, role);
    }
}

/// <summary>
/// What a sharded route sends its shard region: the request and the id of the entity it is for, which the region's
/// message extractor reads (the entity itself receives the <see cref="Request"/>, or this envelope when it asks for
/// it). Crosses nodes, so it is encoded by the serializer ActorHttp binds for it.
/// </summary>
public sealed record ShardedHttpRequest(string EntityId, HttpRequest Request)
{
    /// <summary>
    /// The id of this request, the same in each delivery of it (a route re-sends a request not answered in time): a
    /// random GUID made by the server as it routes the request, unique across the cluster, unlike a client's
    /// X-Request-Id, which a client may reuse. <see cref="Guid.Empty"/> when a node of an older version sent it.
    /// </summary>
    public Guid DeliveryId { get; init; }

    /// <summary>
    /// The longest entity id a request may name. An id becomes an actor name and a persistence id, which journals
    /// store in columns of 255 characters; a longer one would fail at its first write, after the entity started.
    /// </summary>
    public const int MaxEntityIdLength = 200;
}
