using Akka.Actor;
using Akka.IO;
using Akka.TestKit;
using ActorHttp.Routing;

namespace ActorHttp.Tests.Support;

/// <summary>
/// WebSocket handlers under plain TestKit, without sockets: a <see cref="TestProbe"/> stands in for the client (the
/// channel the handler sends through), the spec tells the handler what the client says, and the assertions read what
/// the handler sent.
/// </summary>
public static class WebSocketClient
{
    /// <summary>
    /// Starts a handler from <paramref name="handler"/> and opens its socket to a probe, as the server does after the 101
    /// for <c>GET path</c>. Returns the handler and the probe standing in for the client.
    /// </summary>
    public static (IActorRef Handler, TestProbe Client) OpenWebSocket(this TestKitBase kit, Props handler, string path = "/ws", string? subprotocol = null)
    {
        var client = kit.CreateTestProbe();
        var request = Requests.Get(path, ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Version", "13"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="));
        var actor = kit.Sys.ActorOf(handler);
        actor.Tell(new WebSocketOpened(request, new WebSocketChannel(client.Ref), subprotocol));
        return (actor, client);
    }

    /// <summary>The client sends a text message.</summary>
    public static void SendText(this IActorRef handler, string text) => handler.Tell(new WebSocketMessage.Text(text));

    /// <summary>The client sends a binary message.</summary>
    public static void SendBinary(this IActorRef handler, byte[] data) => handler.Tell(new WebSocketMessage.Binary(ByteString.FromBytes(data)));

    /// <summary>The socket closed with <paramref name="code"/>, as the server tells a handler.</summary>
    public static void Closed(this IActorRef handler, ushort code = 1000, string reason = "") => handler.Tell(new WebSocketClosed(code, reason));

    /// <summary>The next message the handler sent is text; its content.</summary>
    public static string ExpectText(this TestProbe client, TimeSpan? max = null) => client.ExpectMsg<WebSocketMessage.Text>(max).Content;

    /// <summary>The next message the handler sent is binary; its bytes.</summary>
    public static byte[] ExpectBinary(this TestProbe client, TimeSpan? max = null) => client.ExpectMsg<WebSocketMessage.Binary>(max).Content.ToArray();

    /// <summary>The handler closed the socket.</summary>
    public static WebSocketClose ExpectClose(this TestProbe client, TimeSpan? max = null) => client.ExpectMsg<WebSocketClose>(max);
}
