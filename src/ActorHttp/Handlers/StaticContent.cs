using ActorHttp.Actors;
using ActorHttp.Hosting;
using ActorHttp.Http;

namespace ActorHttp.Handlers;

/// <summary>
/// The static-file fallback: asks the file server for the path, and answers with the 404 page when it
/// has no file. Also gives the hello page to the sleep route.
/// </summary>
public sealed class StaticContent : IStaticContent
{
    private readonly Func<HttpRequest, HttpResponse?> _files;
    private readonly PageFile _hello;
    private readonly PageFile _notFound;

    public StaticContent(ServerSettings settings, Func<HttpRequest, HttpResponse?> files)
    {
        _files = files;
        _hello = new PageFile(Path.Combine(settings.Root, settings.HelloPage));
        _notFound = new PageFile(Path.Combine(settings.Root, settings.NotFoundPage));
    }

    public HttpResponse Serve(HttpRequest request) => _files(request) ?? NotFound();

    public HttpResponse Hello(HttpRequest request) => _hello.Respond(200) ?? NotFound();

    public HttpResponse NotFound() => _notFound.Respond(404) ?? ErrorResponses.For(404);
}
