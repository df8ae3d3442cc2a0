using System.Net.Http;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Integration;

/// <summary>Abuse over real sockets: connection cap, slowloris, oversized requests.</summary>
public sealed class LimitsIntegrationSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly TestWww _www = new();

    [Fact]
    public async Task Connections_over_the_cap_get_503_while_those_under_it_are_served()
    {
        await using var server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root, "actorhttp.max-connections = 2"));
        using var first = server.Connect();
        using var second = server.Connect();
        first.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        second.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, first.ReadResponse().Status);
        Assert.Equal(200, second.ReadResponse().Status);

        using var third = server.Connect();
        third.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        var rejected = third.ReadResponse();
        Assert.Equal(503, rejected.Status);
        Assert.True(rejected.ClosesConnection);

        first.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, first.ReadResponse().Status);
    }

    [Fact]
    public async Task Slowloris_connections_are_cut_at_the_request_header_timeout_while_other_clients_are_served()
    {
        await using var server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root, "actorhttp.timeouts.request-header = 3s"));
        var slow = Enumerable.Range(0, 300).Select(_ => server.Connect()).ToList();
        foreach (var client in slow) client.Send("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ");

        Assert.Equal("OK\n", await server.Client.GetStringAsync("/health"));
        // Answered while all the slow heads are pending: none has been answered or closed yet. An order, not a
        // latency: the 3 s timeout is only the room a busy machine needs to connect 300 sockets and ask.
        Assert.DoesNotContain(slow, client => client.HasSomethingToRead());

        foreach (var client in slow)
        {
            var response = client.ReadResponse();
            Assert.Equal(408, response.Status);
            Assert.True(client.IsClosedByServer());
            client.Dispose();
        }
    }

    [Fact]
    public async Task A_content_length_over_the_body_limit_gets_413_without_the_body_being_read()
    {
        await using var server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root, "actorhttp.limits.max-body = 1000"));
        using var raw = server.Connect();
        raw.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");

        var response = raw.ReadResponse();
        Assert.Equal(413, response.Status);
        Assert.True(response.ClosesConnection);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n\r\n", 400)]                                           // no Host
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400)]                     // two Hosts
    [InlineData("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505)]
    [InlineData("GET / HTTP/1\r\nHost: x\r\n\r\n", 400)]
    [InlineData("BREW / HTTP/1.1\r\nHost: x\r\n\r\n", 501)]
    [InlineData("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400)]
    [InlineData("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400)]             // final coding not chunked
    [InlineData("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501)]
    [InlineData("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n", 400)]
    [InlineData("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n7fffffffffffffff\r\nxxxxxxxx", 413)] // size sum overflows
    [InlineData("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400)]
    [InlineData("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nFoo : bar\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nFoo: bar\r\n baz\r\n\r\n", 400)]               // obs-fold
    [InlineData("DELETE /hello.html HTTP/1.1\r\nHost: x\r\n\r\n", 405)]
    public async Task Each_class_of_bad_request_gets_its_status_and_close(string request, int status)
    {
        await using var server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root));
        using var raw = server.Connect();
        raw.Send(request);

        var response = raw.ReadResponse();
        Assert.Equal(status, response.Status);
        if (status == 405) Assert.Equal("GET, HEAD", response.Header("Allow"));
        else Assert.True(response.ClosesConnection);
    }

    [Fact]
    public async Task A_request_target_over_the_request_line_limit_gets_414()
    {
        await using var server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root, "actorhttp.limits.max-request-line = 1k"));
        using var raw = server.Connect();
        raw.Send($"GET /{new string('a', 2000)} HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(414, raw.ReadResponse().Status);
    }

    [Fact]
    public async Task Too_many_header_fields_get_431()
    {
        await using var server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root, "actorhttp.limits.max-header-count = 10"));
        using var raw = server.Connect();
        raw.Send("GET / HTTP/1.1\r\nHost: x\r\n" + string.Concat(Enumerable.Range(0, 20).Select(i => $"X-{i}: y\r\n")) + "\r\n");
        Assert.Equal(431, raw.ReadResponse().Status);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _www.Dispose();
    }
}
