using Akka.Configuration;
using ActorHttp.Configuration;
using ActorHttp.Hosting;

namespace ActorHttp.Tests.Hosting;

/// <summary>The <c>actorhttp.websocket</c> settings and WebSocket routes in HOCON: defaults, every key read, bad values named.</summary>
public sealed class WebSocketSettingsSpec
{
    private static ServerSettings Create(string hocon) => ServerSettings.Create(ConfigurationFactory.ParseString(hocon));

    [Fact]
    public void The_defaults_are_the_reference_values_and_echo_and_chat_are_routed()
    {
        var settings = ServerSettings.Default;

        Assert.Equal(WebSocketSettings.Default.MaxMessage, settings.WebSockets.MaxMessage);
        Assert.Equal(WebSocketSettings.Default.KeepAliveInterval, settings.WebSockets.KeepAliveInterval);
        Assert.Equal(WebSocketSettings.Default.KeepAliveTimeout, settings.WebSockets.KeepAliveTimeout);
        Assert.Empty(settings.WebSockets.AllowedOrigins);
        Assert.Equal(WebSocketSettings.Default.MaxOutgoingQueue, settings.WebSockets.MaxOutgoingQueue);
        Assert.Contains(new RouteSpec("*", "/ws/echo", RouteSpec.Echo) { WebSocket = true }, settings.Routes);
        Assert.Contains(new RouteSpec("*", "/ws/chat", RouteSpec.Chat) { WebSocket = true }, settings.Routes);
    }

    [Fact]
    public void Every_key_is_read()
    {
        var settings = Create("""
            actorhttp.websocket { max-message = 64k, keep-alive-interval = 0s, keep-alive-timeout = 3s,
              allowed-origins = ["https://example.com", "http://localhost:8080"], max-outgoing-queue = 9 }
            """).WebSockets;

        Assert.Equal(65536, settings.MaxMessage);
        Assert.Equal(TimeSpan.Zero, settings.KeepAliveInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.KeepAliveTimeout);
        Assert.Equal(new[] { "https://example.com", "http://localhost:8080" }, settings.AllowedOrigins);
        Assert.Equal(9, settings.MaxOutgoingQueue);
    }

    [Fact]
    public void A_websocket_route_names_its_handler_with_websocket_and_answers_any_method()
    {
        var settings = Create("actorhttp.routes = [{ path = \"/live\", websocket = echo }]");

        Assert.Equal(new[] { new RouteSpec("*", "/live", "echo") { WebSocket = true } }, settings.Routes);
    }

    [Theory]
    [InlineData("actorhttp.websocket.max-message = 0", "actorhttp.websocket.max-message")]
    [InlineData("actorhttp.websocket.max-message = 2g", "actorhttp.websocket.max-message")]
    [InlineData("actorhttp.websocket.max-message = big", "actorhttp.websocket.max-message")]
    [InlineData("actorhttp.websocket.keep-alive-interval = -1s", "actorhttp.websocket.keep-alive-interval")]
    [InlineData("actorhttp.websocket.keep-alive-interval = 2d", "actorhttp.websocket.keep-alive-interval")]
    [InlineData("actorhttp.websocket.keep-alive-timeout = 0s", "actorhttp.websocket.keep-alive-timeout")]
    [InlineData("actorhttp.websocket.allowed-origins = \"https://example.com\"", "actorhttp.websocket.allowed-origins")]
    [InlineData("actorhttp.websocket.allowed-origins = [\"https://example.com/app\"]", "actorhttp.websocket.allowed-origins[0]")]
    [InlineData("actorhttp.websocket.allowed-origins = [\"example.com\"]", "actorhttp.websocket.allowed-origins[0]")]
    [InlineData("actorhttp.websocket.allowed-origins = [\"ftp://example.com\"]", "actorhttp.websocket.allowed-origins[0]")]
    [InlineData("actorhttp.websocket.max-outgoing-queue = 0", "actorhttp.websocket.max-outgoing-queue")]
    [InlineData("actorhttp.websocket.max-outgoing-queue = 1000001", "actorhttp.websocket.max-outgoing-queue")]
    [InlineData("actorhttp.routes = [{ path = \"/ws\", websocket = nosuch }]", "actorhttp.routes[0].websocket")]
    [InlineData("actorhttp.routes = [{ path = \"/ws\", websocket = health }]", "actorhttp.routes[0].websocket")]
    [InlineData("actorhttp.routes = [{ path = \"/ws\", websocket = echo, handler = echo }]", "actorhttp.routes[0]")]
    public void A_bad_value_is_refused_naming_its_key(string hocon, string key)
    {
        var error = Assert.Throws<SettingsException>(() => Create(hocon));

        Assert.StartsWith(key + ":", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
