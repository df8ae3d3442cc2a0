using System.Text;
using Akka.Actor;
using Akka.Cluster;
using ActorHttp.Http;
using ActorHttp.Routing;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Cluster;

/// <summary>
/// Three nodes joined in one process: a request on any node reaches its entity on whichever node owns it, through
/// remoting (so through ActorHttp's serializer), and every node sees the same state.
/// </summary>
public sealed class CrossNodeRoutingSpec(CrossNodeRoutingSpec.ThreeNodes fixture) : IClassFixture<CrossNodeRoutingSpec.ThreeNodes>
{
    /// <summary>One cluster for the specs of this class: none of them stops a node.</summary>
    public sealed class ThreeNodes : IAsyncLifetime
    {
        public ClusterNodes Cluster { get; } = new();

        public Task InitializeAsync() => Cluster.StartJoinedAsync(3, EchoRoutes);

        public async Task DisposeAsync() => await Cluster.DisposeAsync();
    }

    /// <summary>
    /// A sharded entity that answers with the request's body and headers, and the port of the node it runs on; with the
    /// query <c>bytes=N</c>, with N zero bytes instead.
    /// </summary>
    public sealed class EchoEntity : ReceiveActor
    {
        public EchoEntity() => Receive<HttpRequest>(request => Sender.Tell(
            HttpResponse.Bytes(200, request.Query.StartsWith("bytes=") ? new byte[int.Parse(request.Query[6..])] : request.Body,
                    request.Headers.Get("Content-Type") ?? "application/octet-stream")
                .WithHeader("X-Entity-Node", Akka.Cluster.Cluster.Get(Context.System).SelfAddress.Port!.Value.ToString())
                .WithHeader("X-Entity-Id", request.RouteValue("id") ?? "")));
    }

    private static readonly RouteTable EchoRoutes = new RouteBuilder().Sharded("*", "/echo/{id}", ShardedEntity.Of<EchoEntity>("echo")).Build();

    private readonly ClusterNodes _cluster = fixture.Cluster;

    [Fact]
    public async Task Counters_posted_through_one_node_live_on_all_three_and_every_node_reads_the_same_counts()
    {
        var ids = Enumerable.Range(0, 12).Select(i => "c" + i).ToArray();
        foreach (var id in ids)
        {
            Assert.Equal((200, "1\n"), await _cluster[0].SendAsync(HttpMethod.Post, "/counter/" + id));
            Assert.Equal((200, "2\n"), await _cluster[0].SendAsync(HttpMethod.Post, "/counter/" + id));
        }

        foreach (var node in _cluster.Nodes)
            foreach (var id in ids)
                Assert.Equal((200, "2\n"), await node.SendAsync(HttpMethod.Get, "/counter/" + id));
        var owners = await Task.WhenAll(_cluster.Nodes.Select(n => n.EntitiesAsync()));
        var running = owners.SelectMany(o => o).Intersect(ids).ToList();
        Assert.Equal(ids.Order(), running.Order()); // each once: one entity per id in the whole cluster
        Assert.True(owners[1].Intersect(ids).Any() || owners[2].Intersect(ids).Any(), "every counter lives on the node the requests came through");
    }

    [Fact]
    public async Task A_request_body_and_the_response_s_headers_and_body_cross_nodes_intact()
    {
        var body = new byte[100_000];
        new Random(15).NextBytes(body);
        var remote = await RemoteIdAsync("echo");

        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/x-test");
        using var response = await _cluster[0].Client.PostAsync("/echo/" + remote, content);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.NotEqual(_cluster[0].Cluster.SelfAddress.Port.ToString(), response.Headers.GetValues("X-Entity-Node").Single());
        Assert.Equal(remote, response.Headers.GetValues("X-Entity-Id").Single());
        Assert.Equal("application/x-test", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_request_too_long_for_a_remoting_frame_answers_413_at_once_instead_of_being_dropped()
    {
        var (status, _) = await _cluster[0].SendAsync(HttpMethod.Post, "/echo/big", new byte[130_000]);

        Assert.Equal(413, status);
    }

    [Fact]
    public async Task An_entity_id_longer_than_a_journal_keeps_answers_404_without_starting_an_entity()
    {
        var id = new string('x', ShardedHttpRequest.MaxEntityIdLength + 1);

        Assert.Equal(404, (await _cluster[0].SendAsync(HttpMethod.Post, "/counter/" + id)).Status);
        Assert.Equal((200, "1\n"), await _cluster[0].SendAsync(HttpMethod.Post, "/counter/" + id[1..]));
    }

    [Fact]
    public async Task A_response_too_long_for_a_remoting_frame_answers_500_at_once_instead_of_being_dropped()
    {
        var remote = await RemoteIdAsync("echo");

        var (status, _) = await _cluster[0].SendAsync(HttpMethod.Get, $"/echo/{remote}?bytes=200000");

        // Dropped by remoting, the response would have been a 504 after the handler timeout.
        Assert.Equal(500, status);
    }

    [Fact]
    public async Task Every_node_s_metrics_show_the_members_and_the_shards_and_entities_it_hosts()
    {
        foreach (var id in new[] { "m0", "m1", "m2", "m3", "m4", "m5" })
            await _cluster[0].SendAsync(HttpMethod.Post, "/counter/" + id);

        var metrics = await Task.WhenAll(_cluster.Nodes.Select(n => n.Client.GetStringAsync("/metrics")));
        Assert.All(metrics, text => Assert.Contains("actorhttp_cluster_members{status=\"up\"} 3\n", text));
        // The regions are asked every few seconds: the figures catch up with the six counters within one round.
        await ClusterNodes.AwaitAsync(() => _cluster.Nodes.Sum(n => Gauge(n, "actorhttp_cluster_entities{entity_type=\"counter\"}")) >= 6,
            TimeSpan.FromSeconds(10), "six counters in the metrics");
        Assert.True(_cluster.Nodes.Sum(n => Gauge(n, "actorhttp_cluster_shards{entity_type=\"counter\"}")) >= 1);
    }

    private static long Gauge(ClusterNodes.Node node, string series) =>
        node.Client.GetStringAsync("/metrics").Result.Split('\n').Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(l => long.Parse(l[(series.Length + 1)..])).SingleOrDefault();

    /// <summary>An entity id whose entity runs on another node than the first, found by asking the other nodes' regions.</summary>
    private async Task<string> RemoteIdAsync(string type)
    {
        for (var i = 0; i < 50; i++)
        {
            var id = "e" + i;
            await _cluster[1].SendAsync(HttpMethod.Get, $"/{type}/{id}");
            if ((await _cluster[1].EntitiesAsync(type)).Contains(id) || (await _cluster[2].EntitiesAsync(type)).Contains(id)) return id;
        }
        throw new InvalidOperationException("no entity was placed on the second or third node");
    }
}
