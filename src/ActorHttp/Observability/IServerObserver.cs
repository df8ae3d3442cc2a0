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
    string? SpanId = null);

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
