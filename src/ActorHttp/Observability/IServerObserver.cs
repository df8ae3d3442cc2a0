using System.Net;
using ActorHttp.Http;
using HttpVersion = ActorHttp.Http.HttpVersion;

namespace ActorHttp.Observability;

/// <summary>One finished request, as the access log and metrics see it.</summary>
public readonly record struct CompletedExchange(
    EndPoint? Remote,
    DateTimeOffset Started,
    TimeSpan Duration,
    string Method,
    string Target,
    HttpVersion Version,
    int Status,
    long BodyBytes,
    string? Referer,
    string? UserAgent,
    string? RequestId = null,
    string? TraceId = null,
    string? SpanId = null,
    string Scheme = "http",
    string? RejectedLine = null);

/// <summary>How a TLS handshake ended: the metrics count each, failures by reason.</summary>
public enum TlsHandshakeResult
{
    Completed,
    /// <summary>Not finished within <c>actorhttp.tls.handshake-timeout</c>.</summary>
    Timeout,
    /// <summary>Refused by TLS itself: a protocol version or cipher the server does not accept, a malformed message, or plain HTTP (answered 400).</summary>
    Protocol,
    /// <summary>Anything else, most often a client that closed or reset the connection half way.</summary>
    Other,
}

/// <summary>
/// Receives what connection actors report: the seam where access logging and metrics plug in. Calls come
/// from many actors at once and must neither block nor throw.
/// </summary>
public interface IServerObserver
{
    void ConnectionOpened();
    void ConnectionClosed();
    void RequestCompleted(in CompletedExchange exchange);
    void RequestRejected(RequestRejectionReason reason);
    void BytesSent(long count);

    /// <summary>A TLS handshake ended; an observer that does not serve HTTPS may ignore it.</summary>
    void TlsHandshake(TlsHandshakeResult result) { }
}

/// <summary>An observer that ignores everything.</summary>
public sealed class NullServerObserver : IServerObserver
{
    public static readonly NullServerObserver Instance = new();
    public void ConnectionOpened() { }
    public void ConnectionClosed() { }
    public void RequestCompleted(in CompletedExchange exchange) { }
    public void RequestRejected(RequestRejectionReason reason) { }
    public void BytesSent(long count) { }
}
