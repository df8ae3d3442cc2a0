using Akka.Actor;
using Akka.IO;

namespace ActorHttp.Routing;

/// <summary>
/// Where a WebSocket handler sends: <see cref="SendText"/>, <c>SendBinary</c>, <see cref="Close"/>. Messages sent
/// faster than the client reads wait in a bounded queue (<c>actorhttp.websocket.max-outgoing-queue</c>); one more closes
/// the socket with 1008. In a test, the reference can be a TestProbe standing in for the client: it receives the
/// <see cref="WebSocketMessage"/> and <see cref="WebSocketClose"/> values sent.
/// </summary>
public sealed class WebSocketChannel
{
    public WebSocketChannel(IActorRef socket) => Socket = socket;

    /// <summary>The actor the messages go to (the socket's connection actor, which hands them to its session; or a probe in a test).</summary>
    public IActorRef Socket { get; }

    public void SendText(string text) => Socket.Tell(new WebSocketMessage.Text(text), ActorRefs.NoSender);

    public void SendBinary(ByteString data) => Socket.Tell(new WebSocketMessage.Binary(data), ActorRefs.NoSender);

    public void SendBinary(byte[] data) => SendBinary(ByteString.FromBytes(data));

    /// <summary>
    /// Starts the closing handshake once the messages sent before are out (RFC 6455 §7.1.2): <paramref name="code"/> 1000
    /// (normal), 3000-4999 for an application's own, or another code a close frame may carry (§7.4.1).
    /// </summary>
    public void Close(ushort code = 1000, string reason = "") => Socket.Tell(new WebSocketClose(code, reason), ActorRefs.NoSender);
}

/// <summary>One whole WebSocket message, received (fragments already joined) or to send.</summary>
public abstract record WebSocketMessage
{
    private WebSocketMessage() { }

    /// <summary>A text message: UTF-8 on the wire, checked as such on receipt (§8.1).</summary>
    public sealed record Text(string Content) : WebSocketMessage;

    public sealed record Binary(ByteString Content) : WebSocketMessage;
}

/// <summary>A handler's request to close the socket (see <see cref="WebSocketChannel.Close"/>).</summary>
public sealed record WebSocketClose(ushort Code = 1000, string Reason = "");

/// <summary>
/// What a WebSocket handler receives first: the upgrade request, where to send, and the subprotocol agreed (null when
/// none). Messages from the client follow as <see cref="WebSocketMessage"/>, then one <see cref="WebSocketClosed"/>.
/// </summary>
public sealed record WebSocketOpened(Http.HttpRequest Request, WebSocketChannel Channel, string? Subprotocol);

/// <summary>
/// The socket closed: the code of the close frame that started it (the client's, the handler's or the server's: 1001 on
/// shutdown, 1002, 1007, 1008, 1009 when the client broke a rule), 1005 for a close frame without a code, 1006 when
/// the connection ended without one. It comes once, however the socket ends (a shutdown cutting it included), and the
/// handler is stopped after it, behind the messages it had not taken yet. Only a handler stopped by Akka itself (the
/// actor system terminating under it) goes without.
/// </summary>
public sealed record WebSocketClosed(ushort Code, string Reason);
