namespace ActorHttp.Http;

/// <summary>
/// Decides whether a connection stays open after a response: the one place this rule lives
/// (RFC 9112 §9.3). HTTP/1.1 persists unless either side says <c>close</c>; HTTP/1.0 persists only when the
/// client asked for <c>keep-alive</c>.
/// </summary>
public static class ConnectionPersistence
{
    public static bool ClientWantsKeepAlive(HttpRequest request)
    {
        var connection = request.Headers.GetCombined("Connection");
        return request.Version == HttpVersion.Http11
            ? !HasToken(connection, "close")
            : HasToken(connection, "keep-alive");
    }

    /// <summary>True when the comma-separated header value lists the token (case-insensitive, RFC 9110 §5.6.1).</summary>
    public static bool HasToken(string? value, string token)
    {
        if (value is null) return false;
        foreach (var range in value.AsSpan().Split(','))
            if (value.AsSpan()[range].Trim(" \t").Equals(token, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
