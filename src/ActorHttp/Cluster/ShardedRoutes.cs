using Akka.Actor;
using Akka.Cluster.Sharding;
using ActorHttp.Configuration;
using ActorHttp.Routing;

namespace ActorHttp.Cluster;

/// <summary>
/// Starts Akka.Cluster.Sharding for the sharded routes of a route table: one region per entity type on the nodes
/// with the entity's role (all nodes when it names none), a proxy on the others, which forwards to the nodes that
/// host. Every sharded route gets its region and the longest message that may cross nodes.
/// </summary>
public static class ShardedRoutes
{
    /// <summary>The table with each sharded route's region set; the routes of an entity type share one region.</summary>
    public static RouteTable Start(ActorSystem system, RouteTable routes, ClusterSettings settings, int maxMessageBytes)
    {
        ClusterMessageSerializer.LimitMessages(system, maxMessageBytes);
        var regions = new Dictionary<string, IActorRef>(StringComparer.Ordinal);
        var started = routes.Routes.Select(route =>
        {
            if (route.Target is not RouteTarget.Sharded { Region: null } sharded) return route;
            if (!regions.TryGetValue(sharded.Entity.TypeName, out var region))
                regions[sharded.Entity.TypeName] = region = RegionFor(system, sharded.Entity, settings);
            return route with { Target = sharded with { Region = region, MaxMessageBytes = maxMessageBytes, RetryInterval = settings.RetryInterval } };
        });
        return new RouteTable(started.ToArray());
    }

    /// <summary>The shard regions (or proxies) the table's sharded routes send to, by entity type.</summary>
    public static IReadOnlyDictionary<string, IActorRef> Regions(RouteTable routes) =>
        routes.Routes.Select(r => r.Target).OfType<RouteTarget.Sharded>().Where(s => s.Region is not null)
            .GroupBy(s => s.Entity.TypeName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Region!, StringComparer.Ordinal);

    private static IActorRef RegionFor(ActorSystem system, ShardedEntity entity, ClusterSettings settings)
    {
        var sharding = ClusterSharding.Get(system);
        var extractor = new ShardedRequestExtractor(settings.NumberOfShards, entity.ReceivesEnvelope);
        if (entity.Role is not null && !Akka.Cluster.Cluster.Get(system).SelfRoles.Contains(entity.Role))
            return sharding.StartProxy(entity.TypeName, entity.Role, extractor);
        var shardingSettings = ClusterShardingSettings.Create(system);
        if (entity.Role is not null) shardingSettings = shardingSettings.WithRole(entity.Role);
        return sharding.Start(entity.TypeName, entity.EntityProps, shardingSettings, extractor,
            sharding.DefaultShardAllocationStrategy(shardingSettings), entity.StopMessage);
    }
}
