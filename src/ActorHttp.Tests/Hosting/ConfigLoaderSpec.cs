using ActorHttp.Hosting;
using ActorHttp.Configuration;

namespace ActorHttp.Tests.Hosting;

/// <summary>
/// The configuration layers, lowest first: reference, <c>--config</c> file, each <c>--set</c>, then
/// <c>--host</c>/<c>--port</c>/<c>--root</c>.
/// </summary>
public sealed class ConfigLoaderSpec : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "actorhttp-config-" + Guid.NewGuid().ToString("N"));

    public ConfigLoaderSpec() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WriteProfile(string hocon)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".conf");
        File.WriteAllText(path, hocon);
        return path;
    }

    private static ServerSettings Load(string? file, string[] sets, string? host = null, int? port = null, string? root = null) =>
        ServerSettings.Create(ConfigLoader.Load(new HostOptions(file, sets, host, port, root), out _));

    private const string Profile = """
        actorhttp {
          port = 1111
          sleep-delay = 3s
          max-connections = 50
        }
        """;

    [Fact]
    public void A_config_file_overrides_the_reference_and_leaves_the_rest_at_its_defaults()
    {
        var file = WriteProfile(Profile);

        var config = ConfigLoader.Load(new HostOptions(file, Array.Empty<string>(), null, null, null), out var profile);
        var settings = ServerSettings.Create(config);

        Assert.Equal(file, profile);
        Assert.Equal(1111, settings.Port);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.SleepDelay);
        Assert.Equal(50, settings.MaxConnections);
        Assert.Equal("127.0.0.1", settings.Host);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.ShutdownTimeout);
    }

    [Fact]
    public void With_no_file_and_no_options_the_defaults_load_and_validate()
    {
        var config = ConfigLoader.Load(new HostOptions(null, Array.Empty<string>(), null, null, null), out var profile);

        // The test output folder, the usual working directory, has no hocon/actorhttp.conf: the reference alone.
        Assert.Equal(File.Exists(ConfigLoader.DefaultProfile) ? ConfigLoader.DefaultProfile : "built-in defaults", profile);
        Assert.Equal(7878, ServerSettings.Create(config).Port);
    }

    [Fact]
    public void A_set_overrides_the_config_file()
    {
        var settings = Load(WriteProfile(Profile), new[] { "actorhttp.sleep-delay=4s", "actorhttp.port = 2222" });

        Assert.Equal(2222, settings.Port);
        Assert.Equal(TimeSpan.FromSeconds(4), settings.SleepDelay);
        Assert.Equal(50, settings.MaxConnections);
    }

    [Fact]
    public void A_later_set_overrides_an_earlier_one_for_the_same_path()
    {
        var settings = Load(null, new[] { "actorhttp.sleep-delay=4s", "actorhttp.sleep-delay=6s" });

        Assert.Equal(TimeSpan.FromSeconds(6), settings.SleepDelay);
    }

    [Fact]
    public void A_set_value_is_hocon_so_quoted_strings_and_objects_work()
    {
        var settings = Load(null, new[]
        {
            "actorhttp.hello-page=\"pages/hi there.html\"",
            "actorhttp.limits={ max-header-count = 7 }",
        });

        Assert.Equal("pages/hi there.html", settings.HelloPage);
        Assert.Equal(7, settings.Limits.MaxHeaderCount);
        Assert.Equal(8 * 1024, settings.Limits.MaxRequestLineBytes);
    }

    [Fact]
    public void Host_port_and_root_options_override_the_set_values()
    {
        var root = Path.Combine(_folder, "site");

        var settings = Load(WriteProfile(Profile),
            new[] { "actorhttp.port=2222", "actorhttp.host=\"10.1.2.3\"", "actorhttp.root=\"elsewhere\"" },
            host: "0.0.0.0", port: 3333, root: root);

        Assert.Equal(3333, settings.Port);
        Assert.Equal("0.0.0.0", settings.Host);
        Assert.Equal(root, settings.Root);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.SleepDelay);
    }

    [Fact]
    public void A_root_with_quotes_and_backslashes_survives_the_override()
    {
        var root = Path.Combine(_folder, "a \"quoted\" \\ folder");

        Assert.Equal(root, Load(null, Array.Empty<string>(), root: root).Root);
    }

    [Fact]
    public void A_malformed_config_file_is_a_settings_error_naming_the_file()
    {
        var file = WriteProfile("actorhttp { port = 80, , }");

        var error = Assert.Throws<SettingsException>(() => Load(file, Array.Empty<string>()));

        Assert.Contains(file, error.Message);
        Assert.Contains("malformed HOCON", error.Message);
    }

    [Fact]
    public void A_missing_config_file_is_a_settings_error_naming_the_file()
    {
        var file = Path.Combine(_folder, "absent.conf");

        var error = Assert.Throws<SettingsException>(() => Load(file, Array.Empty<string>()));

        Assert.Contains(file, error.Message);
        Assert.StartsWith("--config", error.Message);
    }

    [Fact]
    public void A_config_name_that_is_no_file_selects_the_built_in_profile_of_that_name()
    {
        // No file "dedicated" exists in the test's working directory (its output folder).
        Assert.False(File.Exists("dedicated"));

        var config = ConfigLoader.Load(new HostOptions("dedicated", Array.Empty<string>(), null, null, null), out var profile);

        Assert.Equal("actorhttp.dedicated-dispatcher", ServerSettings.Create(config).ConnectionDispatcher);
        Assert.Equal("built-in dedicated", profile);
    }

    [Fact]
    public void A_config_that_is_neither_a_file_nor_a_built_in_profile_names_the_built_in_ones()
    {
        var error = Assert.Throws<SettingsException>(() => Load("no-such-profile", Array.Empty<string>()));

        Assert.StartsWith("--config: file \"no-such-profile\" does not exist", error.Message);
        foreach (var name in new[] { "actorhttp", "dedicated", "low-footprint", "throughput" })
            Assert.Contains(name, error.Message);
    }

    [Theory]
    [InlineData("actorhttp.port")]
    [InlineData("=8080")]
    public void A_set_without_a_path_and_value_is_a_settings_error(string set)
    {
        var error = Assert.Throws<SettingsException>(() => Load(null, new[] { set }));

        Assert.Contains("PATH=VALUE", error.Message);
        Assert.Contains(set, error.Message);
    }

    [Fact]
    public void A_set_with_a_malformed_value_is_a_settings_error_naming_the_set()
    {
        var error = Assert.Throws<SettingsException>(() => Load(null, new[] { "actorhttp.limits={ max-body = " }));

        Assert.StartsWith("--set \"actorhttp.limits={ max-body = \"", error.Message);
    }

    [Fact]
    public void A_set_with_a_well_formed_but_invalid_value_fails_validation_naming_the_key()
    {
        var error = Assert.Throws<SettingsException>(() => Load(null, new[] { "actorhttp.port=abc" }));

        Assert.StartsWith("actorhttp.port:", error.Message);
    }

    [Fact]
    public void The_shutdown_phases_wait_for_the_drain_longer_than_the_shutdown_timeout()
    {
        var settings = Load(null, new[] { "actorhttp.shutdown-timeout=7s" });

        var phases = ConfigLoader.ShutdownPhases(settings);

        Assert.True(phases.GetTimeSpan("akka.coordinated-shutdown.phases.service-requests-done.timeout") > TimeSpan.FromSeconds(7));
    }

    [Fact]
    public void The_shutdown_phases_wait_out_an_unbind_delay_longer_than_the_shutdown_timeout()
    {
        var settings = Load(null, new[] { "actorhttp.shutdown-timeout=1s", "actorhttp.shutdown-unbind-delay=20s" });

        var phases = ConfigLoader.ShutdownPhases(settings);

        Assert.True(phases.GetTimeSpan("akka.coordinated-shutdown.phases.service-requests-done.timeout") > TimeSpan.FromSeconds(20));
    }
}

