using System.Diagnostics;

namespace ActorHttp.Http;

/// <summary>
/// One parsed HTTP request: what a handler actor receives. Immutable.
/// <see cref="Path"/> is the still percent-encoded path of the target, <see cref="Query"/> the part after
/// '?' without it (empty when absent). <see cref="RouteValues"/> holds the values a template route captured.
/// </summary>
public sealed record HttpRequest(
    string Method,
    string Target,
    string Path,
    string Query,
    HttpVersion Version,
    HttpHeaders Headers,
    ReadOnlyMemory<byte> Body)
{
    /// <summary>Values captured by a template route such as <c>/users/{id}</c>; empty otherwise.</summary>
    public IReadOnlyDictionary<string, string> RouteValues { get; init; } = EmptyRouteValues;

    /// <summary>
    /// The server span of this request when it is traced, default otherwise: a handler starts its own spans as
    /// children of it (<c>ActorHttp.Observability.ServerTracing.Source.StartActivity(name, kind, request.TraceContext)</c>).
    /// </summary>
    public ActivityContext TraceContext { get; init; }

    private static readonly IReadOnlyDictionary<string, string> EmptyRouteValues =
        new Dictionary<string, string>(0);

    /// <summary>True for HEAD: the response carries GET's headers and no body (RFC 9110 §9.3.2).</summary>
    public bool IsHead => Method == "HEAD";

    /// <summary>The value of a captured route parameter, or null.</summary>
    public string? RouteValue(string name) => RouteValues.TryGetValue(name, out var v) ? v : null;
}
