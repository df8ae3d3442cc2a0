using Akka.Actor;
using ActorHttp.Http;

namespace ActorHttp.Observability;

/// <summary>Feeds what connection actors report into the access log and the metrics.</summary>
public sealed class ServerObserver : IServerObserver
{
    public ServerObserver(IAccessLog accessLog, ServerMetrics metrics)
    {
        AccessLog = accessLog;
        Metrics = metrics;
    }

    public IAccessLog AccessLog { get; }

    public ServerMetrics Metrics { get; }

    /// <summary>The access log the settings ask for, and metrics counting its dropped lines.</summary>
    /// <exception cref="IOException">The access log file cannot be opened for appending.</exception>
    /// <exception cref="UnauthorizedAccessException">The access log file may not be written.</exception>
    public static ServerObserver Create(AccessLogSettings accessLog, ActorSystem system)
    {
        var log = Observability.AccessLog.Create(accessLog, system);
        return new ServerObserver(log, new ServerMetrics(log));
    }

    public void ConnectionOpened() => Metrics.ConnectionOpened();

    public void ConnectionClosed() => Metrics.ConnectionClosed();

    public void RequestCompleted(in CompletedExchange exchange)
    {
        // Wire bytes are counted as they are written (BytesSent); the request itself adds none here.
        Metrics.RequestCompleted(exchange.Method, exchange.Status, exchange.Duration, 0);
        AccessLog.Log(new AccessLogEntry(
            AccessLogEntry.AddressText(exchange.Remote),
            exchange.Started,
            exchange.Method,
            exchange.Target,
            exchange.Version.ToText(),
            exchange.Status,
            exchange.BodyBytes,
            exchange.Referer,
            exchange.UserAgent,
            exchange.Duration,
            exchange.RequestId,
            exchange.TraceId,
            exchange.SpanId,
            exchange.Scheme,
            exchange.RejectedLine));
    }

    public void RequestRejected(RequestRejectionReason reason) => Metrics.Rejected(reason.ToString());

    public void BytesSent(long count) => Metrics.BytesSent(count);

    public void TlsHandshake(TlsHandshakeResult result) => Metrics.TlsHandshake(result);
}
