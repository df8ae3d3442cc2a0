using ActorHttp.Actors;
using ActorHttp.Configuration;
using ActorHttp.Files;
using ActorHttp.Http;

namespace ActorHttp.Handlers;

/// <summary>
/// The static-file fallback: files under <c>actorhttp.root</c> as nginx serves them (see <see cref="StaticFiles"/>),
/// and the 404 page for a path that names no file. Also gives the sleep route its page (<see cref="Page"/>). Every
/// page comes from the same small-file cache as every other file.
/// </summary>
public sealed class StaticContent : IStaticContent
{
    private readonly StaticFiles _files;
    private readonly string _notFoundPage;

    public StaticContent(ServerSettings settings)
    {
        // Root is the one the settings state, also when code changed it with `with` after Create.
        _files = new StaticFiles(settings.Files with { Root = settings.Root });
        _notFoundPage = settings.NotFoundPage;
    }

    public HttpResponse Serve(HttpRequest request) => _files.TryServe(request) ?? NotFound(request);

    public HttpResponse ServeOrRefuse(HttpRequest request, string allow) =>
        (request.Method is "GET" or "HEAD" ? _files.TryServeFound(request) : null) ?? ErrorResponses.MethodNotAllowed(allow);

    /// <summary>The file at <paramref name="relativePath"/> below the root with 200, or the 404 page when it is missing.</summary>
    public Func<HttpRequest, HttpResponse> Page(string relativePath) =>
        request => _files.ServeFileAs(relativePath, 200, request) ?? NotFound(request);

    private HttpResponse NotFound(HttpRequest request) =>
        _files.ServeFileAs(_notFoundPage, 404, request) ?? ErrorResponses.For(404);
}
