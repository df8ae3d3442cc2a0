using Akka.Streams;
using ActorHttp.Configuration;
using ActorHttp.Http;
using ActorHttp.Observability;
using ActorHttp.Routing;

namespace ActorHttp.Actors;

/// <summary>
/// What every connection actor of one server shares: settings, routes, the static content, the stream
/// materializer, the observer and the shutdown flag. All members are thread-safe; connection actors only read them.
/// </summary>
public sealed class ServerContext
{
    public ServerContext(ServerSettings settings, RouteTable routes, IStaticContent content, IMaterializer materializer,
        IServerObserver observer, ShutdownFlag shutdown, string scheme = "http")
    {
        Scheme = scheme;
        Settings = settings;
        Routes = routes;
        Content = content;
        Materializer = materializer;
        Observer = observer;
        Shutdown = shutdown;
    }

    /// <summary>The URI scheme of the port these connections came in on, <c>http</c> or <c>https</c>, for the access log.</summary>
    public string Scheme { get; }

    /// <summary>
    /// The context of another port of the same server: the same settings, content, materializer, observer and
    /// shutdown flag (one shutdown stops both ports), with its own scheme and, when given, its own routes.
    /// </summary>
    public ServerContext ForPort(string scheme, RouteTable? routes = null) =>
        new(Settings, routes ?? Routes, Content, Materializer, Observer, Shutdown, scheme);

    public ServerSettings Settings { get; }
    public RouteTable Routes { get; }
    public IStaticContent Content { get; }
    public IMaterializer Materializer { get; }
    public IServerObserver Observer { get; }

    /// <summary>Raised by <see cref="BeginShutdown"/>; the health route was given the same flag.</summary>
    public ShutdownFlag Shutdown { get; }

    /// <summary>True once graceful shutdown began: the health route answers 503, responses say close.</summary>
    public bool ShuttingDown => Shutdown.IsRaised;

    internal void BeginShutdown() => Shutdown.Raise();
}

/// <summary>The files a connection actor answers with when no route claims a request.</summary>
public interface IStaticContent
{
    /// <summary>The static-file answer for a request no route matched: a file, a redirect, 405, or the 404 page.</summary>
    HttpResponse Serve(HttpRequest request);

    /// <summary>
    /// The answer to a request whose path the routes take only for other methods (<paramref name="allow"/> lists
    /// them): a GET or HEAD falls through to a file at that path, as ASP.NET Core's static files run before endpoint
    /// routing's 405; 405 with <c>Allow</c> only when no file is there (RFC 9110 §15.5.6).
    /// </summary>
    HttpResponse ServeOrRefuse(HttpRequest request, string allow);
}
