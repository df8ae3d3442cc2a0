using Akka.Actor;
using ActorHttp.Routing;

namespace ActorHttp.Handlers;

/// <summary>The built-in WebSocket <c>echo</c>: every message back to its sender, text as text and binary as binary.</summary>
public sealed class EchoSocket : ReceiveActor
{
    private WebSocketChannel? _channel;

    public EchoSocket()
    {
        Receive<WebSocketOpened>(opened => _channel = opened.Channel);
        Receive<WebSocketMessage.Text>(text => _channel?.SendText(text.Content));
        Receive<WebSocketMessage.Binary>(binary => _channel?.SendBinary(binary.Content));
        Receive<WebSocketClosed>(_ => { });
    }
}
