using Akka.Actor;
using Akka.IO;
using ActorHttp.Http;
using Tcp = Akka.IO.Tcp;

namespace ActorHttp.Actors;

/// <summary>
/// Serves a connection accepted over <c>actorhttp.max-connections</c>: waits for the first bytes of a
/// request (closing at once would reset the connection and lose the answer), replies 503 with
/// <c>Connection: close</c> and <c>Retry-After</c>, half-closes, and stops. Costs one small actor and the
/// socket's descriptor for a second or two, never a connection actor; the listener holds only so many.
/// </summary>
public sealed class OverCapacityActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    private static readonly byte[] Response = ResponseWriter.Encode(
        ErrorResponses.NotServing, HttpVersion.Http11, keepAlive: false, headOnly: false);

    public ITimerScheduler Timers { get; set; } = null!;

    public OverCapacityActor(IActorRef connection)
    {
        Receive<Tcp.Received>(_ =>
        {
            connection.Tell(Tcp.Write.Create(ByteString.FromBytes(Response)));
            connection.Tell(Tcp.ConfirmedClose.Instance);
            // The socket reads only when asked (pull mode): read on, and drop, until the client's close arrives.
            connection.Tell(Tcp.ResumeReading.Instance);
            Become(() =>
            {
                Receive<Tcp.ConnectionClosed>(_ => Context.Stop(Self));
                Receive<Tcp.Received>(_ => connection.Tell(Tcp.ResumeReading.Instance));
                Receive<GiveUp>(_ => { connection.Tell(Tcp.Abort.Instance); Context.Stop(Self); });
                ReceiveAny(_ => { });
            });
        });
        Receive<Tcp.ConnectionClosed>(_ => Context.Stop(Self));
        Receive<GiveUp>(_ => { connection.Tell(Tcp.Close.Instance); Context.Stop(Self); });
    }

    // Props.Create(() => new ...) evaluates its expression on every call; this actor is made per rejected
    // connection, in a connection storm.
    public static Props Props(IActorRef connection) => Akka.Actor.Props.Create<OverCapacityActor>(connection);

    protected override void PreStart() => Timers.StartPeriodicTimer("give-up", GiveUp.Instance, Patience);

    // The listener counts the over-capacity sockets it holds (see ListenerActor.MaxOverCapacitySockets).
    protected override void PostStop() => Context.Parent.Tell(new ConnectionProtocol.Ended(Self));

    private sealed class GiveUp
    {
        public static readonly GiveUp Instance = new();
    }
}
