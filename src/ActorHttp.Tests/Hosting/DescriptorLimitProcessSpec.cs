using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Hosting;

/// <summary>
/// The real host under a low RLIMIT_NOFILE, flooded with three times as many sockets as it may open: it must
/// keep serving the connections it has and serve new ones once the flood is gone (it used to run out of
/// descriptors and abort with "Out of memory.").
/// </summary>
public sealed class DescriptorLimitProcessSpec : IDisposable
{
    private const int DescriptorLimit = 256;
    private const int FloodSockets = 3 * DescriptorLimit;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly TestWww _www = new();

    public void Dispose() => _www.Dispose();

    [Fact]
    public async Task Under_a_low_descriptor_limit_a_flood_of_connections_leaves_the_host_serving_and_it_recovers_when_the_flood_closes()
    {
        using var host = await HostProcess.StartWithDescriptorLimitAsync(DescriptorLimit, _www.Root,
            "--port", "0", "--root", _www.Root, "--set", "actorhttp.access-log=off",
            // Flood sockets that got a connection and send nothing are closed after a second.
            "--set", "actorhttp.timeouts.request-header=1s");
        using var first = RawClient.Connect(host.Port);
        first.Send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, first.ReadResponse().Status);

        var flood = await OpenAsync(host.Port, FloodSockets);
        try
        {
            Assert.True(flood.Count > DescriptorLimit, $"only {flood.Count} flood sockets connected");
            // The server has been through the flood's first wave once it has closed one of its sockets: reset
            // past the cap and the over-capacity sockets, timed out after a second or two otherwise. (A server
            // out of descriptors died here, and its sockets closed with it.)
            await AwaitAnyClosedByServerAsync(flood);

            Assert.False(host.HasExited, $"the host died under the flood. stderr ends:\n{Tail(host.ErrorText)}");
            first.Send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.Equal(200, first.ReadResponse().Status);
        }
        finally
        {
            foreach (var socket in flood) socket.Dispose();
        }

        Assert.True(await NewConnectionGets200Async(host.Port), $"no 200 for a new connection within {Bound}. stderr ends:\n{Tail(host.ErrorText)}");
        // Surviving is luck if the server ran out of descriptors: the runtime aborts as soon as it starts a thread
        // then. Akka.IO logs each accept that failed with EMFILE.
        Assert.False(host.ErrorText.Contains("TooManyOpenSockets"), "the server ran out of descriptors (EMFILE on accept)");
        Assert.Contains(host.ErrorText.Split('\n'), l => l.StartsWith("max-connections: 20000 lowered to ", StringComparison.Ordinal)
            && l.EndsWith($" (RLIMIT_NOFILE {DescriptorLimit})", StringComparison.Ordinal));
    }

    /// <summary>Connects <paramref name="count"/> sockets at once; returns those connected within the bound.</summary>
    private static async Task<List<Socket>> OpenAsync(int port, int count)
    {
        using var deadline = new CancellationTokenSource(Bound);
        var connects = Enumerable.Range(0, count).Select(async _ =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), deadline.Token);
                return socket;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                socket.Dispose();
                return null;
            }
        });
        return (await Task.WhenAll(connects)).OfType<Socket>().ToList();
    }

    /// <summary>Returns once the server has closed or reset one of the sockets; fails after the bound.</summary>
    private static async Task AwaitAnyClosedByServerAsync(IReadOnlyList<Socket> sockets)
    {
        using var timeout = new CancellationTokenSource(Bound);
        var closed = new TaskCompletionSource();
        foreach (var socket in sockets) _ = AwaitClosed(socket);
        try
        {
            await closed.Task.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the server closed none of the {sockets.Count} flood sockets within {Bound}");
        }

        async Task AwaitClosed(Socket socket)
        {
            var buffer = new byte[512];
            try
            {
                while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0) { }
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset) { }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            closed.TrySetResult();
        }
    }

    private static string Tail(string text) => string.Join("\n", text.Split('\n').TakeLast(5));

    /// <summary>
    /// Polls with new connections until one gets 200: until the server has seen the flood's connections
    /// close, a new one is over the cap (503) or reset.
    /// </summary>
    private static async Task<bool> NewConnectionGets200Async(int port)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Bound)
        {
            try
            {
                using var client = RawClient.Connect(port);
                client.Send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
                if (client.ReadResponse().Status == 200) return true;
            }
            catch (Exception e) when (e is SocketException or IOException or EndOfStreamException) { }
            await Task.Delay(50);
        }
        return false;
    }
}
