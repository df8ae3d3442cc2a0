using System.Globalization;
using Akka.Actor;
using Akka.Persistence;
using ActorHttp.Http;
using ActorHttp.Routing;

namespace ActorHttp.Cluster;

/// <summary>
/// The built-in sharded entity <c>counter</c>: <c>GET</c> answers its count as text/plain, <c>POST</c> adds one and
/// answers the new count. Event-sourced: each POST persists an <see cref="Incremented"/> event to the journal
/// before it is answered, so the count survives the entity moving to another node, its node stopping or being killed.
/// A sharded route re-sends a request not answered in time, so one POST may arrive twice: the counter remembers the
/// delivery ids of its last <see cref="RememberedIncrements"/> increments (kept in their events, so a counter replayed
/// on another node remembers them too) and answers a repeated one with the count it made, without counting again.
/// </summary>
public sealed class CounterEntity : ReceivePersistentActor
{
    /// <summary>
    /// The event of one POST, with the delivery id of its request (<see cref="Guid.Empty"/> for a request without one,
    /// and for the events written before ids were).
    /// </summary>
    public sealed record Incremented(Guid DeliveryId);

    /// <summary>
    /// How many recent increments a counter recognises a re-sent POST of. Re-sends come within one handler timeout of
    /// the first delivery, so this covers a counter posted to some thirty times a second under the shipped profile.
    /// </summary>
    public const int RememberedIncrements = 1000;

    /// <summary>
    /// The counter's hand-off and passivation stop message (<see cref="ShardedEntity.StopMessage"/>). A command, so
    /// while a POST's event is being persisted it waits in the stash behind it: the POST is answered, then the
    /// counter stops. Sharding's PoisonPill would stop it before the answer, and the request would time out.
    /// </summary>
    public sealed class Stop
    {
        public static readonly Stop Instance = new();
        private Stop() { }
    }

    private const string Allow = "GET, HEAD, POST";
    private long _count;
    private readonly Dictionary<Guid, long> _countByDelivery = new();
    private readonly Queue<Guid> _deliveries = new(); // the keys of _countByDelivery, oldest first

    public CounterEntity(string entityId)
    {
        // The id is the path's value, so any text: the persistence id keeps it as it is, prefixed by the entity type.
        PersistenceId = "counter-" + entityId;
        Recover<Incremented>(Count);
        Command<ShardedHttpRequest>(envelope => OnRequest(envelope.Request, envelope.DeliveryId));
        Command<HttpRequest>(request => OnRequest(request, Guid.Empty));
        Command<Stop>(_ => Context.Stop(Self));
    }

    public override string PersistenceId { get; }

    /// <summary>The props of the counter with this id (sharding gives each entity its id as it starts it).</summary>
    public static Props Props(string entityId) => Akka.Actor.Props.Create(() => new CounterEntity(entityId));

    /// <summary>The counter as a sharded entity of type <paramref name="typeName"/>, stopped with <see cref="Stop"/>.</summary>
    public static ShardedEntity Sharded(string typeName, string? role) =>
        new(typeName, Props, role) { StopMessage = Stop.Instance, ReceivesEnvelope = true };

    private void OnRequest(HttpRequest request, Guid deliveryId)
    {
        switch (request.Method)
        {
            case "GET" or "HEAD":
                Sender.Tell(Count(_count));
                break;
            case "POST" when _countByDelivery.TryGetValue(deliveryId, out var counted):
                Sender.Tell(Count(counted)); // a re-sent POST already counted (its first answer was lost or late)
                break;
            case "POST":
                // Persist stashes the commands that arrive meanwhile, a re-send of this POST too: it finds the id remembered.
                var sender = Sender;
                Persist(new Incremented(deliveryId), incremented =>
                {
                    Count(incremented);
                    sender.Tell(Count(_count));
                });
                break;
            default:
                Sender.Tell(ErrorResponses.MethodNotAllowed(Allow));
                break;
        }
    }

    private void Count(Incremented incremented)
    {
        _count++;
        if (incremented.DeliveryId == Guid.Empty || !_countByDelivery.TryAdd(incremented.DeliveryId, _count)) return;
        _deliveries.Enqueue(incremented.DeliveryId);
        if (_deliveries.Count > RememberedIncrements) _countByDelivery.Remove(_deliveries.Dequeue());
    }

    private static HttpResponse Count(long count) =>
        HttpResponse.Text(200, count.ToString(CultureInfo.InvariantCulture) + "\n").WithHeader("Cache-Control", "no-store");
}
