using ActorHttp.Hosting;
using ActorHttp.Http;

namespace ActorHttp.Handlers;

/// <summary>Chooses the static-file implementation the server uses.</summary>
public static class StaticFileServer
{
    /// <summary>Serves <c>/</c> as the hello page; every other path is left to the 404 page.</summary>
    public static Func<HttpRequest, HttpResponse?> Create(ServerSettings settings)
    {
        var hello = new PageFile(Path.Combine(settings.Root, settings.HelloPage));
        return request => request.Path == "/" && request.Method is "GET" or "HEAD" ? hello.Respond(200) : null;
    }
}
