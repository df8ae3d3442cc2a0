using System.Diagnostics;
using System.Net;
using System.Net.Http;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Integration;

/// <summary>The whole server on a real socket (port 0), driven by real HTTP clients and raw sockets.</summary>
public sealed class ServerIntegrationSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private readonly TestWww _www = new();
    private TestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root, """
            actorhttp.sleep-delay = 1s
            actorhttp.max-connections = 2000
            """));

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _www.Dispose();
    }

    [Fact]
    public async Task Get_root_serves_the_hello_page()
    {
        var response = await _server.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TestWww.Hello, await response.Content.ReadAsStringAsync());
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.Date);
    }

    [Fact]
    public async Task An_unknown_path_gets_404_with_the_404_page()
    {
        var response = await _server.Client.GetAsync("/no/such/thing");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(TestWww.Oops, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task During_a_sleep_a_request_on_another_connection_is_answered_at_once()
    {
        using var sleeper = new HttpClient { BaseAddress = _server.Binding.BaseAddress };
        var sleep = sleeper.GetAsync("/sleep");
        var fast = _server.Client.GetAsync("/");

        var first = await Task.WhenAny(sleep, fast);
        Assert.Same(fast, first);
        Assert.Equal(HttpStatusCode.OK, (await fast).StatusCode);
        Assert.False(sleep.IsCompleted);
        Assert.Equal(HttpStatusCode.OK, (await sleep).StatusCode);
    }

    [Fact]
    public async Task Two_hundred_concurrent_sleeps_all_finish_in_about_one_delay()
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1000 };
        using var client = new HttpClient(handler) { BaseAddress = _server.Binding.BaseAddress };
        var clock = Stopwatch.StartNew();

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => client.GetAsync("/sleep")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        // One delay is 1 s; served one after another they would take 200 s. Generous bound for a busy CI box.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"200 sleeps took {clock.Elapsed}");
    }

    [Fact]
    public void Pipelined_requests_with_a_sleep_in_the_middle_are_answered_in_order()
    {
        using var raw = _server.Connect();
        raw.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /sleep HTTP/1.1\r\nHost: x\r\n\r\nGET /missing HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal(200, raw.ReadResponse().Status);
        var sleep = raw.ReadResponse();
        Assert.Equal(200, sleep.Status);
        Assert.Equal(TestWww.Hello, sleep.BodyText);
        Assert.Equal(404, raw.ReadResponse().Status);
    }

    [Fact]
    public void Connection_close_is_honoured_and_the_server_closes_the_socket()
    {
        using var raw = _server.Connect();
        raw.Send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        var response = raw.ReadResponse();
        Assert.Equal(200, response.Status);
        Assert.True(response.ClosesConnection);
        Assert.True(raw.IsClosedByServer());
    }

    [Fact]
    public void A_malformed_request_gets_400_and_the_connection_is_closed()
    {
        using var raw = _server.Connect();
        raw.Send("GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n");

        var response = raw.ReadResponse();
        Assert.Equal(400, response.Status);
        Assert.True(response.ClosesConnection);
        Assert.True(raw.IsClosedByServer());
    }

    [Fact]
    public void A_request_sent_in_single_bytes_is_answered()
    {
        using var raw = _server.Connect();
        foreach (var b in "GET / HTTP/1.1\r\nHost: x\r\n\r\n") raw.Send(new[] { (byte)b });

        Assert.Equal(200, raw.ReadResponse().Status);
    }

    [Fact]
    public async Task Post_echo_returns_a_content_length_body_exactly()
    {
        var body = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-test");

        var response = await _server.Client.PostAsync("/echo", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-test", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public void Post_echo_returns_a_chunked_body_exactly_and_the_connection_serves_the_next_request()
    {
        using var raw = _server.Connect();
        raw.Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n" +
                 "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: yes\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");

        var echo = raw.ReadResponse();
        Assert.Equal(200, echo.Status);
        Assert.Equal("hello world", echo.BodyText);
        Assert.Equal(200, raw.ReadResponse().Status);
    }

    [Fact]
    public void A_client_that_half_closes_after_its_request_still_gets_the_answer()
    {
        using var raw = _server.Connect();
        raw.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        raw.ShutdownSend();

        Assert.Equal(200, raw.ReadResponse().Status);
        Assert.True(raw.IsClosedByServer());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
    }
}
