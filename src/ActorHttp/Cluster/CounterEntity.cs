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
/// </summary>
public sealed class CounterEntity : ReceivePersistentActor
{
    /// <summary>The event of one POST. Data-less, so one instance.</summary>
    public sealed class Incremented
    {
        public static readonly Incremented Instance = new();
        private Incremented() { }
    }

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

    public CounterEntity(string entityId)
    {
        // The id is the path's value, so any text: the persistence id keeps it as it is, prefixed by the entity type.
        PersistenceId = "counter-" + entityId;
        Recover<Incremented>(_ => _count++);
        Command<HttpRequest>(OnRequest);
        Command<Stop>(_ => Context.Stop(Self));
    }

    public override string PersistenceId { get; }

    /// <summary>The props of the counter with this id (sharding gives each entity its id as it starts it).</summary>
    public static Props Props(string entityId) => Akka.Actor.Props.Create(() => new CounterEntity(entityId));

    /// <summary>The counter as a sharded entity of type <paramref name="typeName"/>, stopped with <see cref="Stop"/>.</summary>
    public static ShardedEntity Sharded(string typeName, string? role) => new(typeName, Props, role) { StopMessage = Stop.Instance };

    private void OnRequest(HttpRequest request)
    {
        switch (request.Method)
        {
            case "GET" or "HEAD":
                Sender.Tell(Count(_count));
                break;
            case "POST":
                var sender = Sender;
                Persist(Incremented.Instance, _ =>
                {
                    _count++;
                    sender.Tell(Count(_count));
                });
                break;
            default:
                Sender.Tell(ErrorResponses.MethodNotAllowed(Allow));
                break;
        }
    }

    private static HttpResponse Count(long count) =>
        HttpResponse.Text(200, count.ToString(CultureInfo.InvariantCulture) + "\n").WithHeader("Cache-Control", "no-store");
}
