using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using ActorHttp.Actors;
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

    [Fact]
    public async Task A_client_pipelining_large_bodies_and_reading_nothing_is_read_no_further_than_the_budget_then_cut()
    {
        await using var server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root, $$"""
            actorhttp.limits.max-body = {{BodyBytes}}
            actorhttp.limits.max-pipelined-body-bytes = 1m
            actorhttp.limits.min-response-rate { bytes-per-second = 65536, grace-period = 1s }
            """));
        using var good = server.Connect();

        // Small socket buffers on the client, so what the kernels absorb is small next to what the server reads.
        using var hostile = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            ReceiveBufferSize = 4096,
            SendBufferSize = 65536,
            SendTimeout = 3000,
        };
        hostile.Connect("127.0.0.1", server.Port);
        var request = Encoding.Latin1.GetBytes($"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: {BodyBytes}\r\n\r\n")
            .Concat(new byte[BodyBytes]).ToArray();

        // Ten pipelined 2 MiB requests (fewer than max-pipelined-requests), never reading a response.
        long sent = 0;
        try
        {
            for (var i = 0; i < 10; i++)
                for (var offset = 0; offset < request.Length; offset += 65536)
                    sent += hostile.Send(request, offset, Math.Min(65536, request.Length - offset), SocketFlags.None);
        }
        catch (SocketException)
        {
            // The send timed out (the server stopped reading) or was reset (the server cut the connection).
        }

        // One body in flight (2 MiB) plus the budget and the kernels' buffers: far from the 20 MiB sent otherwise.
        Assert.True(sent < 8 * 1024 * 1024, $"the server read {sent} bytes from a client that reads nothing");

        good.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, good.ReadResponse().Status);

        // The echo's write is overdue within about a second at 64 KiB/s: the hostile connection is cut, the good one stays.
        await AwaitAssertAsync(async () =>
            Assert.Equal(1, await server.Binding.Listener.Ask<int>(ListenerProtocol.GetOpenConnections.Instance, TimeSpan.FromSeconds(3))),
            TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(100));
        good.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, good.ReadResponse().Status);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _www.Dispose();
    }
}
