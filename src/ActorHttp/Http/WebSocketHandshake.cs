using System.Security.Cryptography;
using System.Text;

namespace ActorHttp.Http;

/// <summary>
/// The outcome of a WebSocket opening handshake: 101 with the accept value and the subprotocol chosen (if any), or the
/// status that refuses it and why (for the log).
/// </summary>
public sealed record WebSocketHandshakeResult(int Status, string Why, string? Accept = null, string? Subprotocol = null)
{
    public bool Accepted => Status == 101;
}

/// <summary>
/// The server side of the opening handshake (RFC 6455 §4.2.1 and §4.2.2), checked in the order the answers depend on:
/// what is not a WebSocket request at all is 400, a version this server does not speak 426, a forbidden origin 403.
/// Pure: the request in, the answer out.
/// </summary>
public static class WebSocketHandshake
{
    /// <summary>The GUID §1.3 appends to the key before hashing it into Sec-WebSocket-Accept.</summary>
    private const string KeyGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>The only version of the protocol this server speaks (§4.2.1 item 6).</summary>
    public const string Version = "13";

    public static WebSocketHandshakeResult Check(HttpRequest request, IReadOnlyList<string> allowedOrigins, IReadOnlyList<string> subprotocols)
    {
        var headers = request.Headers;
        // §4.2.1 item 1: an HTTP/1.1 (or higher) GET.
        if (request.Method != "GET") return Refuse(400, "not a GET");
        if (request.Version != HttpVersion.Http11) return Refuse(400, "not HTTP/1.1");
        // A handshake has no body (§4.1 builds none): bytes after the head could only be frames sent before the 101, or
        // a request smuggled behind a body the server would then have to frame.
        if (!request.Body.IsEmpty || headers.Contains("Transfer-Encoding") || (headers.Get("Content-Length") is { } length && length.Trim() != "0"))
            return Refuse(400, "a handshake with a body");
        // §4.2.1 items 3 and 4: Upgrade names websocket, Connection names upgrade (each a comma-separated token list).
        if (!HasToken(headers.GetAll("Upgrade"), "websocket")) return Refuse(400, "no Upgrade: websocket");
        if (!HasToken(headers.GetAll("Connection"), "upgrade")) return Refuse(400, "no Connection: upgrade");
        // §4.2.2 item 4: a version we do not speak is answered 426 with the one we do.
        if (headers.GetCombined("Sec-WebSocket-Version")?.Trim() != Version) return Refuse(426, "not version 13");
        // §4.2.1 item 5: exactly one key, the base64 of 16 bytes.
        var keys = headers.GetAll("Sec-WebSocket-Key");
        if (keys.Count != 1 || !IsKey(keys[0].Trim())) return Refuse(400, "a missing or malformed Sec-WebSocket-Key");
        // §10.2: a browser names the page's origin; a page from another site must not open a socket with the user's cookies.
        // A client without Origin is not a browser, and could send any Origin it likes.
        if (allowedOrigins.Count > 0 && headers.GetAll("Origin") is { Count: > 0 } origins
            && (origins.Count > 1 || !allowedOrigins.Contains(origins[0].Trim(), StringComparer.OrdinalIgnoreCase)))
            return Refuse(403, "an origin not allowed");
        return new WebSocketHandshakeResult(101, "accepted", AcceptFor(keys[0].Trim()), ChooseSubprotocol(headers.GetAll("Sec-WebSocket-Protocol"), subprotocols));
    }

    /// <summary>The answer to a checked request: 101 with its fields, or the refusal (426 with the version we speak, §4.2.2).</summary>
    public static HttpResponse Response(WebSocketHandshakeResult result)
    {
        if (!result.Accepted)
        {
            var refusal = ErrorResponses.For(result.Status);
            return result.Status == 426 ? refusal.WithHeader("Sec-WebSocket-Version", Version).WithHeader("Upgrade", "websocket") : refusal;
        }
        // The writer adds Connection: Upgrade to every 101 (RFC 9110 §7.8).
        var fields = new List<HttpHeader> { new("Upgrade", "websocket"), new("Sec-WebSocket-Accept", result.Accept!) };
        if (result.Subprotocol is { } chosen) fields.Add(new HttpHeader("Sec-WebSocket-Protocol", chosen));
        return new HttpResponse(101, new HttpHeaders(fields), ResponseBody.None.Instance);
    }

    /// <summary>§4.2.2 item 5.4: base64 of the SHA-1 of the key and the GUID.</summary>
    public static string AcceptFor(string key) => Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + KeyGuid)));

    /// <summary>The first of the server's subprotocols (its order of preference) that the client offered, or null (§4.2.2 item 5.4).</summary>
    public static string? ChooseSubprotocol(IReadOnlyList<string> offered, IReadOnlyList<string> supported)
    {
        foreach (var candidate in supported)
            if (HasToken(offered, candidate, StringComparison.Ordinal)) return candidate;
        return null;
    }

    private static bool IsKey(string key)
    {
        Span<byte> decoded = stackalloc byte[18];
        return key.Length == 24 && Convert.TryFromBase64String(key, decoded, out var written) && written == 16;
    }

    private static bool HasToken(IReadOnlyList<string> fields, string token, StringComparison comparison = StringComparison.OrdinalIgnoreCase)
    {
        foreach (var field in fields)
            foreach (var part in field.Split(','))
                if (part.Trim(' ', '\t').Equals(token, comparison)) return true;
        return false;
    }

    private static WebSocketHandshakeResult Refuse(int status, string why) => new(status, why);
}
