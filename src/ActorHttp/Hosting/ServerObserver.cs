using Akka.Actor;
using ActorHttp.Actors;
using ActorHttp.Http;
using ActorHttp.Observability;

namespace ActorHttp.Hosting;

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

    /// <summary>The access log and metrics the configuration asks for.</summary>
    public static ServerObserver Create(ServerSettings settings, ActorSystem system)
    {
        IAccessLog log;
        try
        {
            log = Observability.AccessLog.Create(settings.AccessLog, system);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // ValidatePaths saw the folder; what only opening the file tells (permissions, a full disk) is a setting's fault too.
            throw new SettingsException($"actorhttp.access-log: cannot open \"{settings.AccessLog.Target}\": {e.Message}");
        }
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
            exchange.UserAgent));
    }

    public void RequestRejected(RequestRejectionReason reason) => Metrics.Rejected(reason.ToString());

    public void BytesSent(long count) => Metrics.BytesSent(count);
}
