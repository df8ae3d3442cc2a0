using Akka.Actor;
using Akka.Event;
using ActorHttp.Http;
using ActorHttp.Routing;

namespace ActorHttp.Actors;

/// <summary>
/// Delivers one request to its sharded entity, at least once: a connection's per-request handler for a sharded
/// route. It sends the <see cref="ShardedHttpRequest"/> it is given to the shard region, and the same envelope again
/// (the same delivery id) every retry interval until a reply comes, which it passes to the connection; later replies
/// (to the re-sends) are dropped. Sharding delivers at most once: it drops what reaches a shard being handed off, and
/// what was sent to a node that died; the re-send finds the shard where it lives now. The connection times the
/// exchange as any handler's (the handler timeout answers 504) and stops this actor with it, which ends the re-sends.
/// </summary>
internal sealed class ShardedDelivery : UntypedActor, IWithTimers
{
    private readonly IActorRef _region;
    private readonly TimeSpan _retryInterval;
    private ShardedHttpRequest? _envelope;

    public ShardedDelivery(IActorRef region, TimeSpan retryInterval)
    {
        _region = region;
        _retryInterval = retryInterval;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef region, TimeSpan retryInterval) =>
        Akka.Actor.Props.Create(() => new ShardedDelivery(region, retryInterval));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ShardedHttpRequest envelope when _envelope is null:
                _envelope = envelope;
                _region.Tell(envelope, Self);
                Timers.StartPeriodicTimer(Resend.Instance, Resend.Instance, _retryInterval);
                break;
            case Resend when _envelope is not null:
                _region.Tell(_envelope, Self);
                break;
            case HttpResponse response:
                Context.Parent.Tell(response);
                Timers.CancelAll();
                Context.Become(_ => { }); // the first reply wins
                break;
            case var other when !Equals(Sender, Context.Parent):
                // An entity must answer an HttpResponse (ShardedEntity); anything else is its defect, answered 500.
                Context.GetLogger().Error("Sharded entity replied {0}, not an HttpResponse", other?.GetType().Name ?? "null");
                Self.Tell(ErrorResponses.For(500), Sender);
                break;
        }
    }

    private sealed class Resend
    {
        public static readonly Resend Instance = new();
    }
}
