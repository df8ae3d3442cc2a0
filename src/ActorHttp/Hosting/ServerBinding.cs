using System.Diagnostics;
using System.Net;
using Akka.Actor;
using ActorHttp.Actors;

namespace ActorHttp.Hosting;

/// <summary>
/// A running server: its real address and the ways to stop it. Returned by <see cref="HttpServer.StartAsync"/>.
/// </summary>
public sealed class ServerBinding
{
    internal ServerBinding(IPEndPoint localAddress, IActorRef listener, ServerContext context, Port? tls = null)
    {
        LocalAddress = localAddress;
        Listener = listener;
        Context = context;
        Tls = tls;
        _listeners = tls is null ? [listener] : [listener, tls.Listener];
    }

    /// <summary>A bound port beside the plain one: its address and its listener.</summary>
    public sealed record Port(IPEndPoint LocalAddress, IActorRef Listener);

    private readonly IActorRef[] _listeners;

    /// <summary>The HTTPS port, when <c>actorhttp.tls.port</c> is set; null otherwise.</summary>
    public Port? Tls { get; }

    /// <summary><c>https://host:port/</c> of the HTTPS port, or null when there is none.</summary>
    public Uri? TlsBaseAddress => Tls is { } tls ? new($"https://{FormatHost(tls.LocalAddress.Address)}:{tls.LocalAddress.Port}/") : null;

    /// <summary>The bound address, with the real port when port 0 was asked for.</summary>
    public IPEndPoint LocalAddress { get; }

    /// <summary><c>http://host:port/</c> of the bound address.</summary>
    public Uri BaseAddress => new($"http://{FormatHost(LocalAddress.Address)}:{LocalAddress.Port}/");

    /// <summary>The listener actor (for tests and tools that want to talk to it).</summary>
    public IActorRef Listener { get; }

    public ServerContext Context { get; }

    /// <summary>Formats an address for a URL: IPv6 in brackets.</summary>
    public static string FormatHost(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    /// <summary>
    /// Stops serving new connections (they get 503 and close); those open are told to finish what they
    /// have and close. The ports are released by <see cref="UnbindAsync"/>.
    /// </summary>
    public Task StopAcceptingAsync()
    {
        Interlocked.CompareExchange(ref _stoppedAcceptingAt, Stopwatch.GetTimestamp(), NotStopped);
        return Task.WhenAll(_listeners.Select(listener => AskQuietly<ListenerProtocol.AcceptingStopped>(listener, ListenerProtocol.StopAccepting.Instance)));
    }

    private const long NotStopped = -1;
    private long _stoppedAcceptingAt = NotStopped; // Stopwatch timestamp of the first StopAcceptingAsync

    /// <summary>
    /// Completes once <c>actorhttp.shutdown-unbind-delay</c> has passed since this server stopped accepting: until
    /// then the port stays bound and new connections get 503, which a balancer re-sends, instead of a reset.
    /// </summary>
    private async Task HoldPortAsync()
    {
        var since = Interlocked.Read(ref _stoppedAcceptingAt);
        if (since == NotStopped) since = Stopwatch.GetTimestamp();
        // Task.Delay counts whole milliseconds of a coarser clock and may end just short of the Stopwatch's figure:
        // what is left then is waited for again.
        var delay = Context.Settings.ShutdownUnbindDelay;
        TimeSpan left;
        while ((left = delay - Stopwatch.GetElapsedTime(since)) > TimeSpan.Zero)
            await Task.Delay(left + TimeSpan.FromMilliseconds(1));
    }

    /// <summary>Releases the ports. Connections still open are closed with them.</summary>
    public Task UnbindAsync() =>
        Task.WhenAll(_listeners.Select(listener => AskQuietly<ListenerProtocol.Unbound>(listener, ListenerProtocol.Unbind.Instance)));

    private static async Task AskQuietly<T>(IActorRef listener, object message)
    {
        try
        {
            await listener.Ask<T>(message, TimeSpan.FromSeconds(10));
        }
        catch (AskTimeoutException) { }
    }

    /// <summary>Completes once no connection is open on any port, or after the timeout (returns false then).</summary>
    public async Task<bool> WaitForConnectionsClosedAsync(TimeSpan timeout)
    {
        var closed = await Task.WhenAll(_listeners.Select(async listener =>
        {
            try
            {
                await listener.Ask<ListenerProtocol.AllConnectionsClosed>(ListenerProtocol.WatchConnections.Instance, timeout);
                return true;
            }
            catch (AskTimeoutException)
            {
                return false;
            }
        }));
        return closed.All(c => c);
    }

    private void AbortConnections()
    {
        foreach (var listener in _listeners) listener.Tell(ListenerProtocol.AbortConnections.Instance);
    }

    private readonly object _stopLock = new();
    private Task? _stop;

    /// <summary>
    /// Graceful stop: unbind, let requests in flight finish for up to <paramref name="timeout"/> (default
    /// <c>actorhttp.shutdown-timeout</c>), then close whatever is left, hold the port until
    /// <c>actorhttp.shutdown-unbind-delay</c> has passed since accepting stopped, and stop the listener. Calls after the
    /// first return the first call's task: asking the stopped listener again would only wait out the timeouts.
    /// </summary>
    public Task StopAsync(TimeSpan? timeout = null)
    {
        lock (_stopLock) return _stop ??= StopOnceAsync(timeout);
    }

    private async Task StopOnceAsync(TimeSpan? timeout)
    {
        await StopAcceptingAsync();
        if (!await WaitForConnectionsClosedAsync(timeout ?? Context.Settings.ShutdownTimeout))
        {
            AbortConnections();
            await WaitForConnectionsClosedAsync(TimeSpan.FromSeconds(2));
        }
        await HoldPortAsync();
        await UnbindAsync();
        await Task.WhenAll(_listeners.Select(listener => listener.GracefulStop(TimeSpan.FromSeconds(5))));
    }

    /// <summary>
    /// Stops this server as part of the actor system's CoordinatedShutdown (SIGTERM, Ctrl+C): stop accepting in
    /// <c>service-unbind</c>, wait for requests (and hold the port for <c>actorhttp.shutdown-unbind-delay</c>) in
    /// <c>service-requests-done</c>, close the rest and release
    /// the port in <c>service-stop</c>.
    /// </summary>
    public void AddToCoordinatedShutdown(CoordinatedShutdown shutdown)
    {
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "actorhttp-stop-accepting", async () =>
        {
            await StopAcceptingAsync();
            return Akka.Done.Instance;
        });
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "actorhttp-drain", async () =>
        {
            await Task.WhenAll(WaitForConnectionsClosedAsync(Context.Settings.ShutdownTimeout), HoldPortAsync());
            return Akka.Done.Instance;
        });
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "actorhttp-stop", async () =>
        {
            AbortConnections();
            await WaitForConnectionsClosedAsync(TimeSpan.FromSeconds(2));
            await UnbindAsync();
            return Akka.Done.Instance;
        });
    }
}
