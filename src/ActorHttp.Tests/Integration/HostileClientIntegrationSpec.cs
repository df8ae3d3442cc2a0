using System.Net.Sockets;
using System.Text;
using Akka.Actor;
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

    [Fact]
    public async Task A_client_pipelining_large_bodies_and_reading_nothing_is_read_no_further_than_the_budget_then_cut()
    {
        // The handler holds each request until the spec answers it, so the requests read are exactly those it gets.
        var handler = CreateTestProbe();
        var routes = new RouteBuilder().Post("/upload", handler.Ref).Build();
        await using var server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root, $$"""
            actorhttp.limits.max-body = {{BodyBytes}}
            actorhttp.limits.max-pipelined-body-bytes = 1m
            actorhttp.limits.min-response-rate { bytes-per-second = 65536, grace-period = 1s }
            """), routes);
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

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _www.Dispose();
    }
}
