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
                var typeName => PerRequest(typeName, i),
            };
            var methods = spec.Method == "*" ? Array.Empty<string>() : new[] { spec.Method };
            routes.Add(new Route(methods, PathPattern.Parse(spec.Path), target));
        }
        return new RouteTable(routes);
    }

    /// <summary>True for the handlers named by a word rather than an actor type.</summary>
    public static bool IsBuiltIn(string handler) => handler is "sleep" or "echo" or "health";

    /// <summary>
    /// The handler actor type a name gives (assembly-qualified, or a full name found in a loaded assembly): a
    /// concrete actor class with a public parameterless constructor, so that <c>Props.Create</c> can make one per
    /// request. Null, with what is wrong, when the name gives none.
    /// </summary>
    public static Type? HandlerType(string typeName, out string problem)
    {
        Type? type;
        try
        {
            type = Type.GetType(typeName, throwOnError: false)
                ?? AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(typeName, throwOnError: false)).FirstOrDefault(t => t is not null);
        }
        catch (Exception e) when (e is ArgumentException or IOException or BadImageFormatException or TypeLoadException)
        {
            // A malformed assembly name, or an assembly that is found but cannot be loaded.
            type = null;
        }
        problem = type is null ? "is neither sleep, echo, health nor a type name found in the loaded assemblies"
            : !typeof(ActorBase).IsAssignableFrom(type) ? "is not an actor type"
            : type.IsAbstract || type.ContainsGenericParameters ? "is an abstract or open generic type, which cannot be created"
            : type.GetConstructor(Type.EmptyTypes) is null ? "has no public parameterless constructor"
            : "";
        return problem.Length == 0 ? type : null;
    }

    private static RouteTarget PerRequest(string typeName, int index) =>
        HandlerType(typeName, out var problem) is { } type
            ? new RouteTarget.PerRequest(Props.Create(type))
            : throw new SettingsException($"actorhttp.routes[{index}].handler: \"{typeName}\" {problem}");
}
