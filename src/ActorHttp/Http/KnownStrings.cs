using System.Text;

namespace ActorHttp.Http;

/// <summary>
/// Shared string instances for the methods, header names and values most requests carry, so parsing a
/// typical request allocates no string for them.
/// </summary>
internal static class KnownStrings
{
    private static readonly string[] HeaderNames =
    {
        "Host", "Connection", "Content-Length", "Transfer-Encoding", "Content-Type", "User-Agent", "Accept",
        "Accept-Encoding", "Accept-Language", "Range", "If-Range", "If-None-Match", "If-Modified-Since",
        "If-Match", "If-Unmodified-Since", "Expect", "Cookie", "Referer", "Cache-Control", "Upgrade", "Origin",
        "Pragma", "Authorization", "Keep-Alive", "TE", "Upgrade-Insecure-Requests", "Sec-Fetch-Mode",
        "Sec-Fetch-Site", "Sec-Fetch-Dest", "Priority", "DNT",
        "host", "connection", "content-length", "transfer-encoding", "content-type", "user-agent", "accept",
        "accept-encoding", "range", "if-none-match", "if-modified-since", "expect", "cookie", "referer",
    };

    private static readonly string[] HeaderValues =
    {
        "keep-alive", "close", "Keep-Alive", "Close", "*/*", "gzip, deflate, br", "gzip, deflate", "gzip", "no-cache",
        "localhost", "127.0.0.1", "chunked", "100-continue", "0", "curl/7.88.1",
    };

    public static string Method(ReadOnlySpan<byte> bytes) => Lookup(bytes, HttpMethods.Implemented) ?? Encoding.ASCII.GetString(bytes);

    public static string HeaderName(ReadOnlySpan<byte> bytes) => Lookup(bytes, HeaderNames) ?? Encoding.ASCII.GetString(bytes);

    /// <summary>Field values are octets; obs-text (0x80-0xFF) is kept as Latin-1 (RFC 9110 §5.5).</summary>
    public static string HeaderValue(ReadOnlySpan<byte> bytes) =>
        bytes.IsEmpty ? "" : Lookup(bytes, HeaderValues) ?? Encoding.Latin1.GetString(bytes);

    private static string? Lookup(ReadOnlySpan<byte> bytes, string[] candidates)
    {
        foreach (var candidate in candidates)
        {
            if (candidate.Length != bytes.Length) continue;
            var equal = true;
            for (var i = 0; i < bytes.Length && equal; i++) equal = bytes[i] == candidate[i];
            if (equal) return candidate;
        }
        return null;
    }
}
