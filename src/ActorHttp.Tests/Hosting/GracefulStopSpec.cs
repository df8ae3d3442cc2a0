using Akka.Actor;
using ActorHttp.Actors;
using ActorHttp.Routing;
using ActorHttp.Tests.Support;
using Akka.Configuration;

namespace ActorHttp.Tests.Hosting;

/// <summary>
/// <see cref="ActorHttp.Hosting.ServerBinding"/>'s graceful stop in-process: stop accepting, let requests in
/// flight finish, close idle connections, then release the port.
/// </summary>
public sealed class GracefulStopSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private readonly TestWww _www = new();
    private TestServer _server = null!;

    public GracefulStopSpec() : base(ConfigurationFactory.ParseString("akka.loglevel = WARNING")) { }

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root, "actorhttp.sleep-delay = 1s"));

    public async Task DisposeAsync()
    {
        // Disposing stops the server again: a second StopAsync returns the first one's task at once.
        await _server.DisposeAsync();
        _www.Dispose();
    }

    private Task StopAsync(TimeSpan? timeout = null) => _server.Binding.StopAsync(timeout);

    /// <summary>A connection whose GET /sleep the server has parsed and is timing (see ProcessShutdownSpec.StartSleep).</summary>
    private RawClient StartSleep()
    {
        var client = _server.Connect();
        client.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /sleep HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, client.ReadResponse().Status);
        return client;
    }

    private int OpenConnections() =>
        _server.Binding.Listener.Ask<int>(ListenerProtocol.GetOpenConnections.Instance, TimeSpan.FromSeconds(3)).Result;

    [Fact]
    public async Task Every_request_already_read_is_answered_and_only_the_last_says_close()
    {
        // A sleep and a POST behind it, both read before the stop: the sleep's answer must not close the
        // connection under the POST, whose answer is the one that says close.
        using var client = _server.Connect();
        client.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /sleep HTTP/1.1\r\nHost: x\r\n\r\n"
            + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
        Assert.Equal(200, client.ReadResponse().Status);
        await AwaitAssertAsync(() => Assert.Equal(1, OpenConnections()), TimeSpan.FromSeconds(5));

        var stop = StopAsync();

        var sleep = client.ReadResponse();
        Assert.Equal(200, sleep.Status);
        Assert.False(sleep.ClosesConnection);
        var echo = client.ReadResponse();
        Assert.Equal("hello", echo.BodyText);
        Assert.True(echo.ClosesConnection);
        Assert.True(client.IsClosedByServer());
        client.Dispose();
        await stop.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_sleep_in_flight_completes_with_connection_close_before_the_stop_does()
    {
        using var sleeper = StartSleep();

        var stop = StopAsync();

        var sleep = sleeper.ReadResponse();
        Assert.Equal(200, sleep.Status);
        Assert.Equal(TestWww.Hello, sleep.BodyText);
        Assert.True(sleep.ClosesConnection);
        Assert.True(sleeper.IsClosedByServer());
        sleeper.Dispose(); // the server lingers until the client closes too
        await stop.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_idle_keep_alive_connection_is_closed_by_the_server()
    {
        using var idle = _server.Connect();
        idle.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        var response = idle.ReadResponse();
        Assert.Equal(200, response.Status);
        Assert.False(response.ClosesConnection);

        await StopAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(idle.IsClosedByServer());
    }

    [Fact]
    public async Task After_stop_accepting_an_idle_connection_is_closed_and_no_connection_is_left_open()
    {
        using var idle = _server.Connect();
        idle.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, idle.ReadResponse().Status);

        await _server.Binding.StopAcceptingAsync();

        Assert.True(idle.IsClosedByServer());
        Assert.True(await _server.Binding.WaitForConnectionsClosedAsync(TimeSpan.FromSeconds(5)));
        AwaitAssert(() => Assert.Equal(0, OpenConnections()));
    }

    [Fact]
    public async Task After_stop_accepting_the_health_route_answers_503()
    {
        using (var before = _server.Connect())
        {
            before.Send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            Assert.Equal(200, before.ReadResponse().Status);
        }

        await _server.Binding.StopAcceptingAsync();

        // The route itself, as a connection still open would run it.
        var match = Assert.IsType<RouteMatch.Found>(_server.Binding.Context.Routes.Match("GET", "/health"));
        var inline = Assert.IsType<RouteTarget.Inline>(match.Route.Target);
        Assert.Equal(503, inline.Respond(Requests.Get("/health")).Status);
        // And a connection that arrives now.
        using var after = _server.Connect();
        after.Send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        var response = after.ReadResponse();
        Assert.Equal(503, response.Status);
        Assert.True(response.ClosesConnection);
    }

    [Fact]
    public async Task A_new_connection_after_stop_accepting_gets_503_while_a_sleep_in_flight_still_gets_200()
    {
        using var sleeper = StartSleep();

        await _server.Binding.StopAcceptingAsync();
        using var late = _server.Connect();
        late.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal(503, late.ReadResponse().Status);
        Assert.True(late.IsClosedByServer());
        Assert.Equal(200, sleeper.ReadResponse().Status);
        sleeper.Dispose(); // the server lingers until the client closes too
        Assert.True(await _server.Binding.WaitForConnectionsClosedAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_sleep_outlasting_the_stop_timeout_is_cut_off_and_the_stop_still_completes()
    {
        await using var slow = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root, "actorhttp.sleep-delay = 30s"));
        using var sleeper = slow.Connect();
        sleeper.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /sleep HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, sleeper.ReadResponse().Status);

        await slow.Binding.StopAsync(TimeSpan.FromMilliseconds(300)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(sleeper.IsClosedByServer());
    }

    [Fact]
    public async Task Stopping_again_returns_the_first_stop_instead_of_waiting_on_the_stopped_listener()
    {
        var first = StopAsync();
        await first.WaitAsync(TimeSpan.FromSeconds(10));

        var second = StopAsync();

        Assert.Same(first, second);
        Assert.True(second.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task With_an_unbind_delay_the_port_stays_bound_and_answers_503_until_the_delay_has_passed()
    {
        // A balancer takes the node out only once its health check has seen 503; until then it still opens
        // connections, and a port closed meanwhile resets those the kernel had queued with their requests sent.
        // Long enough for the late client to connect within it on a loaded machine (1.5 s was not, once).
        var delay = TimeSpan.FromSeconds(4);
        await using var held = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root, "actorhttp.shutdown-unbind-delay = 4s"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await held.Binding.StopAcceptingAsync();
        var stop = held.Binding.StopAsync();

        Assert.True(await held.Binding.WaitForConnectionsClosedAsync(TimeSpan.FromSeconds(5)));
        using var late = held.Connect();
        late.Send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(503, late.ReadResponse().Status);

        await stop.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(clock.Elapsed >= delay, $"the port was released {clock.Elapsed.TotalMilliseconds:0} ms after the stop began");
    }

    [Fact]
    public async Task While_the_port_is_held_a_burst_of_connections_many_times_the_over_capacity_bound_each_get_503()
    {
        // A balancer still sending a node's share of traffic while its health check goes down: every one of these
        // is re-sent elsewhere on its 503, where a reset would be an error to its client.
        const int burst = 200;
        await _server.Binding.StopAcceptingAsync();
        var clients = new List<RawClient>();
        try
        {
            // Every request sent before any answer is read: the server holds them all at once.
            for (var i = 0; i < burst; i++)
            {
                clients.Add(_server.Connect());
                SendQuietly(clients[^1], "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            }

            var outcomes = clients.Select(StatusOrFailure).GroupBy(o => o).ToDictionary(g => g.Key, g => g.Count());

            Assert.True(outcomes.Keys.SequenceEqual(["503"]), string.Join(", ", outcomes.Select(o => $"{o.Value} x {o.Key}")));
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    private static void SendQuietly(RawClient client, string request)
    {
        try
        {
            client.Send(request);
        }
        catch (IOException)
        {
            // Reset already: StatusOrFailure says so.
        }
    }

    /// <summary>The status of the response the client gets, or what happened instead.</summary>
    private static string StatusOrFailure(RawClient client)
    {
        try
        {
            return client.ReadResponse().Status.ToString();
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or TimeoutException)
        {
            return e.GetType().Name;
        }
    }

    [Fact]
    public async Task After_the_stop_the_port_is_released()
    {
        var port = _server.Port;

        await StopAsync().WaitAsync(TimeSpan.FromSeconds(10));

        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        listener.Start();
        listener.Stop();
    }
}
