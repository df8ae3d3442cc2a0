namespace ActorHttp.Configuration;

/// <summary>
/// WebSocket connections (<c>actorhttp.websocket</c>): the largest message read, the ping that checks an idle peer is
/// there and how long its pong may take, the origins a browser may open sockets from (empty: any), and the messages
/// that may wait for a client that reads slower than its handler sends.
/// </summary>
public sealed record WebSocketSettings(long MaxMessage, TimeSpan KeepAliveInterval, TimeSpan KeepAliveTimeout,
    IReadOnlyList<string> AllowedOrigins, int MaxOutgoingQueue)
{
    /// <summary>The reference.conf defaults, for settings built in code.</summary>
    public static readonly WebSocketSettings Default = new(4 * 1024 * 1024, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), Array.Empty<string>(), 256);

    /// <summary>Largest max-message: a message is reassembled in one array.</summary>
    public const long MaxMessageLimit = 1L << 30;

    /// <summary>Largest max-outgoing-queue: every open socket may hold this many messages.</summary>
    public const int MaxOutgoingQueueLimit = 1_000_000;

    /// <summary>
    /// An origin as a browser serializes it (RFC 6454 §6.2): scheme, host and port, no path; null when <paramref name="origin"/> is one,
    /// else what is wrong.
    /// </summary>
    public static string? OriginProblem(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            && string.Equals(origin, $"{uri.Scheme}://{uri.Authority}", StringComparison.OrdinalIgnoreCase)
            ? null
            : "is not an origin such as \"https://example.com\" or \"http://localhost:8080\" (scheme, host and port, no path)";
}
