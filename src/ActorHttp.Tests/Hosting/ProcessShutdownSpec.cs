using System.Diagnostics;
using System.Net.Sockets;
using ActorHttp.Tests.Support;
using ActorHttp.Hosting;

namespace ActorHttp.Tests.Hosting;

/// <summary>
/// The real host process stopped by a signal. Each case is its own class so xunit runs them side by side:
/// most of their time is spent waiting on the child process.
/// </summary>
public abstract class ProcessShutdownSpec : IDisposable
{
    protected static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Long enough that the signal's drain reaches the connection before the sleep ends, with a wide margin
    /// for a busy machine (the drain usually arrives within tens of milliseconds).
    /// </summary>
    protected const string InFlightSleep = "actorhttp.sleep-delay=2s";

    protected readonly TestWww Www = new();

    /// <summary>
    /// Printed once the server has stopped accepting: CoordinatedShutdown moves on to the drain phase only
    /// after the stop-accepting task of <c>service-unbind</c> has completed. Needs <c>akka.loglevel=DEBUG</c>.
    /// </summary>
    protected const string DrainPhaseStarted = "Performing phase [service-requests-done]";

    protected Task<HostProcess> StartHost(params string[] sets) => StartHost(debug: true, sets);

    protected Task<HostProcess> StartHost(bool debug, params string[] sets)
    {
        var args = new List<string> { "--port", "0", "--root", Www.Root, "--set", "actorhttp.access-log=off" };
        if (debug) args.AddRange(new[] { "--set", "akka.loglevel=DEBUG" });
        foreach (var set in sets) args.AddRange(new[] { "--set", set });
        // The web root as working directory: no hocon/actorhttp.conf there, so only the built-in defaults apply.
        return HostProcess.StartAsync(Www.Root, args.ToArray());
    }

    /// <summary>
    /// A connection with a GET /sleep in flight. The sleep is pipelined behind a GET / in one write, so once
    /// the first response is read the server has parsed both and the sleep's timer is running.
    /// </summary>
    protected static RawClient StartSleep(int port)
    {
        var client = RawClient.Connect(port);
        client.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /sleep HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, client.ReadResponse().Status);
        return client;
    }

    /// <summary>What a new connection gets: a status code, or null when it is refused, closed or reset unanswered.</summary>
    protected static int? StatusForNewConnection(int port)
    {
        try
        {
            using var client = RawClient.Connect(port);
            client.Send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            return client.ReadResponse().Status;
        }
        catch (Exception e) when (e is SocketException or IOException or EndOfStreamException)
        {
            return null;
        }
    }

    public void Dispose() => Www.Dispose();
}

public sealed class SigtermShutdownSpec : ProcessShutdownSpec
{
    [Fact]
    public async Task On_SIGTERM_a_sleep_in_flight_completes_new_connections_get_no_200_and_the_host_exits_0()
    {
        using var host = await StartHost(InFlightSleep);
        using var sleeper = StartSleep(host.Port);

        host.Signal(HostProcess.SIGTERM);
        await host.WaitForErrorLineAsync(l => l.Contains(DrainPhaseStarted), ExitBound);

        Assert.NotEqual(200, StatusForNewConnection(host.Port));
        var sleep = sleeper.ReadResponse();
        Assert.Equal(200, sleep.Status);
        Assert.Equal(TestWww.Hello, sleep.BodyText);
        Assert.True(sleep.ClosesConnection, "the last response before shutdown says Connection: close");
        Assert.True(sleeper.IsClosedByServer());
        Assert.Equal(0, await host.WaitForExitAsync(ExitBound));
    }

    [Fact]
    public async Task On_SIGTERM_an_idle_host_exits_0_and_releases_its_port()
    {
        using var host = await StartHost();

        host.Signal(HostProcess.SIGTERM);

        Assert.Equal(0, await host.WaitForExitAsync(ExitBound));
        Assert.Null(StatusForNewConnection(host.Port));
    }
}

public sealed class SigintShutdownSpec : ProcessShutdownSpec
{
    [Fact]
    public async Task On_SIGINT_the_host_shuts_down_gracefully_and_exits_0()
    {
        using var host = await StartHost(InFlightSleep);
        using var sleeper = StartSleep(host.Port);

        host.Signal(HostProcess.SIGINT);

        var sleep = sleeper.ReadResponse();
        Assert.Equal(200, sleep.Status);
        Assert.True(sleep.ClosesConnection);
        Assert.Equal(0, await host.WaitForExitAsync(ExitBound));
    }
}

public sealed class ShutdownTimeoutSpec : ProcessShutdownSpec
{
    [Fact]
    public async Task A_sleep_longer_than_the_shutdown_timeout_does_not_hold_the_process()
    {
        using var host = await StartHost("actorhttp.shutdown-timeout=1s", "actorhttp.sleep-delay=30s");
        using var sleeper = StartSleep(host.Port);
        var clock = Stopwatch.StartNew();

        host.Signal(HostProcess.SIGTERM);
        var exitCode = await host.WaitForExitAsync(ExitBound);

        Assert.Equal(0, exitCode);
        // The sleep is given the 1 s shutdown timeout, then cut off: up to 2 s for aborted connections to go,
        // then the actor system's own stop.
        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(0.8), $"exited {clock.Elapsed} after SIGTERM, before the shutdown timeout");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"exited {clock.Elapsed} after SIGTERM");
        Assert.Empty(ReadUntilClosed(sleeper));
    }

    /// <summary>Whatever arrives before the server closes or resets the connection.</summary>
    private static byte[] ReadUntilClosed(RawClient client)
    {
        try
        {
            return client.ReadToEnd();
        }
        catch (IOException)
        {
            return Array.Empty<byte>(); // reset: nothing more was sent
        }
    }
}

public sealed class UnbindDelayShutdownSpec : ProcessShutdownSpec
{
    [Fact]
    public async Task A_client_that_connects_while_the_port_is_held_and_sends_nothing_does_not_hold_the_process()
    {
        // A shutdown timeout far past the exit bound: waiting on the silent client as on a connection would show.
        using var host = await StartHost("actorhttp.shutdown-unbind-delay=1s", "actorhttp.shutdown-timeout=60s");

        host.Signal(HostProcess.SIGTERM);
        await host.WaitForErrorLineAsync(l => l.Contains(DrainPhaseStarted), ExitBound);
        using var silent = RawClient.Connect(host.Port);

        Assert.Equal(0, await host.WaitForExitAsync(ExitBound));
        Assert.True(silent.IsClosedByServer());
    }
}

public sealed class HostOutputSpec : ProcessShutdownSpec
{
    [Fact]
    public async Task The_host_warns_about_a_misspelt_setting_and_keeps_stdout_for_the_listening_line_alone()
    {
        using var host = await StartHost(debug: false, "actorhttp.sleep-dealy=1s");

        await host.WaitForErrorLineAsync(l => l == "warning: unknown setting actorhttp.sleep-dealy is ignored", ExitBound);
        await host.WaitForErrorLineAsync(l => l == "root: " + Www.Root, ExitBound);
        await host.WaitForErrorLineAsync(l => l == "profile: built-in defaults", ExitBound);
        await host.WaitForErrorLineAsync(l => l == "dispatcher: akka.actor.default-dispatcher", ExitBound);
        // The project file's GC settings reached the runtime (a misspelt MSBuild property once left it on workstation GC).
        await host.WaitForErrorLineAsync(l => l == "gc: server, gen-0 budget cap 8388608", ExitBound);
        // The shared array pool took the host's size: Akka.IO's 128 KiB receive buffers are reused, not reallocated.
        await host.WaitForErrorLineAsync(l => l == $"array pool: {ArrayPoolTuning.ArraysPerCore} arrays per size per core", ExitBound);
        host.Signal(HostProcess.SIGTERM);

        Assert.Equal(0, await host.WaitForExitAsync(ExitBound));
        Assert.Empty(host.UnreadOutputLines());
    }
}
