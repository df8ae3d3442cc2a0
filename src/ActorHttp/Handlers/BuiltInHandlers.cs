using ActorHttp.Actors;
using ActorHttp.Http;
using ActorHttp.Observability;

namespace ActorHttp.Handlers;

/// <summary>The built-in inline routes: echo, health and metrics.</summary>
public static class BuiltInHandlers
{
    /// <summary>
    /// Replies with the request's body and content type: what conformance suites and load balancers
    /// POST to a server to check that bodies travel intact.
    /// </summary>
    public static HttpResponse Echo(HttpRequest request) =>
        HttpResponse.Bytes(200, request.Body, request.Headers.Get("Content-Type") ?? "application/octet-stream");

    private static readonly HttpResponse Healthy = HttpResponse.Text(200, "OK\n").WithHeader("Cache-Control", "no-store");
    private static readonly HttpResponse Stopping = HttpResponse.Text(503, "shutting down\n").WithHeader("Cache-Control", "no-store");

    /// <summary>
    /// 200 while serving, 503 once shutdown began, so a load balancer stops sending traffic; and 503 while
    /// <paramref name="notReady"/> gives a reason (a cluster node not Up), which the body names.
    /// </summary>
    public static Func<HttpRequest, HttpResponse> Health(ShutdownFlag shutdown, Func<string?>? notReady = null) =>
        notReady is null
            ? _ => shutdown.IsRaised ? Stopping : Healthy
            : _ => shutdown.IsRaised ? Stopping
                : notReady() is { } reason ? HttpResponse.Text(503, reason + "\n").WithHeader("Cache-Control", "no-store")
                : Healthy;

    /// <summary>The Prometheus text exposition of these metrics.</summary>
    public static Func<HttpRequest, HttpResponse> Metrics(ServerMetrics metrics) =>
        _ => HttpResponse.Text(200, metrics.RenderPrometheus(), ServerMetrics.PrometheusContentType);
}
