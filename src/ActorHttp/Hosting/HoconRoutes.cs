using Akka.Actor;
using ActorHttp.Actors;
using ActorHttp.Configuration;
using ActorHttp.Handlers;
using ActorHttp.Routing;

namespace ActorHttp.Hosting;

/// <summary>
/// Turns the <c>actorhttp.routes</c> list into routes: the built-in handlers, given what each needs at construction
/// (the sleep route its delay and page, the health route the server's shutdown flag, the clock its event-stream settings, the
/// chat its room), or handler actor type names.
/// </summary>
public static class HoconRoutes
{
    /// <param name="actors">Where a chat route's room actor is made (one per route).</param>
    public static RouteTable Build(ServerSettings settings, StaticContent content, ShutdownFlag shutdown, IActorRefFactory actors)
    {
        var routes = new List<Route>();
        for (var i = 0; i < settings.Routes.Count; i++)
        {
            var spec = settings.Routes[i];
            var target = spec.WebSocket ? WebSocket(spec.Handler, i, actors) : spec.Handler switch
            {
                RouteSpec.Sleep => new RouteTarget.Sleep(settings.SleepDelay, content.Page(settings.HelloPage)),
                RouteSpec.Echo => new RouteTarget.Inline("echo", BuiltInHandlers.Echo),
                RouteSpec.Health => new RouteTarget.Inline("health", BuiltInHandlers.Health(shutdown)),
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

    private static RouteTarget PerRequest(string typeName, int index) =>
        RouteSpec.HandlerType(typeName, out var problem) is { } type
            ? new RouteTarget.PerRequest(Props.Create(type))
            : throw new SettingsException($"actorhttp.routes[{index}].handler: \"{typeName}\" {problem}");
}
