using Akka.Actor;

namespace ActorHttp.Routing;

/// <summary>
/// Declares routes in code: <c>new RouteBuilder().Get("/users/{id}", Props.Create&lt;UserHandler&gt;()).Build()</c>.
/// Routes are matched in the order they were added.
/// </summary>
public sealed class RouteBuilder
{
    private readonly List<Route> _routes = new();

    public RouteBuilder Map(string method, string path, RouteTarget target)
    {
        _routes.Add(new Route(method == "*" ? Array.Empty<string>() : new[] { method }, PathPattern.Parse(path), target));
        return this;
    }

    /// <summary>
    /// A fresh handler actor per request. With <paramref name="streamBody"/> it receives a
    /// <see cref="StreamedHttpRequest"/> whose body it reads as a stream (uploads larger than memory).
    /// </summary>
    public RouteBuilder Map(string method, string path, Props handler, bool streamBody = false)
    {
        _routes.Add(new Route(method == "*" ? Array.Empty<string>() : new[] { method }, PathPattern.Parse(path), new RouteTarget.PerRequest(handler))
        {
            StreamsRequestBody = streamBody,
        });
        return this;
    }

    /// <summary>A long-lived handler actor (or router).</summary>
    public RouteBuilder Map(string method, string path, IActorRef handler) => Map(method, path, new RouteTarget.Actor(handler));

    /// <summary>
    /// A WebSocket at <paramref name="path"/>: each socket gets an actor from <paramref name="handler"/>, which receives
    /// <see cref="WebSocketOpened"/>, the client's messages, and <see cref="WebSocketClosed"/>. Any method reaches the
    /// handshake, which answers all but a GET upgrade with 400.
    /// </summary>
    public RouteBuilder WebSocket(string path, Props handler, params string[] subprotocols) =>
        Map("*", path, new RouteTarget.WebSocket(handler, subprotocols));

    /// <summary>
    /// A sharded entity serves the route: the request reaches the entity whose id is the path's value
    /// <paramref name="entityIdName"/> (the template's only value when null), on whichever node owns it.
    /// </summary>
    /// <exception cref="ArgumentException">The path captures no such value.</exception>
    public RouteBuilder Sharded(string method, string path, ShardedEntity entity, string? entityIdName = null)
    {
        var pattern = PathPattern.Parse(path);
        var name = PathPattern.EntityIdName(pattern, entityIdName, out var problem)
            ?? throw new ArgumentException($"Route path \"{path}\" {problem}", nameof(path));
        _routes.Add(new Route(method == "*" ? Array.Empty<string>() : new[] { method }, pattern, new RouteTarget.Sharded(entity, name)));
        return this;
    }

    public RouteBuilder Get(string path, Props handler) => Map("GET", path, handler);
    public RouteBuilder Get(string path, IActorRef handler) => Map("GET", path, handler);
    public RouteBuilder Post(string path, Props handler) => Map("POST", path, handler);
    public RouteBuilder Post(string path, IActorRef handler) => Map("POST", path, handler);
    public RouteBuilder Put(string path, Props handler) => Map("PUT", path, handler);
    public RouteBuilder Delete(string path, Props handler) => Map("DELETE", path, handler);

    public RouteTable Build() => new(_routes.ToArray());
}
