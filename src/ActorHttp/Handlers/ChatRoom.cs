using Akka.Actor;
using ActorHttp.Routing;

namespace ActorHttp.Handlers;

/// <summary>
/// The built-in WebSocket <c>chat</c>'s room: one actor per route, which sends every message said to every member's
/// socket. Members are the handlers of the sockets (<see cref="ChatMember"/>), watched so that one that stops leaves.
/// </summary>
public sealed class ChatRoom : ReceiveActor
{
    private readonly Dictionary<IActorRef, WebSocketChannel> _members = new();

    /// <summary>A member joins with the channel its messages go out through (the sender is the member).</summary>
    public sealed record Join(WebSocketChannel Channel);

    /// <summary>A message for everyone in the room, its sender included.</summary>
    public sealed record Say(WebSocketMessage Message);

    public static Props Props() => Akka.Actor.Props.Create<ChatRoom>();

    public ChatRoom()
    {
        Receive<Join>(join =>
        {
            _members[Sender] = join.Channel;
            Context.Watch(Sender);
        });
        // Straight to each socket: one hop per member, the room never waits on any of them. A member whose client reads
        // too slowly is closed by its own socket's bounded queue, not by the room.
        Receive<Say>(say =>
        {
            foreach (var channel in _members.Values) channel.Socket.Tell(say.Message, ActorRefs.NoSender);
        });
        Receive<Terminated>(terminated => _members.Remove(terminated.ActorRef));
    }
}

/// <summary>The handler of one chat socket: joins the room on open, says every message it receives to the room.</summary>
public sealed class ChatMember : ReceiveActor
{
    public static Props Props(IActorRef room) => Akka.Actor.Props.Create(() => new ChatMember(room));

    public ChatMember(IActorRef room)
    {
        Receive<WebSocketOpened>(opened => room.Tell(new ChatRoom.Join(opened.Channel)));
        Receive<WebSocketMessage>(message => room.Tell(new ChatRoom.Say(message)));
        Receive<WebSocketClosed>(_ => { }); // the room sees this actor stop
    }
}
