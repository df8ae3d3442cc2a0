using Akka.Configuration;
using ActorHttp.Hosting;
using ActorHttp.Http;
using ActorHttp.Configuration;

namespace ActorHttp.Tests.Hosting;

/// <summary>The <c>actorhttp</c> section: the documented defaults, validation naming the key, and typo detection.</summary>
public sealed class ServerSettingsSpec
{
    private static ServerSettings Create(string hocon) => ServerSettings.Create(ConfigurationFactory.ParseString(hocon));

    [Fact]
    public void The_reference_defaults_parse_to_the_documented_values()
    {
        var settings = ServerSettings.Default;

        Assert.Equal("127.0.0.1", settings.Host);
        Assert.Equal(7878, settings.Port);
        Assert.Equal(Path.GetFullPath("www"), settings.Root);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.SleepDelay);
        Assert.Equal("akka.actor.default-dispatcher", settings.ConnectionDispatcher);
        Assert.Equal(20000, settings.MaxConnections);
        Assert.Equal(16, settings.MaxPipelinedRequests);
        Assert.Equal("404.html", settings.NotFoundPage);
        Assert.Equal("hello.html", settings.HelloPage);
        Assert.Equal(new HttpLimits(8 * 1024, 32 * 1024, 100, 30_000_000), settings.Limits);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.RequestHeaderTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.KeepAliveTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.HandlerTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.ShutdownTimeout);
        Assert.Equal(new[]
        {
            new RouteSpec("GET", "/sleep", "sleep"),
            new RouteSpec("POST", "/echo", "echo"),
            new RouteSpec("PUT", "/echo", "echo"),
            new RouteSpec("GET", "/health", "health"),
            new RouteSpec("GET", "/events/clock", "clock"),
            new RouteSpec("*", "/ws/echo", "echo") { WebSocket = true },
            new RouteSpec("*", "/ws/chat", "chat") { WebSocket = true },
        }, settings.Routes);
    }

    [Fact]
    public void A_value_given_over_the_reference_wins_and_the_others_keep_their_defaults()
    {
        var settings = Create("""
            actorhttp.port = 0
            actorhttp.sleep-delay = 250ms
            actorhttp.limits.max-body = 1m
            """);

        Assert.Equal(0, settings.Port);
        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.SleepDelay);
        Assert.Equal(1024 * 1024, settings.Limits.MaxBodyBytes);
        Assert.Equal(8 * 1024, settings.Limits.MaxRequestLineBytes);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.KeepAliveTimeout);
    }

    [Theory]
    [InlineData("actorhttp.port = \"abc\"", "actorhttp.port")]
    [InlineData("actorhttp.port = 70000", "actorhttp.port")]
    [InlineData("actorhttp.port = -1", "actorhttp.port")]
    [InlineData("actorhttp.host = \"\"", "actorhttp.host")]
    [InlineData("actorhttp.timeouts.keep-alive = -1s", "actorhttp.timeouts.keep-alive")]
    [InlineData("actorhttp.timeouts.request-header = soon", "actorhttp.timeouts.request-header")]
    [InlineData("actorhttp.shutdown-timeout = -5s", "actorhttp.shutdown-timeout")]
    [InlineData("actorhttp.shutdown-unbind-delay = -5s", "actorhttp.shutdown-unbind-delay")]
    [InlineData("actorhttp.shutdown-unbind-delay = 2d", "actorhttp.shutdown-unbind-delay")]
    [InlineData("actorhttp.sleep-delay = forever", "actorhttp.sleep-delay")]
    [InlineData("actorhttp.max-connections = 0", "actorhttp.max-connections")]
    [InlineData("actorhttp.max-pipelined-requests = 0", "actorhttp.max-pipelined-requests")]
    [InlineData("actorhttp.limits.max-request-line = 4", "actorhttp.limits.max-request-line")]
    [InlineData("actorhttp.limits.max-header-bytes = lots", "actorhttp.limits.max-header-bytes")]
    [InlineData("actorhttp.limits.max-header-count = 0", "actorhttp.limits.max-header-count")]
    [InlineData("actorhttp.limits.max-body = 3g", "actorhttp.limits.max-body")]
    [InlineData("actorhttp.connection-dispatcher = \"no.such.dispatcher\"", "actorhttp.connection-dispatcher")]
    [InlineData("actorhttp.routes = [ { method = GET, path = \"no-slash\", handler = echo } ]", "actorhttp.routes[0].path")]
    [InlineData("actorhttp.routes = [ { method = GET, path = \"/x\" } ]", "actorhttp.routes[0].handler")]
    [InlineData("actorhttp.root = \"\"", "actorhttp.root")]
    [InlineData("actorhttp.root = \"www\\u0000\"", "actorhttp.root")]
    [InlineData("actorhttp.root = { a = 1 }", "actorhttp.root")]
    [InlineData("actorhttp.limits = 3", "actorhttp.limits")]
    [InlineData("actorhttp.connection-dispatcher = \"actorhttp.port\"", "actorhttp.connection-dispatcher")]
    [InlineData("akka.io.tcp.receive-buffer-size = 3g", "akka.io.tcp.receive-buffer-size")]
    public void An_invalid_value_is_rejected_with_a_message_naming_the_key(string hocon, string key)
    {
        var error = Assert.Throws<SettingsException>(() => Create(hocon));

        Assert.StartsWith(key + ":", error.Message);
    }

    [Theory]
    [InlineData("128k", "128k", "128k", true)]
    [InlineData("128k", "256k", "128k", true)]
    [InlineData("4k", "8k", "8k", true)]
    [InlineData("128k", "127k", "256k", false)]
    [InlineData("128k", "256k", "127k", false)]
    public void The_akka_io_buffer_sizes_are_held_to_what_Akka_IO_itself_requires(string frame, string send, string receive, bool accepted)
    {
        var config = ConfigurationFactory.ParseString($$"""
            akka.io.tcp { maximum-frame-size = {{frame}}, send-buffer-size = {{send}}, receive-buffer-size = {{receive}} }
            """).WithFallback(ServerSettings.Reference);

        var akkaRefuses = Record.Exception(() => Akka.IO.TcpSettings.Create(config.WithFallback(ConfigurationFactory.Default()).GetConfig("akka.io.tcp")));
        var oursRefuses = Record.Exception(() => ServerSettings.Create(config));

        Assert.Equal(accepted, akkaRefuses is null);
        Assert.Equal(accepted, oursRefuses is null);
        if (!accepted) Assert.Matches("^akka\\.io\\.tcp\\.(send|receive)-buffer-size: ", oursRefuses!.Message);
    }

    [Fact]
    public void A_connection_dispatcher_defined_in_the_configuration_is_accepted()
    {
        var settings = Create("""
            actorhttp.connection-dispatcher = "my-dispatcher"
            my-dispatcher { type = Dispatcher, throughput = 5 }
            """);

        Assert.Equal("my-dispatcher", settings.ConnectionDispatcher);
    }

    [Fact]
    public void A_misspelt_key_under_actorhttp_is_reported_as_unknown()
    {
        var config = ConfigurationFactory.ParseString("""
            actorhttp.sleep-dealy = 1s
            actorhttp.limits.max-bodyy = 1m
            actorhttp.metrics.paht = "/metrics"
            """).WithFallback(ServerSettings.Reference);

        Assert.Equal(
            new[] { "actorhttp.limits.max-bodyy", "actorhttp.metrics.paht", "actorhttp.sleep-dealy" },
            ServerSettings.UnknownKeys(config).Order());
    }

    [Fact]
    public void Known_keys_content_types_entries_and_dispatcher_definitions_are_not_reported()
    {
        var config = ConfigurationFactory.ParseString("""
            actorhttp {
              sleep-delay = 1s
              limits.max-body = 1m
              files.small-file-limit = 1k
              metrics.path = "/metrics"
              content-types { ".mjs" = "text/javascript", ".wasm" = "application/wasm" }
              connection-dispatcher = "actorhttp.my-dispatcher"
              my-dispatcher { type = Dispatcher, throughput = 5 }
            }
            """).WithFallback(ServerSettings.Reference);

        Assert.Empty(ServerSettings.UnknownKeys(config));
    }

    [Fact]
    public void The_reference_itself_has_no_unknown_keys() =>
        Assert.Empty(ServerSettings.UnknownKeys(ServerSettings.Reference));

    [Fact]
    public void Every_key_of_the_embedded_reference_actorhttp_section_has_a_comment_directly_above_it()
    {
        var keys = ReferenceText.KeysOfSection(ReferenceText.Read(), "actorhttp");

        Assert.Contains(keys, k => k.Line == "port = 7878");
        Assert.Contains(keys, k => k.Line == "max-body = 30000000");
        Assert.All(keys, k => Assert.True(k.Above.StartsWith('#'), $"No comment directly above: {k.Line}"));
    }
}

/// <summary>The source text of the embedded reference.conf, and the key lines of one of its top-level sections.</summary>
internal static class ReferenceText
{
    public static string Read()
    {
        using var stream = typeof(ServerSettings).Assembly.GetManifestResourceStream("ActorHttp.reference.conf")
            ?? throw new InvalidOperationException("ActorHttp.reference.conf is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Every line inside <c>section { ... }</c> that sets a key (<c>key = value</c>, <c>key {</c>, <c>key = [</c>),
    /// with the line right above it. Lines inside a list value are elements, not keys, and are skipped.
    /// </summary>
    public static IReadOnlyList<(string Line, string Above)> KeysOfSection(string hocon, string section)
    {
        var keys = new List<(string, string)>();
        var lines = hocon.Split('\n').Select(l => l.Trim()).ToArray();
        var start = Array.FindIndex(lines, l => l == section + " {");
        if (start < 0) throw new InvalidOperationException($"No \"{section} {{\" line");
        var braces = 1;
        var brackets = 0;
        for (var i = start + 1; i < lines.Length && braces > 0; i++)
        {
            var line = lines[i];
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var isKey = brackets == 0 && (line.Contains('=') || line.EndsWith('{'));
            if (isKey) keys.Add((line, lines[i - 1]));
            braces += line.Count(c => c == '{') - line.Count(c => c == '}');
            brackets += line.Count(c => c == '[') - line.Count(c => c == ']');
        }
        return keys;
    }
}
