using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Akka.TestKit;
using ActorHttp.Actors;
using ActorHttp.Http;
using ActorHttp.Routing;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Integration;

/// <summary>
/// Clients that stop reading, over real sockets: the server stops reading a pipeline of large bodies once the
/// bodies in flight pass the budget (so memory per connection has a ceiling), cuts the client once a write is
/// overdue at the minimum response rate, and serves everyone else meanwhile.
/// </summary>
public sealed class HostileClientIntegrationSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly TestWww _www = new();

    private const int BodyBytes = 2 * 1024 * 1024;

    /// <summary>
    /// A server with 2 MiB bodies and a 1 MiB pipelining budget whose POST /upload goes to a probe that holds each
    /// request until the spec answers it, so the requests the server read are exactly those the probe got.
    /// </summary>
    private async Task<(TestServer Server, TestProbe Handler)> StartWithHoldingHandler(string hocon = "")
    {
        var handler = CreateTestProbe();
        var routes = new RouteBuilder().Post("/upload", handler.Ref).Build();
        var server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root,
            $"actorhttp.limits.max-body = {BodyBytes}\nactorhttp.limits.max-pipelined-body-bytes = 1m\n{hocon}"), routes);
        return (server, handler);
    }

    [Fact]
    public async Task A_client_pipelining_large_bodies_and_reading_nothing_is_read_no_further_than_the_budget_then_cut()
    {
        var (server, handler) = await StartWithHoldingHandler("actorhttp.limits.min-response-rate { bytes-per-second = 65536, grace-period = 1s }");
        await using var _ = server;
        using var good = server.Connect();

        // A small receive buffer on the client, so a large answer stalls in the kernels soon.
        using var hostile = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            ReceiveBufferSize = 4096,
            SendTimeout = 5000,
        };
        hostile.Connect("127.0.0.1", server.Port);
        var request = Encoding.Latin1.GetBytes($"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: {BodyBytes}\r\n\r\n")
            .Concat(new byte[BodyBytes]).ToArray();
        // Ten pipelined 2 MiB requests (fewer than max-pipelined-requests), never reading a response.
        var sending = Task.Run(() =>
        {
            try
            {
                for (var i = 0; i < 10; i++) hostile.Send(request);
            }
            catch (SocketException)
            {
                // The send timed out (the server stopped reading) or was reset (the server cut the connection).
            }
        });

        // The first request holds 2 MiB of body, past the 1 MiB budget: no other request is read while it is unanswered.
        handler.ExpectMsg<HttpRequest>(r => Assert.Equal(BodyBytes, r.Body.Length), TimeSpan.FromSeconds(15));
        var first = handler.LastSender;
        handler.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        good.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, good.ReadResponse().Status);

        // An answer larger than the kernels' buffers: the client reads none of it, a write is overdue within about a
        // second at 64 KiB/s, and the connection is cut while the good one stays.
        first.Tell(HttpResponse.Bytes(200, new byte[16 * 1024 * 1024], "application/octet-stream"), handler.Ref);
        await AwaitAssertAsync(async () =>
            Assert.Equal(1, await server.Binding.Listener.Ask<int>(ListenerProtocol.GetOpenConnections.Instance, TimeSpan.FromSeconds(3))),
            TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(100));
        await sending.WaitAsync(TimeSpan.FromSeconds(15));
        good.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, good.ReadResponse().Status);
    }

    [Fact]
    public async Task A_client_sending_faster_than_it_is_served_waits_in_the_kernel_not_in_the_servers_memory()
    {
        // A request whose handler holds it, then far more bytes than any buffer, sent as fast as the socket takes
        // them. The server reads a frame only when it can use one (Akka.IO pull mode): past the request it holds,
        // the rest stays in the kernels' queues, where /proc/net/tcp shows it.
        var (server, handler) = await StartWithHoldingHandler();
        await using var _ = server;
        using var hostile = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { SendTimeout = 2000 };
        hostile.Connect("127.0.0.1", server.Port);
        var head = Encoding.Latin1.GetBytes($"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: {BodyBytes}\r\n\r\n");
        long sent = 0;
        var sending = Task.Run(() =>
        {
            try
            {
                sent += hostile.Send(head);
                var chunk = new byte[64 * 1024];
                for (var i = 0; i < 512; i++) sent += hostile.Send(chunk); // 32 MiB: the body, then junk
            }
            catch (SocketException)
            {
                // The send timed out: the kernels' queues are full and the server reads no more.
            }
        });

        handler.ExpectMsg<HttpRequest>(TimeSpan.FromSeconds(15));
        await sending.WaitAsync(TimeSpan.FromSeconds(60));

        var clientPort = ((System.Net.IPEndPoint)hostile.LocalEndPoint!).Port;
        var queued = TcpQueues.Bytes(server.Port, clientPort) + TcpQueues.Bytes(clientPort, server.Port);
        var taken = sent - queued;
        // The held request's head and body, and at most a frame or two read ahead of it: the rest waits in the kernels.
        Assert.True(taken < BodyBytes + 512 * 1024, $"the server took {taken} bytes ({sent} sent, {queued} still queued in the kernels)");
        Assert.True(sent > BodyBytes + 1024 * 1024, $"only {sent} bytes could be sent: the spec shows nothing");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _www.Dispose();
    }
}

/// <summary>The bytes the kernel holds for one loopback TCP socket, from /proc/net/tcp (Linux).</summary>
internal static class TcpQueues
{
    /// <summary>Send queue plus receive queue of the socket bound to <paramref name="localPort"/> and connected to <paramref name="remotePort"/>.</summary>
    public static long Bytes(int localPort, int remotePort)
    {
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (Port(fields[1]) != localPort || Port(fields[2]) != remotePort) continue;
            var queues = fields[4].Split(':');
            return Convert.ToInt64(queues[0], 16) + Convert.ToInt64(queues[1], 16);
        }
        throw new InvalidOperationException($"no socket {localPort} -> {remotePort} in /proc/net/tcp");
    }

    private static int Port(string address) => Convert.ToInt32(address[(address.IndexOf(':') + 1)..], 16);
}
