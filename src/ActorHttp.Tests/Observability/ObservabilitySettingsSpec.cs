using ActorHttp.Hosting;
using ActorHttp.Observability;
using ActorHttp.Configuration;
using Akka.Configuration;

namespace ActorHttp.Tests.Observability;

/// <summary>
/// The access log and metrics keys as <see cref="ServerSettings.Create"/> reads them. That every key of the reference
/// configuration has a comment, and that a bad value names its key, is specified in Hosting.ServerSettingsSpec.
/// </summary>
public sealed class ObservabilitySettingsSpec
{
    private static ServerSettings Create(string hocon) => ServerSettings.Create(ConfigurationFactory.ParseString("actorhttp {\n" + hocon + "\n}"));

    [Fact]
    public void The_reference_configuration_has_the_documented_access_log_defaults()
    {
        var settings = ServerSettings.Default.AccessLog;

        Assert.Equal(new AccessLogSettings("stdout", "common", 8192, 256, TimeSpan.FromMilliseconds(200)), settings);
        Assert.True(settings.IsStdout);
        Assert.False(settings.IsOff);
    }

    [Fact]
    public void The_reference_configuration_does_not_serve_metrics()
    {
        var settings = ServerSettings.Default.Metrics;

        Assert.Equal(new MetricsSettings(""), settings);
        Assert.False(settings.IsServed);
    }

    [Theory]
    [InlineData("access-log = off")]
    [InlineData("access-log = \"off\"")]
    [InlineData("access-log = false")]
    [InlineData("access-log = OFF")]
    public void Access_log_off_in_any_spelling_disables_the_log(string hocon) =>
        Assert.True(Create(hocon).AccessLog.IsOff);

    [Fact]
    public void Access_log_set_to_a_path_keeps_the_path_and_reads_the_other_keys()
    {
        var settings = Create("""
            access-log = "/var/log/actorhttp/access.log"
            access-log-format = Combined
            access-log-queue-size = 100
            access-log-batch-size = 10
            access-log-flush-interval = 1s
            """).AccessLog;

        Assert.Equal(new AccessLogSettings("/var/log/actorhttp/access.log", "combined", 100, 10, TimeSpan.FromSeconds(1)), settings);
        Assert.False(settings.IsOff);
        Assert.False(settings.IsStdout);
    }

    [Theory]
    [InlineData("access-log-format = xml", "actorhttp.access-log-format")]
    [InlineData("telemetry.otlp = maybe", "actorhttp.telemetry.otlp")]
    [InlineData("access-log-queue-size = 0", "actorhttp.access-log-queue-size")]
    [InlineData("access-log-batch-size = -1", "actorhttp.access-log-batch-size")]
    [InlineData("access-log-flush-interval = 0s", "actorhttp.access-log-flush-interval")]
    [InlineData("access-log = \"\"", "actorhttp.access-log")]
    [InlineData("metrics.path = metrics", "actorhttp.metrics.path")]
    [InlineData("metrics.path = \"/metrics/*\"", "actorhttp.metrics.path")]
    [InlineData("metrics.path = \"/metrics/{name}\"", "actorhttp.metrics.path")]
    public void Observability_settings_out_of_range_are_rejected_naming_the_key(string hocon, string key) =>
        Assert.StartsWith(key + ":", Assert.Throws<SettingsException>(() => Create(hocon)).Message);

    [Fact]
    public void A_metrics_path_is_read_when_it_is_an_exact_path()
    {
        var settings = Create("metrics.path = /metrics").Metrics;

        Assert.Equal(new MetricsSettings("/metrics"), settings);
        Assert.True(settings.IsServed);
    }

    [Fact]
    public void The_json_access_log_format_is_accepted_in_any_case() =>
        Assert.Equal(AccessLogFormat.JsonName, Create("access-log-format = JSON").AccessLog.Format);

    [Fact]
    public void Otlp_export_is_off_by_default_and_on_when_the_endpoint_variable_or_the_switch_says_so()
    {
        Assert.Equal(TelemetrySettings.Default, ServerSettings.Default.Telemetry);
        Assert.False(ServerSettings.Default.Telemetry.Exports(null));
        Assert.False(ServerSettings.Default.Telemetry.Exports(" "));
        Assert.True(ServerSettings.Default.Telemetry.Exports("http://127.0.0.1:4317"));
        Assert.True(Create("telemetry.otlp = on").Telemetry.Exports(null));
    }
}
