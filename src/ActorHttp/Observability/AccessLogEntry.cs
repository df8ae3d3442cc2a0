using System.Net;
using ActorHttp.Http;

namespace ActorHttp.Observability;

/// <summary>
/// What the access log records about one answered request. A struct so that logging a request
/// allocates nothing on the connection actor's path: the entry is copied into the log's bounded queue
/// and formatted later, off that path.
/// </summary>
/// <param name="RemoteAddress">The client's IP address as text, e.g. <c>127.0.0.1</c>.</param>
/// <param name="Time">When the request was received; its offset is written as is.</param>
/// <param name="Method">The request method, e.g. <c>GET</c>.</param>
/// <param name="Target">The request target exactly as received, e.g. <c>/a?b=c</c>.</param>
/// <param name="Version">The protocol version as written on the request line, e.g. <c>HTTP/1.1</c>.</param>
/// <param name="Status">The status code sent.</param>
/// <param name="BodyBytes">Body bytes sent, headers excluded (Apache's <c>%b</c>).</param>
/// <param name="Referer">The <c>Referer</c> field value, or null when absent.</param>
/// <param name="UserAgent">The <c>User-Agent</c> field value, or null when absent.</param>
/// <param name="Duration">From the request's admission to its response's last byte written.</param>
/// <param name="RequestId">The <c>X-Request-Id</c> echoed on the response (<see cref="Observability.RequestId"/>).</param>
/// <param name="TraceId">The W3C trace id (32 hex digits) when the request was traced, else null.</param>
/// <param name="SpanId">The server span's id (16 hex digits) when the request was traced, else null.</param>
/// <param name="Scheme">The scheme of the port the request came in on: <c>http</c> or <c>https</c>.</param>
/// <param name="RejectedLine">
/// For a request the parser refused (no method, target or version to show), its first line as far as it was read;
/// logged in their place, as nginx logs such a request's <c>$request</c>.
/// </param>
public readonly record struct AccessLogEntry(
    string RemoteAddress,
    DateTimeOffset Time,
    string Method,
    string Target,
    string Version,
    int Status,
    long BodyBytes,
    string? Referer,
    string? UserAgent,
    TimeSpan Duration = default,
    string? RequestId = null,
    string? TraceId = null,
    string? SpanId = null,
    string Scheme = "http",
    string? RejectedLine = null)
{
    /// <summary>
    /// The client address as the log shows it: the IP without the port, an IPv4 client on a dual-stack socket
    /// written as plain IPv4 (<c>127.0.0.1</c>, not <c>::ffff:127.0.0.1</c>), <c>-</c> when unknown.
    /// </summary>
    public static string AddressText(EndPoint? remote) => remote switch
    {
        IPEndPoint ip when ip.Address.IsIPv4MappedToIPv6 => ip.Address.MapToIPv4().ToString(),
        IPEndPoint ip => ip.Address.ToString(),
        DnsEndPoint dns => dns.Host,
        null => "-",
        _ => remote.ToString() ?? "-",
    };
}
