using ActorHttp.Files;
using ActorHttp.Hosting;
using ActorHttp.Http;

namespace ActorHttp.Handlers;

/// <summary>Builds the static-file server a server's fallback route uses.</summary>
public static class StaticFileServer
{
    /// <summary>
    /// Files under <c>actorhttp.root</c> as nginx serves them (see <see cref="StaticFiles"/>); null for a path
    /// that names no file, which the caller answers with the 404 page.
    /// </summary>
    public static Func<HttpRequest, HttpResponse?> Create(ServerSettings settings)
    {
        var files = new StaticFiles(StaticFileSettings.FromConfig(settings.Config.GetConfig("actorhttp"), settings.Root));
        return files.TryServe;
    }
}
