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

/// <summary>
/// The handler of one chat socket: joins the room on open, says every message it receives to the room. An UntypedActor,
/// as <see cref="EchoSocket"/> is: one per open socket.
/// </summary>
public sealed class ChatMember : UntypedActor
{
    private readonly IActorRef _room;

    public ChatMember(IActorRef room) => _room = room;

    public static Props Props(IActorRef room) => Akka.Actor.Props.Create(() => new ChatMember(room));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case WebSocketOpened opened: _room.Tell(new ChatRoom.Join(opened.Channel)); break;
            case WebSocketMessage said: _room.Tell(new ChatRoom.Say(said)); break;
            case WebSocketClosed: break; // the room sees this actor stop
            default: Unhandled(message); break;
        }
    }
}
