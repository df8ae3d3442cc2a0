using Akka.Actor;
using ActorHttp.Routing;

namespace ActorHttp.Configuration;

/// <summary>
/// One route declared in HOCON: <c>{ method = POST, path = "/echo", handler = echo }</c>. The handler is a built-in
/// named by a word (<see cref="Sleep"/>, <see cref="Echo"/>, <see cref="Health"/>, <see cref="Clock"/>) or the type name of a handler actor.
/// A WebSocket route, <c>{ path = "/ws/echo", websocket = echo }</c>, names its handler with <c>websocket</c> instead: a
/// built-in (<see cref="Echo"/>, <see cref="Chat"/>) or the type name of an actor started for each socket.
/// A sharded route names a sharded entity instead: <c>{ method = "*", path = "/counter/{id}", sharded = counter }</c>
/// (<see cref="Sharded"/>; <see cref="Handler"/> is empty then).
/// </summary>
public sealed record RouteSpec(string Method, string Path, string Handler)
{
    /// <summary>The route upgrades to WebSocket, and <see cref="Handler"/> names the WebSocket handler.</summary>
    public bool WebSocket { get; init; }

    /// <summary>The chat WebSocket: every message to every socket connected to the route.</summary>
    public const string Chat = "chat";

    /// <summary>True for the WebSocket handlers named by a word: echo (every message back) and chat.</summary>
    public static bool IsBuiltInWebSocket(string handler) => handler is Echo or Chat;

    /// <summary>The sharded entity serving the route: <see cref="Counter"/> or an actor type name; null for a handler route.</summary>
    public string? Sharded { get; init; }

    /// <summary>Which of the path's values is the entity id; null when the path captures exactly one.</summary>
    public string? EntityId { get; init; }

    /// <summary>The role of the nodes that host the entities (others start a proxy); null: every node.</summary>
    public string? Role { get; init; }

    /// <summary>The built-in persistent counter entity: GET answers its count, POST adds one.</summary>
    public const string Counter = "counter";

    /// <summary>The sleep route: the hello page after <c>actorhttp.sleep-delay</c>.</summary>
    public const string Sleep = "sleep";

    /// <summary>The echo route: the request's body and content type back.</summary>
    public const string Echo = "echo";

    /// <summary>The health route: 200 while serving, 503 once shutdown began.</summary>
    public const string Health = "health";

    /// <summary>The clock route: a server-sent event stream of the UTC time, one event a second.</summary>
    public const string Clock = "clock";

    /// <summary>True for the handlers named by a word rather than an actor type.</summary>
    public static bool IsBuiltIn(string handler) => handler is Sleep or Echo or Health or Clock;

    /// <summary>
    /// What is wrong with a sharded route, as a key below the route and a reason, or null when nothing is:
    /// <paramref name="clusterEnabled"/> must be on, the entity a built-in or an actor type, the path must capture its
    /// id, and the role be a role name.
    /// </summary>
    public (string Key, string Problem)? ShardedProblem(bool clusterEnabled)
    {
        if (Sharded is null) return null;
        if (Handler.Length > 0) return ("sharded", "a route has a handler or a sharded entity, not both");
        if (!clusterEnabled) return ("sharded", "a sharded route needs actorhttp.cluster.enabled = on");
        if (Sharded != Counter && HandlerType(Sharded, out var typeProblem) is null)
            return ("sharded", $"\"{Sharded}\" {typeProblem.Replace("sleep, echo, health, clock", Counter, StringComparison.Ordinal)}");
        if (!PathPattern.TryParse(Path, out var pattern, out _)) return null; // the path's own check names it
        if (PathPattern.EntityIdName(pattern, EntityId, out var idProblem) is null)
            return (EntityId is null ? "path" : "entity-id", $"\"{Path}\" {idProblem}");
        if (Role is not null && !ClusterSettings.IsRoleName(Role)) return ("role", $"\"{Role}\" is not a role name (letters, digits, '-', '_')");
        return null;
    }

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
        problem = type is null ? "is neither sleep, echo, health, clock nor a type name found in the loaded assemblies"
            : !typeof(ActorBase).IsAssignableFrom(type) ? "is not an actor type"
            : type.IsAbstract || type.ContainsGenericParameters ? "is an abstract or open generic type, which cannot be created"
            : type.GetConstructor(Type.EmptyTypes) is null ? "has no public parameterless constructor"
            : "";
        return problem.Length == 0 ? type : null;
    }
}
