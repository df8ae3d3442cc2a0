using ActorHttp.Configuration;
using ActorHttp.Http;
using ActorHttp.Routing;

namespace ActorHttp.Handlers;

/// <summary>
/// The plain port's answer when <c>actorhttp.tls.redirect-http</c> is on: 308 Permanent Redirect (RFC 9110
/// §15.4.9, which keeps the method and body, unlike 301) to the same path and query on the https port, as nginx's
/// <c>return 308 https://$host$request_uri</c>; except the operator's endpoints, health and metrics.
/// </summary>
public static class HttpsRedirect
{
    /// <summary>The inline route of the Prometheus endpoint (<c>actorhttp.metrics.path</c>).</summary>
    public const string MetricsRoute = "metrics";

    /// <summary>
    /// The plain port's routes: the health and metrics routes of <paramref name="served"/> as they are, then a redirect
    /// of everything else. A load balancer checking http://node/health, or a scraper, is not a browser to send over:
    /// a 308 would read as a failed check (or be followed to a certificate it may not trust), and neither endpoint
    /// carries anything TLS protects that the plain port does not already show. (Kestrel's UseHttpsRedirection, put
    /// before the endpoints, would redirect them too; nginx users keep health on the plain server block.)
    /// </summary>
    public static RouteTable Routes(RouteTable served, int port, string fallbackHost) => new(
        served.Routes.Where(route => route.Target is RouteTarget.Inline { Name: RouteSpec.Health or MetricsRoute })
            .Append(new Route(Array.Empty<string>(), new PathPattern.Prefix(""), new RouteTarget.Inline("https-redirect", To(port, fallbackHost))))
            .ToList());

    /// <summary>
    /// The handler redirecting to <paramref name="port"/> on the host the request named (its Host field, which the
    /// parser has checked against RFC 9110 §7.2, without its port), or <paramref name="fallbackHost"/> when it named
    /// none (HTTP/1.0).
    /// </summary>
    public static Func<HttpRequest, HttpResponse> To(int port, string fallbackHost) => request =>
    {
        var host = HostName(request.Headers.Get("Host"));
        if (host.Length == 0) host = fallbackHost;
        var authority = port == 443 ? host : $"{host}:{port}";
        var location = request.Query.Length == 0 ? request.Path : request.Path + "?" + request.Query;
        return HttpResponse.Empty(308).WithHeader("Location", $"https://{authority}{location}");
    };

    /// <summary>A Host value without its port: <c>[::1]:80</c> → <c>[::1]</c>, <c>a.example:80</c> → <c>a.example</c>.</summary>
    public static string HostName(string? host)
    {
        if (string.IsNullOrEmpty(host)) return "";
        if (host[0] == '[')
        {
            var close = host.IndexOf(']');
            return close < 0 ? "" : host[..(close + 1)];
        }
        var colon = host.IndexOf(':');
        return colon < 0 ? host : host[..colon];
    }
}
