using Akka.Actor;
using ActorHttp.Http;
using ActorHttp.Routing;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Cluster;

/// <summary>
/// One node: its health follows its membership, and a sharded request that cannot reach its entity, or whose entity
/// answers with what cannot cross nodes, gets a definite status rather than a hang.
/// </summary>
public sealed class NodeReadinessSpec : IAsyncLifetime
{
    /// <summary>An entity that answers with a file: fine on one machine, impossible across nodes.</summary>
    public sealed class FileEntity : ReceiveActor
    {
        public FileEntity() => Receive<HttpRequest>(_ => Sender.Tell(new HttpResponse(200, HttpHeaders.Empty, new ResponseBody.File("/etc/hostname", 0, 1))));
    }

    private readonly ClusterNodes _cluster = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Health_is_503_until_the_node_is_Up_and_an_entity_that_cannot_be_reached_in_time_answers_504()
    {
        var node = await _cluster.StartAsync("actorhttp.timeouts.handler = 1s");
        Assert.Equal("wal", SqliteJournalFileSpec.JournalMode(_cluster.Journal)); // the node's own doing: nothing else touched the file

        Assert.Equal((503, "not up in the cluster yet\n"), await node.SendAsync(HttpMethod.Get, "/health"));
        // No cluster, no shard coordinator: the region holds the request until the handler timeout.
        using (var response = await node.Client.GetAsync("/counter/a"))
        {
            Assert.Equal(504, (int)response.StatusCode);
            Assert.Equal("Gateway Timeout", response.ReasonPhrase);
        }

        node.Cluster.Join(node.Cluster.SelfAddress);
        await ClusterNodes.AwaitAsync(() => node.Cluster.SelfMember.Status == Akka.Cluster.MemberStatus.Up, TimeSpan.FromSeconds(10), "the node Up");

        Assert.Equal((200, "OK\n"), await node.SendAsync(HttpMethod.Get, "/health"));
        // Up, the node serves its counters once the shard coordinator it started is ready (a 504 until then).
        var answer = (Status: 0, Body: "");
        await ClusterNodes.AwaitAsync(() => (answer = node.SendAsync(HttpMethod.Get, "/counter/a").Result).Status != 504, TimeSpan.FromSeconds(10), "the counter");
        Assert.Equal((200, "0\n"), answer);
    }

    [Fact]
    public async Task An_entity_that_answers_with_a_file_gets_500_on_its_own_node_too_as_it_would_from_another()
    {
        var node = await _cluster.StartAsync(routes: new RouteBuilder().Sharded("GET", "/file/{id}", ShardedEntity.Of<FileEntity>("file")).Build());
        node.Cluster.Join(node.Cluster.SelfAddress);

        var (status, _) = await node.SendAsync(HttpMethod.Get, "/file/a");

        Assert.Equal(500, status);
    }
}
