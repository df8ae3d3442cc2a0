using System.Net.WebSockets;
using System.Text;
using Akka.Actor;
using ActorHttp.Routing;
using ActorHttp.Tests.Observability;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Handlers;

/// <summary>The README's WebSocket handler, written, routed and tested as it shows.</summary>
public sealed class ShoutHandler : ReceiveActor
{
    private WebSocketChannel? _channel;

    public ShoutHandler()
    {
        Receive<WebSocketOpened>(opened => _channel = opened.Channel);
        Receive<WebSocketMessage.Text>(text =>
        {
            if (text.Content == "bye") _channel!.Close(1000, "bye");
            else _channel!.SendText(text.Content.ToUpperInvariant());
        });
        Receive<WebSocketClosed>(_ => { });
    }
}

public sealed class ShoutHandlerSpec : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public void The_shout_handler_shouts_back_and_closes_on_bye()
    {
        var (handler, client) = this.OpenWebSocket(Props.Create<ShoutHandler>());
        handler.SendText("hello");
        Assert.Equal("HELLO", client.ExpectText());
        handler.SendText("bye");
        Assert.Equal(1000, client.ExpectClose().Code);
    }

    [Fact]
    public async Task The_shout_route_serves_a_real_client()
    {
        var routes = new RouteBuilder().WebSocket("/shout", Props.Create<ShoutHandler>()).Build();
        using var www = new TestWww();
        await using var server = await TestServer.StartAsync(Sys, TestSettings.For(www.Root), routes);
        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/shout"), timeout.Token);

        await socket.SendAsync(Encoding.UTF8.GetBytes("hello"), WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[64];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal("HELLO", Encoding.UTF8.GetString(buffer, 0, received.Count));

        await socket.SendAsync(Encoding.UTF8.GetBytes("bye"), WebSocketMessageType.Text, true, timeout.Token);
        received = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal(WebSocketMessageType.Close, received.MessageType);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        Assert.Equal("bye", socket.CloseStatusDescription);
    }

    [Fact]
    public void The_README_shows_this_handler_and_its_test_line_for_line()
    {
        var readme = File.ReadAllText(RepoFiles.PathOf("README.md"));
        var section = readme[readme.IndexOf("## WebSocket", StringComparison.Ordinal)..];
        var listing = section[(section.IndexOf("```csharp", StringComparison.Ordinal) + 9)..section.IndexOf("```\n", 10, StringComparison.Ordinal)];
        var source = File.ReadAllText(RepoFiles.PathOf("src/ActorHttp.Tests/Handlers/ShoutHandlerSpec.cs"));

        var lines = listing.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("using ", StringComparison.Ordinal) && !l.StartsWith("//", StringComparison.Ordinal)).ToList();
        Assert.InRange(listing.Split('\n').Length, 10, 40);
        Assert.All(lines, line => Assert.Contains(line, source));
    }
}
