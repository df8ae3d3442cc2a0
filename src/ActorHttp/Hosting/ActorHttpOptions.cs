using Akka.Actor;
using Akka.Hosting;
using ActorHttp.Routing;

namespace ActorHttp.Hosting;

/// <summary>
/// What <see cref="ActorHttpHostingExtensions.WithActorHttp"/> is told in code: the host, port and root over whatever
/// HOCON says, and the routes, whose handler actors are looked up in Akka.Hosting's <see cref="ActorRegistry"/> once
/// every actor of the system has started.
/// </summary>
public sealed class ActorHttpOptions
{
    private readonly List<Action<RegistryRouteBuilder>> _routes = new();

    /// <summary>Overrides <c>actorhttp.host</c>.</summary>
    public string? Host { get; set; }

    /// <summary>Overrides <c>actorhttp.port</c>; 0 binds a free port (read it from <see cref="ActorHttpServer"/>).</summary>
    public int? Port { get; set; }

    /// <summary>Overrides <c>actorhttp.root</c>, the folder static files are served from.</summary>
    public string? Root { get; set; }

    /// <summary>Declares routes; they are tried before the <c>actorhttp.routes</c> of the configuration.</summary>
    public ActorHttpOptions Routes(Action<RegistryRouteBuilder> declare)
    {
        _routes.Add(declare);
        return this;
    }

    internal RouteTable BuildRoutes(IReadOnlyActorRegistry registry)
    {
        var routes = new RegistryRouteBuilder(registry);
        foreach (var declare in _routes) declare(routes);
        return routes.Build();
    }
}

/// <summary>
/// A <see cref="RouteBuilder"/> whose handlers may be actors registered with Akka.Hosting:
/// <c>routes.Get("/hello", registry =&gt; registry.Get&lt;HelloHandler&gt;())</c>. A handler found in the registry is
/// long-lived (<see cref="RouteTarget.Actor"/>): it is asked once per request and replies to the sender.
/// </summary>
public sealed class RegistryRouteBuilder
{
    private readonly IReadOnlyActorRegistry _registry;
    private readonly RouteBuilder _routes = new();

    internal RegistryRouteBuilder(IReadOnlyActorRegistry registry) => _registry = registry;

    /// <exception cref="InvalidOperationException">The registry has no actor under the key asked for; the message
    /// names the route.</exception>
    public RegistryRouteBuilder Map(string method, string path, Func<IReadOnlyActorRegistry, IActorRef> handler)
    {
        IActorRef? actor;
        try
        {
            actor = handler(_registry);
        }
        catch (ActorRegistryException e)
        {
            throw new InvalidOperationException($"route {method} {path}: {e.Message}", e);
        }
        // A handler that yields no actor (Nobody, or a lookup that found none) would time out every request: refuse to start.
        if (actor is null || actor.IsNobody())
            throw new InvalidOperationException($"route {method} {path}: the handler is not registered in the ActorRegistry");
        _routes.Map(method, path, actor);
        return this;
    }

    /// <summary>A fresh handler actor per request, as <see cref="RouteBuilder.Map(string, string, Props, bool)"/>.</summary>
    public RegistryRouteBuilder Map(string method, string path, Props handler, bool streamBody = false)
    {
        _routes.Map(method, path, handler, streamBody);
        return this;
    }

    /// <summary>Any other target (an event stream, an inline answer).</summary>
    public RegistryRouteBuilder Map(string method, string path, RouteTarget target)
    {
        _routes.Map(method, path, target);
        return this;
    }

    public RegistryRouteBuilder Get(string path, Func<IReadOnlyActorRegistry, IActorRef> handler) => Map("GET", path, handler);
    public RegistryRouteBuilder Post(string path, Func<IReadOnlyActorRegistry, IActorRef> handler) => Map("POST", path, handler);
    public RegistryRouteBuilder Put(string path, Func<IReadOnlyActorRegistry, IActorRef> handler) => Map("PUT", path, handler);
    public RegistryRouteBuilder Delete(string path, Func<IReadOnlyActorRegistry, IActorRef> handler) => Map("DELETE", path, handler);

    internal RouteTable Build() => _routes.Build();
}
