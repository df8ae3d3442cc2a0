using ActorHttp.Observability;
using Akka.Configuration;

namespace ActorHttp.Tests.Observability;

public sealed class ObservabilitySettingsSpec
{
    /// <summary>The <c>actorhttp</c> section of the embedded reference configuration.</summary>
    private static Config ReferenceSection() => ActorHttp.Hosting.ServerSettings.Reference.GetConfig("actorhttp");

    private static Config Section(string hocon) =>
        ConfigurationFactory.ParseString("actorhttp {\n" + hocon + "\n}").GetConfig("actorhttp");

    [Fact]
    public void The_reference_configuration_has_the_documented_access_log_defaults()
    {
        var settings = AccessLogSettings.FromConfig(ReferenceSection());

        Assert.Equal(new AccessLogSettings("stdout", "common", 8192, 256, TimeSpan.FromMilliseconds(200)), settings);
        Assert.True(settings.IsStdout);
        Assert.False(settings.IsOff);
    }

    [Fact]
    public void Access_log_settings_fall_back_to_the_same_defaults_when_the_keys_are_absent() =>
        Assert.Equal(AccessLogSettings.FromConfig(ReferenceSection()), AccessLogSettings.FromConfig(Section("")));

    [Fact]
    public void The_reference_configuration_does_not_serve_metrics()
    {
        var settings = MetricsSettings.FromConfig(ReferenceSection());

        Assert.Equal(MetricsSettings.Default, settings);
        Assert.False(settings.IsServed);
        Assert.Equal(MetricsSettings.Default, MetricsSettings.FromConfig(Section("")));
    }

    // That every key of the reference configuration has a comment is specified in Hosting.ServerSettingsSpec.

    [Theory]
    [InlineData("access-log = off")]
    [InlineData("access-log = \"off\"")]
    [InlineData("access-log = false")]
    [InlineData("access-log = OFF")]
    public void Access_log_off_in_any_spelling_disables_the_log(string hocon) =>
        Assert.True(AccessLogSettings.FromConfig(Section(hocon)).IsOff);

    [Fact]
    public void Access_log_set_to_a_path_keeps_the_path_and_reads_the_other_keys()
    {
        var settings = AccessLogSettings.FromConfig(Section("""
            access-log = "/var/log/actorhttp/access.log"
            access-log-format = combined
            access-log-queue-size = 100
            access-log-batch-size = 10
            access-log-flush-interval = 1s
            """));

        Assert.Equal(new AccessLogSettings("/var/log/actorhttp/access.log", "combined", 100, 10, TimeSpan.FromSeconds(1)), settings);
        Assert.False(settings.IsOff);
        Assert.False(settings.IsStdout);
    }

    [Theory]
    [InlineData("access-log-format = json")]
    [InlineData("access-log-queue-size = 0")]
    [InlineData("access-log-batch-size = -1")]
    [InlineData("access-log-flush-interval = 0s")]
    [InlineData("access-log = \"\"")]
    public void Access_log_settings_out_of_range_are_rejected_at_startup(string hocon) =>
        Assert.Throws<ConfigurationException>(() => AccessLogSettings.FromConfig(Section(hocon)));

    [Fact]
    public void A_metrics_path_is_read_and_must_start_with_a_slash()
    {
        Assert.Equal(new MetricsSettings("/metrics"), MetricsSettings.FromConfig(Section("metrics.path = /metrics")));
        Assert.True(MetricsSettings.FromConfig(Section("metrics.path = /metrics")).IsServed);
        Assert.Throws<ConfigurationException>(() => MetricsSettings.FromConfig(Section("metrics.path = metrics")));
    }
}
