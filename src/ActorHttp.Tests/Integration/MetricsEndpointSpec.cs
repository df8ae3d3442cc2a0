using ActorHttp.Hosting;
using ActorHttp.Observability;
using ActorHttp.Routing;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Integration;

/// <summary>The opt-in Prometheus endpoint, served by the server itself.</summary>
public sealed class MetricsEndpointSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly TestWww _www = new();

    [Fact]
    public async Task The_metrics_path_serves_prometheus_text_that_counts_the_traffic()
    {
        var settings = TestSettings.For(_www.Root, "actorhttp.metrics.path = \"/metrics\"");
        await using var server = await TestServer.StartAsync(Sys, settings);
        await server.Client.GetAsync("/");
        await server.Client.GetAsync("/missing");

        // A request is counted once its response is written, which the client may see a moment earlier.
        await AwaitAssertAsync(async () =>
        {
            var response = await server.Client.GetAsync("/metrics");
            var text = await response.Content.ReadAsStringAsync();

            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("# TYPE actorhttp_requests_total counter", text);
            Assert.Matches("actorhttp_requests_total\\{[^}]*status=\"404\"[^}]*\\} 1", text);
            Assert.Contains("actorhttp_connections_open", text);
        }, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task Without_a_metrics_path_nothing_is_served_there()
    {
        await using var server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root));
        var response = await server.Client.GetAsync("/metrics");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public void The_metrics_path_is_routed_only_to_metrics_the_server_is_given()
    {
        var settings = TestSettings.For(_www.Root, "actorhttp.metrics.path = \"/metrics\"");
        var log = AccessLog.Create(settings.AccessLog, Sys);
        var observer = new ServerObserver(log, new ServerMetrics(log));

        var given = HttpServer.CreateContext(Sys, settings, observer: observer, metrics: observer.Metrics);
        var observedOnly = HttpServer.CreateContext(Sys, settings, observer: observer);

        Assert.IsType<RouteMatch.Found>(given.Routes.Match("GET", "/metrics"));
        Assert.IsType<RouteMatch.None>(observedOnly.Routes.Match("GET", "/metrics"));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _www.Dispose();
    }
}
