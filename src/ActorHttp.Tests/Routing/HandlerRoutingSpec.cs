using System.Net;
using Akka.Actor;
using Akka.TestKit;
using ActorHttp.Routing;
using ActorHttp.Configuration;
using ActorHttp.Http;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Routing;

/// <summary>Routes to handler actors, end to end over real sockets.</summary>
public sealed class HandlerRoutingSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private readonly TestWww _www = new();
    private TestServer _server = null!;
    private TestProbe _slowBackend = null!;

    public async Task InitializeAsync()
    {
        var counter = Sys.ActorOf(Props.Create<CounterHandler>(), "counter");
        _slowBackend = CreateTestProbe();
        var slowBackend = _slowBackend.Ref;
        var routes = new RouteBuilder()
            .Get("/users/{id}", Props.Create<GreetingHandler>())
            .Get("/throws", Props.Create<ThrowingHandler>())
            .Get("/slow", Props.Create(() => new BackendHandler(slowBackend)))
            .Get("/count", counter)
            .Get("/stream", Props.Create<StreamingHandler>())
            .Post("/", Props.Create<GreetingHandler>())
            .Build();
        _server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root), routes);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _www.Dispose();
    }

    [Fact]
    public async Task A_template_route_passes_its_values_to_the_handler()
    {
        Assert.Equal("Hello, ada!", await _server.Client.GetStringAsync("/users/ada"));
    }

    [Fact]
    public void A_throwing_handler_gives_500_without_exception_text_and_the_connection_serves_the_next_request()
    {
        using var raw = _server.Connect();
        raw.Send("GET /throws HTTP/1.1\r\nHost: x\r\n\r\nGET /users/bob HTTP/1.1\r\nHost: x\r\n\r\n");

        var failed = raw.ReadResponse();
        Assert.Equal(500, failed.Status);
        Assert.DoesNotContain("secret", failed.BodyText);
        Assert.False(failed.ClosesConnection);
        Assert.Equal("Hello, bob!", raw.ReadResponse().BodyText);
    }

    [Fact]
    public async Task A_slow_handler_does_not_delay_other_connections()
    {
        using var slowClient = new System.Net.Http.HttpClient { BaseAddress = _server.Binding.BaseAddress };
        var slow = slowClient.GetStringAsync("/slow");
        _slowBackend.ExpectMsg<HttpRequest>(TimeSpan.FromSeconds(10));

        // Held by its backend (for as long as the test likes, not for a time the other request must beat).
        Assert.Equal("Hello, eve!", await _server.Client.GetStringAsync("/users/eve"));
        Assert.False(slow.IsCompleted);
        _slowBackend.Reply(HttpResponse.Text(200, "slow"));
        Assert.Equal("slow", await slow);
    }

    [Fact]
    public async Task A_long_lived_handler_actor_serves_many_requests()
    {
        var first = int.Parse(await _server.Client.GetStringAsync("/count"));
        var second = int.Parse(await _server.Client.GetStringAsync("/count"));
        Assert.Equal(first + 1, second);
    }

    [Fact]
    public async Task A_route_matched_with_the_wrong_method_gets_405_with_allow()
    {
        var response = await _server.Client.DeleteAsync("/users/ada");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET, HEAD", string.Join(", ", response.Content.Headers.Allow));
    }

    [Fact]
    public async Task A_route_for_POST_leaves_GET_and_HEAD_of_the_same_path_to_the_static_file()
    {
        Assert.Equal(TestWww.Hello, await _server.Client.GetStringAsync("/"));
        var head = await _server.Client.SendAsync(new System.Net.Http.HttpRequestMessage(System.Net.Http.HttpMethod.Head, "/"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(TestWww.Hello.Length, head.Content.Headers.ContentLength);
        var delete = await _server.Client.DeleteAsync("/");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, delete.StatusCode);
        Assert.Equal("POST", string.Join(", ", delete.Content.Headers.Allow));
    }

    [Fact]
    public void A_stream_body_of_unknown_length_is_sent_chunked_and_the_connection_goes_on()
    {
        using var raw = _server.Connect();
        raw.Send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\nGET /users/zoe HTTP/1.1\r\nHost: x\r\n\r\n");

        var streamed = raw.ReadResponse();
        Assert.Equal("chunked", streamed.Header("Transfer-Encoding"));
        Assert.Null(streamed.Header("Content-Length"));
        Assert.Equal(string.Concat(Enumerable.Range(1, 50).Select(i => $"line {i}\n")), streamed.BodyText);
        Assert.Equal("Hello, zoe!", raw.ReadResponse().BodyText);
    }

    [Fact]
    public void A_stream_body_to_an_http10_client_ends_by_closing_the_connection()
    {
        using var raw = _server.Connect();
        raw.Send("GET /stream HTTP/1.0\r\n\r\n");

        var streamed = raw.ReadResponse();
        Assert.Null(streamed.Header("Transfer-Encoding"));
        Assert.EndsWith("line 50\n", streamed.BodyText);
    }

    [Fact]
    public async Task The_health_route_answers_200_while_serving()
    {
        Assert.Equal("OK\n", await _server.Client.GetStringAsync("/health"));
    }
}

/// <summary>Routes declared in HOCON, with a handler actor named by its type.</summary>
public sealed class HoconRoutesSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly TestWww _www = new();

    [Fact]
    public async Task A_hocon_route_can_name_a_handler_actor_type()
    {
        var type = typeof(GreetingHandler).AssemblyQualifiedName;
        var settings = TestSettings.For(_www.Root, $$"""actorhttp.routes = [ { method = GET, path = "/hi/{id}", handler = "{{type}}" } ]""");
        await using var server = await TestServer.StartAsync(Sys, settings);

        Assert.Equal("Hello, hocon!", await server.Client.GetStringAsync("/hi/hocon"));
    }

    [Fact]
    public void A_hocon_route_naming_no_known_handler_is_a_settings_error()
    {
        var error = Assert.Throws<ActorHttp.Configuration.SettingsException>(() =>
            TestSettings.For(_www.Root, """actorhttp.routes = [ { method = GET, path = "/x", handler = "No.Such.Type" } ]"""));
        Assert.Contains("actorhttp.routes[0].handler", error.Message);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _www.Dispose();
    }
}

/// <summary>Handler failures and timeouts at the connection actor, in virtual time.</summary>
public sealed class HandlerTimeoutSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly TestWww _www = new();

    public HandlerTimeoutSpec() : base(Support.VirtualTime.Config) { }

    [Fact]
    public void A_handler_that_does_not_reply_in_time_gets_503_and_the_connection_goes_on()
    {
        var routes = new RouteBuilder().Get("/silent", Props.Create<SilentHandler>()).Build();
        var conn = new ConnectionHarness(this, TestSettings.For(_www.Root, "actorhttp.timeouts.handler = 30s"), routes);
        conn.Receive("GET /silent HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
        conn.Settle();

        ((TestScheduler)Sys.Scheduler).Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(503, conn.ExpectResponse().Status);
        Assert.Equal(200, conn.ExpectResponse().Status);
    }

    [Fact]
    public async Task A_client_that_disconnects_while_a_handler_works_stops_the_handler()
    {
        var routes = new RouteBuilder().Get("/silent", Props.Create<SilentHandler>()).Build();
        var conn = new ConnectionHarness(this, TestSettings.For(_www.Root), routes);
        conn.Receive("GET /silent HTTP/1.1\r\nHost: x\r\n\r\n");
        conn.Settle();
        var handler = await Sys.ActorSelection(conn.Actor.Path / "handler-0").ResolveOne(TimeSpan.FromSeconds(3));
        // A probe of its own: the harness watches the connection with the test actor, and Akka tells a parent that its
        // child ended before it tells the child's watchers, so the connection's Terminated may come first.
        var watcher = CreateTestProbe();
        watcher.Watch(handler);

        conn.Send(new Akka.IO.Tcp.ErrorClosed("reset"));

        watcher.ExpectTerminated(handler);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _www.Dispose();
    }
}
