namespace ActorHttp.Http;

/// <summary>
/// Everything that decides whether the connection stays open after one response (see
/// <see cref="ConnectionPersistence.KeepsOpen"/>).
/// </summary>
/// <param name="ClientWantsKeepAlive">The request asked to keep the connection (<see cref="ConnectionPersistence.ClientWantsKeepAlive"/>).</param>
/// <param name="RequestKnown">False for the answer to a rejected request.</param>
/// <param name="LastToAnswer">No other request is in flight and no body of one is still being read.</param>
/// <param name="ShuttingDown">The server drains for a graceful shutdown.</param>
/// <param name="PeerClosed">The client has sent FIN.</param>
/// <param name="CloseDelimitedBody">The body's end is marked only by closing (an HTTP/1.0 client and a body of unknown length).</param>
/// <param name="RequestBodyUnread">The request's streamed body has not ended yet.</param>
public readonly record struct ResponseTurn(
    bool ClientWantsKeepAlive,
    bool RequestKnown,
    bool LastToAnswer,
    bool ShuttingDown,
    bool PeerClosed,
    bool CloseDelimitedBody,
    bool RequestBodyUnread);

/// <summary>
/// Decides whether a connection stays open after a response, and how it closes: the one place these rules
/// live (RFC 9112 §9.3, §9.6). HTTP/1.1 persists unless either side says <c>close</c>; HTTP/1.0 persists only
/// when the client asked for <c>keep-alive</c>.
/// </summary>
public static class ConnectionPersistence
{
    /// <summary>
    /// Whether the connection stays open after this response. It closes when the client asked; after a
    /// rejection or a response sent before its request's body ended, because where the next request would
    /// start is unknown; when the body's end is the close itself; and after the last answer once the server
    /// shuts down or the client has half-closed (RFC 9112 §9.6: it sends nothing more).
    /// </summary>
    public static bool KeepsOpen(in ResponseTurn turn) =>
        turn.ClientWantsKeepAlive
        && turn.RequestKnown
        && !turn.RequestBodyUnread
        && !turn.CloseDelimitedBody
        && !((turn.ShuttingDown || turn.PeerClosed) && turn.LastToAnswer);

    /// <summary>
    /// Whether the socket may close at once after the last response: the client asked to close and nothing it
    /// sent is left unread, so nothing more is coming (as nginx and Kestrel do). Otherwise (an error, a
    /// pipelined request, a body not read, a close the client did not ask for) a lingering close makes sure the
    /// client reads the response before any reset.
    /// </summary>
    public static bool ClosesAtOnce(bool clientAskedToClose, bool requestKnown, bool nothingUnread) =>
        clientAskedToClose && requestKnown && nothingUnread;

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
