using Akka.Configuration;
using ActorHttp.Hosting;
using ActorHttp.Configuration;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Hosting;

/// <summary>
/// <see cref="HttpServer.StartAsync"/>, the library's entry point, refuses bad settings as the console host does: a
/// <see cref="SettingsException"/> naming the key, also for settings changed in code after they were read.
/// </summary>
public sealed class HttpServerSettingsSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly TestWww _www = new();

    private ServerSettings Changed(string key)
    {
        var good = TestSettings.For(_www.Root);
        return key switch
        {
            "actorhttp.port" => good with { Port = 70000 },
            "actorhttp.root" => good with { Root = Path.Combine(_www.Root, "missing") },
            "actorhttp.timeouts.handler" => good with { HandlerTimeout = TimeSpan.Zero },
            "actorhttp.sleep-delay" => good with { SleepDelay = TimeSpan.FromDays(3650) },
            "actorhttp.connection-dispatcher" => good with { ConnectionDispatcher = "no-such-dispatcher" },
            "actorhttp.hello-page" => good with { HelloPage = "../outside.html" },
            "actorhttp.routes[0].handler" => good with { Routes = new[] { new RouteSpec("GET", "/x", "System.String") } },
            "actorhttp.routes[0].path" => good with { Routes = new[] { new RouteSpec("GET", "/users/{id", "echo") } },
            "actorhttp.content-types.\".x\"" => good with
            {
                Files = good.Files with { ContentTypeOverrides = new Dictionary<string, string> { [".x"] = "text/plain\r\nX-Injected: 1" } },
            },
            "actorhttp.access-log" => good with { AccessLog = good.AccessLog with { Target = Path.Combine(_www.Root, "no", "access.log") } },
            "actorhttp.access-log-format" => good with { AccessLog = good.AccessLog with { Format = "xml" } },
            "actorhttp.metrics.path" => good with { Metrics = new("metrics") },
            _ => throw new ArgumentOutOfRangeException(nameof(key)),
        };
    }

    [Theory]
    [InlineData("actorhttp.port")]
    [InlineData("actorhttp.root")]
    [InlineData("actorhttp.timeouts.handler")]
    [InlineData("actorhttp.sleep-delay")]
    [InlineData("actorhttp.connection-dispatcher")]
    [InlineData("actorhttp.hello-page")]
    [InlineData("actorhttp.routes[0].handler")]
    [InlineData("actorhttp.routes[0].path")]
    [InlineData("actorhttp.content-types.\".x\"")]
    [InlineData("actorhttp.access-log")]
    [InlineData("actorhttp.access-log-format")]
    [InlineData("actorhttp.metrics.path")]
    public async Task Starting_with_a_bad_setting_throws_a_settings_exception_naming_the_key(string key)
    {
        var error = await Assert.ThrowsAsync<SettingsException>(() => HttpServer.StartAsync(Sys, Changed(key)));

        Assert.StartsWith(key + ":", error.Message);
    }

    [Fact]
    public async Task A_connection_dispatcher_the_actor_system_does_not_define_is_refused()
    {
        // Valid where the settings were read, but this actor system was configured without it.
        var settings = ServerSettings.Create(ConfigurationFactory.ParseString($$"""
            actorhttp.root = {{ConfigLoader.Quote(_www.Root)}}
            actorhttp.connection-dispatcher = "elsewhere-dispatcher"
            elsewhere-dispatcher { type = Dispatcher }
            """));

        var error = await Assert.ThrowsAsync<SettingsException>(() => HttpServer.StartAsync(Sys, settings));

        Assert.StartsWith("actorhttp.connection-dispatcher:", error.Message);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _www.Dispose();
    }
}
