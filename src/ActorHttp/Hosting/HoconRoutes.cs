using Akka.Actor;
using ActorHttp.Actors;
using ActorHttp.Cluster;
using ActorHttp.Configuration;
using ActorHttp.Handlers;
using ActorHttp.Routing;

namespace ActorHttp.Hosting;

/// <summary>
/// Turns the <c>actorhttp.routes</c> list into routes: the built-in handlers, given what each needs at construction
/// (the sleep route its delay and page, the health route the server's shutdown flag, the clock its event-stream settings, the
/// chat its room), handler actor type names, or sharded entities.
/// </summary>
public static class HoconRoutes
{
    /// <summary>
    /// The routes of <paramref name="settings"/>; a chat route's room actor (one per route) is made in <paramref name="actors"/>;
    /// <paramref name="notReady"/> says, besides shutdown, why the health route answers 503 (a cluster node not Up), or is null.
    /// </summary>
    public static RouteTable Build(ServerSettings settings, StaticContent content, ShutdownFlag shutdown, IActorRefFactory actors, Func<string?>? notReady = null)
    {
        var routes = new List<Route>();
        for (var i = 0; i < settings.Routes.Count; i++)
        {
            var spec = settings.Routes[i];
            var target = spec.WebSocket ? WebSocket(spec.Handler, i, actors) : spec.Sharded is { } sharded ? Sharded(spec, sharded) : spec.Handler switch
            {
                RouteSpec.Sleep => new RouteTarget.Sleep(settings.SleepDelay, content.Page(settings.HelloPage)),
                RouteSpec.Echo => new RouteTarget.Inline("echo", BuiltInHandlers.Echo),
                RouteSpec.Health => new RouteTarget.Inline(RouteSpec.Health, BuiltInHandlers.Health(shutdown, notReady)),
                RouteSpec.Clock => EventStreams.Route(Props.Create<ClockHandler>(), settings.EventStreams),
                var typeName => PerRequest(typeName, i),
            };
            var methods = spec.Method == "*" ? Array.Empty<string>() : new[] { spec.Method };
            routes.Add(new Route(methods, PathPattern.Parse(spec.Path), target));
        }
        return new RouteTable(routes);
    }

    private static RouteTarget WebSocket(string handler, int index, IActorRefFactory actors) => new RouteTarget.WebSocket(handler switch
    {
        RouteSpec.Echo => Props.Create<EchoSocket>(),
        RouteSpec.Chat => ChatMember.Props(actors.ActorOf(ChatRoom.Props())),
        var typeName => RouteSpec.HandlerType(typeName, out var problem) is { } type
            ? Props.Create(type)
            : throw new SettingsException($"actorhttp.routes[{index}].websocket: \"{typeName}\" {problem}"),
    }, Array.Empty<string>());

    /// <summary>A sharded route's target, its region not started yet (<see cref="ShardedRoutes.Start"/> does).</summary>
    private static RouteTarget Sharded(RouteSpec spec, string sharded)
    {
        var entity = sharded == RouteSpec.Counter
            ? CounterEntity.Sharded(RouteSpec.Counter, spec.Role)
            : ShardedEntity.Of(RouteSpec.HandlerType(sharded, out _)!, sharded, spec.Role);
        return new RouteTarget.Sharded(entity, PathPattern.EntityIdName(PathPattern.Parse(spec.Path), spec.EntityId, out _)!);
    }

    private static RouteTarget PerRequest(string typeName, int index) =>
        RouteSpec.HandlerType(typeName, out var problem) is { } type
            ? new RouteTarget.PerRequest(Props.Create(type))
            : throw new SettingsException($"actorhttp.routes[{index}].handler: \"{typeName}\" {problem}");
}
