using Akka.Actor;
using ActorHttp.Routing;

namespace ActorHttp.Handlers;

/// <summary>
/// The built-in WebSocket <c>echo</c>: every message back to its sender, text as text and binary as binary. An
/// UntypedActor with a switch, as the connection actor is: a ReceiveActor builds its handler table per instance, and
/// there is one of these per open socket.
/// </summary>
public sealed class EchoSocket : UntypedActor
{
    private WebSocketChannel? _channel;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case WebSocketOpened opened: _channel = opened.Channel; break;
            case WebSocketMessage.Text text: _channel?.SendText(text.Content); break;
            case WebSocketMessage.Binary binary: _channel?.SendBinary(binary.Content); break;
            case WebSocketClosed: break;
            default: Unhandled(message); break;
        }
    }
}
