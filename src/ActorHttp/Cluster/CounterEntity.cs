using System.Globalization;
using Akka.Actor;
using Akka.Persistence;
using ActorHttp.Http;

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

    private const string Allow = "GET, HEAD, POST";
    private long _count;

    public CounterEntity(string entityId)
    {
        // The id is the path's value, so any text: the persistence id keeps it as it is, prefixed by the entity type.
        PersistenceId = "counter-" + entityId;
        Recover<Incremented>(_ => _count++);
        Command<HttpRequest>(OnRequest);
    }

    public override string PersistenceId { get; }

    /// <summary>The props of the counter with this id (sharding gives each entity its id as it starts it).</summary>
    public static Props Props(string entityId) => Akka.Actor.Props.Create(() => new CounterEntity(entityId));

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
