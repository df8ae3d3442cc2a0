using Akka.Actor;
using Akka.Configuration;
using ActorHttp.Cluster;
using ActorHttp.Configuration;
using ActorHttp.Hosting;
using ActorHttp.Http;
using ActorHttp.Routing;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Cluster;

/// <summary>
/// The counter entity's events in a real journal (Akka.Persistence.Sql, configured as a node configures it from
/// <c>actorhttp.cluster.journal</c>): written by one actor system, replayed by a fresh one, as when an entity starts
/// again on another node. The same spec runs on SQLite and on PostgreSQL.
/// </summary>
public abstract class CounterJournalSpec
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(20);

    protected abstract JournalSettings Journal();

    protected async Task A_counter_written_by_one_actor_system_is_replayed_by_a_fresh_one_and_counts_on()
    {
        var journal = Journal();
        using (var first = NodeSystem(journal))
        {
            var counter = first.ActorOf(CounterEntity.Props("a"));
            Assert.Equal("1", await Ask(counter, "POST"));
            Assert.Equal("2", await Ask(counter, "POST"));
            Assert.Equal("3", await Ask(counter, "POST"));
            // Another id is another persistence id: its count is its own.
            Assert.Equal("1", await Ask(first.ActorOf(CounterEntity.Props("b")), "POST"));
            await first.Terminate();
        }

        using var second = NodeSystem(journal);
        var replayed = second.ActorOf(CounterEntity.Props("a"));
        Assert.Equal("3", await Ask(replayed, "GET"));
        Assert.Equal("4", await Ask(replayed, "POST"));
        Assert.Equal("1", await Ask(second.ActorOf(CounterEntity.Props("b")), "GET"));
        Assert.Equal("0", await Ask(second.ActorOf(CounterEntity.Props("never-posted")), "GET"));
        await second.Terminate();
    }

    /// <summary>An actor system configured as a cluster node with this journal (remoting on a free port, joining nothing).</summary>
    protected static ActorSystem NodeSystem(JournalSettings journal)
    {
        var settings = ClusterSettings.Off with { Enabled = true, Port = 0, Journal = journal };
        settings.Validate();
        return ActorSystem.Create(ClusterSettings.SystemName, ClusterConfig.For(settings, ConfigurationFactory.ParseString("akka.loglevel = WARNING")));
    }

    private static async Task<string> Ask(IActorRef counter, string method)
    {
        var response = await counter.Ask<HttpResponse>(Requests.Build(method, "/counter/x", ReadOnlyMemory<byte>.Empty), AskTimeout);
        Assert.Equal(200, response.Status);
        return response.BodyText().Trim();
    }
}

public sealed class SqliteCounterJournalSpec : CounterJournalSpec, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorhttp-journal-").FullName;

    protected override JournalSettings Journal() =>
        new(JournalSettings.Sqlite, $"Data Source={Path.Combine(_folder, "journal.db")}");

    [Fact]
    public Task On_SQLite_a_counter_written_by_one_actor_system_is_replayed_by_a_fresh_one_and_counts_on() =>
        A_counter_written_by_one_actor_system_is_replayed_by_a_fresh_one_and_counts_on();

    [Fact]
    public async Task A_counter_told_to_stop_for_a_hand_off_while_it_persists_a_POST_answers_the_POST_first()
    {
        using var system = NodeSystem(Journal());
        var counter = system.ActorOf(CounterEntity.Props("handed-off"));
        var watcher = counter.WatchAsync();

        // A shard hands off by sending each entity its stop message: on SIGTERM, with requests in flight.
        var post = counter.Ask<HttpResponse>(Requests.Build("POST", "/counter/handed-off", ReadOnlyMemory<byte>.Empty), TimeSpan.FromSeconds(10));
        counter.Tell(CounterEntity.Sharded("counter", role: null).StopMessage);

        Assert.Equal("1", (await post).BodyText().Trim());
        Assert.True(await watcher, "the counter stops once it has answered");
        await system.Terminate();
    }

    private static Task<HttpResponse> Deliver(IActorRef counter, string method, Guid deliveryId) =>
        counter.Ask<HttpResponse>(new ShardedHttpRequest("x", Requests.Build(method, "/counter/x", ReadOnlyMemory<byte>.Empty)) { DeliveryId = deliveryId },
            TimeSpan.FromSeconds(20));

    [Fact]
    public async Task A_POST_delivered_twice_counts_once_and_both_deliveries_answer_the_count_it_made()
    {
        using var system = NodeSystem(Journal());
        var counter = system.ActorOf(CounterEntity.Props("twice"));
        var (post, other) = (Guid.NewGuid(), Guid.NewGuid());

        // The second delivery arrives while the first's event is being persisted, as a re-send after a slow write does.
        var first = Deliver(counter, "POST", post);
        var second = Deliver(counter, "POST", post);
        Assert.Equal("1", (await first).BodyText().Trim());
        Assert.Equal("1", (await second).BodyText().Trim());
        Assert.Equal("2", (await Deliver(counter, "POST", other)).BodyText().Trim());
        Assert.Equal("1", (await Deliver(counter, "POST", post)).BodyText().Trim()); // still the count it made
        Assert.Equal("2", (await Deliver(counter, "GET", Guid.NewGuid())).BodyText().Trim());
        await system.Terminate();
    }

    [Fact]
    public async Task A_counter_started_again_from_its_journal_still_recognises_a_POST_it_counted()
    {
        var post = Guid.NewGuid();
        using (var first = NodeSystem(Journal()))
        {
            var counter = first.ActorOf(CounterEntity.Props("moved"));
            Assert.Equal("1", (await Deliver(counter, "POST", post)).BodyText().Trim());
            Assert.Equal("2", (await Deliver(counter, "POST", Guid.NewGuid())).BodyText().Trim());
            await first.Terminate();
        }

        // Its shard moved (a node left or died) while the answer was lost: the re-send reaches the replayed counter.
        using var second = NodeSystem(Journal());
        var replayed = second.ActorOf(CounterEntity.Props("moved"));
        Assert.Equal("1", (await Deliver(replayed, "POST", post)).BodyText().Trim());
        Assert.Equal("3", (await Deliver(replayed, "POST", Guid.NewGuid())).BodyText().Trim());
        await second.Terminate();
    }

    public void Dispose()
    {
        // SQLite's connection pool may still hold the file open for a moment; the folder is in the temp folder anyway.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresCounterJournalSpec(PostgresServer postgres) : CounterJournalSpec
{
    protected override JournalSettings Journal() => new(JournalSettings.PostgreSql, postgres.CreateDatabase());

    [FactNeeding(DebianPackage.Postgresql)]
    public Task On_PostgreSQL_a_counter_written_by_one_actor_system_is_replayed_by_a_fresh_one_and_counts_on() =>
        A_counter_written_by_one_actor_system_is_replayed_by_a_fresh_one_and_counts_on();
}
