using Akka.Actor;

namespace ActorHttp.Configuration;

/// <summary>
/// One route declared in HOCON: <c>{ method = POST, path = "/echo", handler = echo }</c>. The handler is a built-in
/// named by a word (<see cref="Sleep"/>, <see cref="Echo"/>, <see cref="Health"/>, <see cref="Clock"/>) or the type name of a handler actor.
/// A WebSocket route, <c>{ path = "/ws/echo", websocket = echo }</c>, names its handler with <c>websocket</c> instead: a
/// built-in (<see cref="Echo"/>, <see cref="Chat"/>) or the type name of an actor started for each socket.
/// </summary>
public sealed record RouteSpec(string Method, string Path, string Handler)
{
    /// <summary>The route upgrades to WebSocket, and <see cref="Handler"/> names the WebSocket handler.</summary>
    public bool WebSocket { get; init; }

    /// <summary>The chat WebSocket: every message to every socket connected to the route.</summary>
    public const string Chat = "chat";

    /// <summary>True for the WebSocket handlers named by a word: echo (every message back) and chat.</summary>
    public static bool IsBuiltInWebSocket(string handler) => handler is Echo or Chat;

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
