using Akka.Actor;
using ActorHttp.Handlers;
using ActorHttp.Hosting;

namespace ActorHttp.Routing;

/// <summary>Turns the <c>actorhttp.routes</c> list into routes: built-in names or handler actor type names.</summary>
public static class HoconRoutes
{
    public static RouteTable Build(ServerSettings settings, ServerContextAccessor server)
    {
        var routes = new List<Route>();
        for (var i = 0; i < settings.Routes.Count; i++)
        {
            var spec = settings.Routes[i];
            var target = spec.Handler switch
            {
                "sleep" => new RouteTarget.Sleep(settings.SleepDelay),
                "echo" => new RouteTarget.Inline("echo", BuiltInHandlers.Echo),
                "health" => new RouteTarget.Inline("health", BuiltInHandlers.Health(server)),
                var typeName => HandlerType(typeName, i),
            };
            var methods = spec.Method == "*" ? Array.Empty<string>() : new[] { spec.Method };
            routes.Add(new Route(methods, PathPattern.Parse(spec.Path), target));
        }
        return new RouteTable(routes);
    }

    private static RouteTarget HandlerType(string typeName, int index)
    {
        var type = Type.GetType(typeName, throwOnError: false)
            ?? AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(typeName, throwOnError: false)).FirstOrDefault(t => t is not null);
        if (type is null || !typeof(ActorBase).IsAssignableFrom(type) || type.GetConstructor(Type.EmptyTypes) is null)
            throw new SettingsException(
                $"actorhttp.routes[{index}].handler: \"{typeName}\" is neither sleep, echo, health nor an actor type with a parameterless constructor");
        return new RouteTarget.PerRequest(Props.Create(type));
    }
}
