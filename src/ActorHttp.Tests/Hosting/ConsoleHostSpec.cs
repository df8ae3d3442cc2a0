using System.Net;
using System.Net.Sockets;
using ActorHttp.Hosting;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Hosting;

/// <summary>
/// Specs that replace <see cref="Console.Out"/> and <see cref="Console.Error"/>: they belong to this collection,
/// which xunit runs on its own, after the parallel ones, so no other test writes into the captured text.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console capture";
}

/// <summary>The <c>actorhttp</c> command line run in-process: exit codes and what it prints, for the cases that end without serving.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleHostSpec : IDisposable
{
    private readonly TestWww _www = new();

    public void Dispose() => _www.Dispose();

    /// <summary>What one run of the host printed and returned.</summary>
    private sealed record Run(int ExitCode, string Out, string Error)
    {
        public IReadOnlyList<string> ErrorLines => Lines(Error);

        private static IReadOnlyList<string> Lines(string text) =>
            text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static async Task<Run> RunHost(params string[] args)
    {
        var (oldOut, oldError) = (Console.Out, Console.Error);
        var (output, error) = (new StringWriter(), new StringWriter());
        Console.SetOut(TextWriter.Synchronized(output));
        Console.SetError(TextWriter.Synchronized(error));
        try
        {
            var exitCode = await ConsoleHost.RunAsync(args).WaitAsync(TimeSpan.FromSeconds(20));
            return new Run(exitCode, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }

    [Fact]
    public async Task A_port_that_is_not_a_number_exits_2_with_one_line_on_stderr()
    {
        var run = await RunHost("--port", "abc", "--root", _www.Root);

        Assert.Equal(ConsoleHost.ExitConfigError, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error:", line);
        Assert.Contains("abc", line);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task A_cluster_node_whose_remoting_port_is_taken_exits_3_naming_the_key()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var run = await RunHost("--port", "0", "--root", _www.Root, "--set", "actorhttp.cluster.enabled=on",
            "--set", $"actorhttp.cluster.port={port}", "--set", "actorhttp.access-log=off");

        Assert.Equal(ConsoleHost.ExitBindError, run.ExitCode);
        // One line, as for any bad setting: none of Akka's remoting start-up and shut-down lines.
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith($"error: actorhttp.cluster.port: cannot bind 127.0.0.1:{port} for remoting: ", line);
    }

    [Fact]
    public async Task An_unknown_option_exits_2_with_one_line_on_stderr()
    {
        var run = await RunHost("--prot", "8080");

        Assert.Equal(ConsoleHost.ExitConfigError, run.ExitCode);
        Assert.StartsWith("error:", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task A_malformed_config_file_exits_2_naming_the_file()
    {
        var file = _www.Write("broken.conf", "actorhttp { port = 80, , }"u8.ToArray());

        var run = await RunHost("--config", file, "--root", _www.Root);

        Assert.Equal(ConsoleHost.ExitConfigError, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error:", line);
        Assert.Contains(file, line);
    }

    [Fact]
    public async Task A_missing_config_file_exits_2()
    {
        var run = await RunHost("--config", Path.Combine(_www.Root, "absent.conf"), "--root", _www.Root);

        Assert.Equal(ConsoleHost.ExitConfigError, run.ExitCode);
        Assert.Contains("absent.conf", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task An_out_of_range_set_value_exits_2_naming_the_key()
    {
        var run = await RunHost("--root", _www.Root, "--set", "actorhttp.max-connections=0");

        Assert.Equal(ConsoleHost.ExitConfigError, run.ExitCode);
        Assert.StartsWith("error: actorhttp.max-connections:", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task A_root_folder_that_does_not_exist_exits_2_naming_actorhttp_root()
    {
        var missing = Path.Combine(_www.Root, "no-such-folder");

        var run = await RunHost("--port", "0", "--root", missing);

        Assert.Equal(ConsoleHost.ExitConfigError, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: actorhttp.root:", line);
        Assert.Contains(missing, line);
    }

    [Fact]
    public async Task Print_config_exits_0_and_prints_both_sections_with_the_set_values()
    {
        var run = await RunHost("--print-config", "--root", _www.Root, "--set", "actorhttp.sleep-delay=1234ms",
            "--set", "akka.loglevel=DEBUG");

        Assert.Equal(ConsoleHost.ExitOk, run.ExitCode);
        Assert.Contains("actorhttp", run.Out);
        Assert.Contains("akka", run.Out);
        Assert.Contains("1234ms", run.Out);
        Assert.Contains("DEBUG", run.Out);
        Assert.Contains("max-connections", run.Out);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task Print_config_shows_what_the_actor_system_starts_with_a_node_s_settings_and_the_shutdown_phases()
    {
        var run = await RunHost("--print-config", "--root", _www.Root, "--set", "actorhttp.cluster.enabled=on",
            "--set", "actorhttp.cluster.port=4999", "--set", "actorhttp.shutdown-timeout=7s");

        Assert.Equal(ConsoleHost.ExitOk, run.ExitCode);
        Assert.Matches(@"provider = cluster", run.Out);
        Assert.Matches(@"state-store-mode = ddata", run.Out);
        Assert.Matches(@"port = 4999", run.Out);
        Assert.Matches(@"service-requests-done \{[^}]*timeout = 9000ms", run.Out);
    }

    [Fact]
    public async Task Print_config_does_not_need_the_root_folder_to_exist()
    {
        var run = await RunHost("--print-config", "--root", Path.Combine(_www.Root, "not-yet"));

        Assert.Equal(ConsoleHost.ExitOk, run.ExitCode);
        Assert.Contains("not-yet", run.Out);
    }

    [Fact]
    public async Task A_port_already_taken_exits_3_with_an_error_line_naming_the_address()
    {
        var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            var port = ((IPEndPoint)taken.LocalEndpoint).Port;

            var run = await RunHost("--port", port.ToString(), "--root", _www.Root,
                "--set", "actorhttp.access-log=off", "--set", "akka.loglevel=ERROR");

            Assert.Equal(ConsoleHost.ExitBindError, run.ExitCode);
            Assert.Contains(run.ErrorLines, l => l.StartsWith("error:") && l.Contains($"http://127.0.0.1:{port}"));
            Assert.DoesNotContain("Listening on", run.Out);
        }
        finally
        {
            taken.Stop();
        }
    }

    [Theory]
    [InlineData("actorhttp=5", "actorhttp")]
    [InlineData("actorhttp.host=[1]", "actorhttp.host")]
    [InlineData("actorhttp.sleep-delay=-1", "actorhttp.sleep-delay")]
    [InlineData("actorhttp.sleep-delay=2d", "actorhttp.sleep-delay")]
    [InlineData("actorhttp.connection-dispatcher=actorhttp.port", "actorhttp.connection-dispatcher")]
    [InlineData("actorhttp.connection-dispatcher=\"no such dispatcher\"", "actorhttp.connection-dispatcher")]
    [InlineData("actorhttp.max-connections=abc", "actorhttp.max-connections")]
    [InlineData("actorhttp.backlog=0", "actorhttp.backlog")]
    [InlineData("actorhttp.max-pipelined-requests=2147483648", "actorhttp.max-pipelined-requests")]
    [InlineData("actorhttp.index-files=index.html", "actorhttp.index-files")]
    [InlineData("actorhttp.index-files=[\"../secret.html\"]", "actorhttp.index-files")]
    [InlineData("actorhttp.index-files=[\"a/b.html\"]", "actorhttp.index-files")]
    [InlineData("actorhttp.index-files=[[1]]", "actorhttp.index-files[0]")]
    [InlineData("actorhttp.content-types=5", "actorhttp.content-types")]
    [InlineData("actorhttp.content-types { \".x\" = nonsense }", "actorhttp.content-types.\".x\"")]
    [InlineData("actorhttp.content-types { \".x\" = \"text/plain\\r\\nX-Injected: 1\" }", "actorhttp.content-types.\".x\"")]
    [InlineData("actorhttp.content-types { \".x\" = \"text/plain; charset\" }", "actorhttp.content-types.\".x\"")]
    [InlineData("actorhttp.content-types { \".x\" = [1] }", "actorhttp.content-types.\".x\"")]
    [InlineData("actorhttp.content-types { \"tar.gz\" = \"application/gzip\" }", "actorhttp.content-types.\"tar.gz\"")]
    [InlineData("actorhttp.files=3", "actorhttp.files")]
    [InlineData("actorhttp.files.small-file-limit=-1", "actorhttp.files.small-file-limit")]
    [InlineData("actorhttp.files.cache-max-bytes=-1", "actorhttp.files.cache-max-bytes")]
    [InlineData("actorhttp.files.cache-max-bytes=lots", "actorhttp.files.cache-max-bytes")]
    [InlineData("actorhttp.not-found-page=\"../outside.html\"", "actorhttp.not-found-page")]
    [InlineData("actorhttp.not-found-page=\"\"", "actorhttp.not-found-page")]
    [InlineData("actorhttp.hello-page=\"/etc/passwd\"", "actorhttp.hello-page")]
    [InlineData("actorhttp.hello-page=\"a/../../x.html\"", "actorhttp.hello-page")]
    [InlineData("actorhttp.limits=3", "actorhttp.limits")]
    [InlineData("actorhttp.limits.max-header-bytes=3g", "actorhttp.limits.max-header-bytes")]
    [InlineData("actorhttp.limits.max-header-count=-1", "actorhttp.limits.max-header-count")]
    [InlineData("actorhttp.limits.max-body=-1", "actorhttp.limits.max-body")]
    [InlineData("actorhttp.timeouts.request-header=0s", "actorhttp.timeouts.request-header")]
    [InlineData("actorhttp.timeouts.keep-alive=2d", "actorhttp.timeouts.keep-alive")]
    [InlineData("actorhttp.timeouts.handler=soon", "actorhttp.timeouts.handler")]
    [InlineData("actorhttp.shutdown-timeout=30d", "actorhttp.shutdown-timeout")]
    [InlineData("actorhttp.routes=5", "actorhttp.routes")]
    [InlineData("actorhttp.routes=[5]", "actorhttp.routes[0]")]
    [InlineData("actorhttp.routes=[{ method = \"GE T\", path = \"/x\", handler = echo }]", "actorhttp.routes[0].method")]
    [InlineData("actorhttp.routes=[{ method = GET, path = \"/users/{id\", handler = echo }]", "actorhttp.routes[0].path")]
    [InlineData("actorhttp.routes=[{ method = GET, path = \"/a b\", handler = echo }]", "actorhttp.routes[0].path")]
    [InlineData("actorhttp.routes=[{ method = GET, path = \"/x\", handler = NoSuchHandler }]", "actorhttp.routes[0].handler")]
    [InlineData("actorhttp.routes=[{ method = GET, path = \"/x\", handler = \"System.String\" }]", "actorhttp.routes[0].handler")]
    [InlineData("actorhttp.routes=[{ method = GET, path = \"/x\", handler = \"Akka.Actor.ActorBase, Akka\" }]", "actorhttp.routes[0].handler")]
    [InlineData("actorhttp.access-log=\"\"", "actorhttp.access-log")]
    [InlineData("actorhttp.access-log=\"/no/such/folder/access.log\"", "actorhttp.access-log")]
    [InlineData("actorhttp.access-log=\".\"", "actorhttp.access-log")]
    [InlineData("actorhttp.access-log-format=bogus", "actorhttp.access-log-format")]
    [InlineData("actorhttp.access-log-format=[1]", "actorhttp.access-log-format")]
    [InlineData("actorhttp.access-log-queue-size=0", "actorhttp.access-log-queue-size")]
    [InlineData("actorhttp.access-log-queue-size=abc", "actorhttp.access-log-queue-size")]
    [InlineData("actorhttp.access-log-batch-size=-1", "actorhttp.access-log-batch-size")]
    [InlineData("actorhttp.access-log-flush-interval=0s", "actorhttp.access-log-flush-interval")]
    [InlineData("actorhttp.access-log-flush-interval=2d", "actorhttp.access-log-flush-interval")]
    [InlineData("actorhttp.metrics=3", "actorhttp.metrics")]
    [InlineData("actorhttp.metrics.path=metrics", "actorhttp.metrics.path")]
    [InlineData("actorhttp.metrics.path=\"/*\"", "actorhttp.metrics.path")]
    [InlineData("actorhttp.metrics.path=\"/metrics?x=1\"", "actorhttp.metrics.path")]
    [InlineData("akka.io.tcp.maximum-frame-size=abc", "akka.io.tcp.maximum-frame-size")]
    [InlineData("akka.io.tcp.maximum-frame-size=-1", "akka.io.tcp.maximum-frame-size")]
    [InlineData("akka.loglevel=bogus", "akka")]
    public async Task A_bad_setting_exits_2_before_serving_with_one_line_naming_its_key(string set, string key)
    {
        var run = await RunHost("--port", "0", "--root", _www.Root, "--set", set);

        Assert.Equal(ConsoleHost.ExitConfigError, run.ExitCode);
        Assert.StartsWith($"error: {key}:", Assert.Single(run.ErrorLines));
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task A_root_with_a_line_break_in_its_name_is_still_reported_on_one_line()
    {
        var run = await RunHost("--port", "0", "--root", Path.Combine(_www.Root, "no\nsuch"));

        Assert.Equal(ConsoleHost.ExitConfigError, run.ExitCode);
        Assert.StartsWith("error: actorhttp.root:", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task Help_exits_0_and_lists_the_options()
    {
        var run = await RunHost("--help");

        Assert.Equal(ConsoleHost.ExitOk, run.ExitCode);
        foreach (var option in new[] { "--port", "--host", "--root", "--config", "--set", "--print-config" })
            Assert.Contains(option, run.Out);
    }

    [Fact]
    public async Task Help_names_the_command_actorhttp_and_the_built_in_profiles_config_selects()
    {
        var run = await RunHost("--help");

        Assert.Contains("actorhttp [options]", run.Out);

        foreach (var name in new[] { "dedicated", "low-footprint", "throughput" })
            Assert.Contains(name, run.Out);
    }
}
