using ActorHttp.Http;

namespace ActorHttp.Handlers;

/// <summary>
/// The plain port's only answer when <c>actorhttp.tls.redirect-http</c> is on: 308 Permanent Redirect (RFC 9110
/// §15.4.9, which keeps the method and body, unlike 301) to the same path and query on the https port, as nginx's
/// <c>return 308 https://$host$request_uri</c>.
/// </summary>
public static class HttpsRedirect
{
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
