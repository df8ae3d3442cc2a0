using Akka.Actor;
using Akka.Cluster;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Cluster;

/// <summary>
/// A node that leaves as SIGTERM makes it (CoordinatedShutdown: stop accepting, drain, hand off its shards, leave)
/// takes nothing with it: its counters are served by the others with the counts they had, replayed from the journal.
/// </summary>
public sealed class GracefulLeaveSpec : IAsyncLifetime
{
    private readonly ClusterNodes _cluster = new();

    public Task InitializeAsync() => _cluster.StartJoinedAsync(3);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task The_counters_of_a_node_that_leaves_are_served_by_the_others_with_their_counts()
    {
        var ids = Enumerable.Range(0, 8).Select(i => "g" + i).ToArray();
        foreach (var id in ids)
            for (var n = 1; n <= 3; n++)
                Assert.Equal((200, $"{n}\n"), await _cluster[0].SendAsync(HttpMethod.Post, "/counter/" + id));
        // The node that leaves is one that owns counters, and not the first, whose departure would also move the
        // shard coordinator and make the spec slower.
        var leaving = _cluster[1];
        var owned = await leaving.EntitiesAsync();
        if (owned.Count == 0) (leaving, owned) = (_cluster[2], await _cluster[2].EntitiesAsync());
        Assert.NotEmpty(owned);

        await CoordinatedShutdown.Get(leaving.System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(leaving.System.WhenTerminated.IsCompleted, "the node left and stopped");
        await ClusterNodes.AwaitAsync(() => _cluster[0].Cluster.State.Members.Count == 2, TimeSpan.FromSeconds(10), "the node removed");
        foreach (var id in ids)
            Assert.Equal((200, "3\n"), await _cluster[0].SendAsync(HttpMethod.Get, "/counter/" + id));
        var survivors = _cluster.Nodes.Where(n => n != leaving).ToArray();
        var served = (await Task.WhenAll(survivors.Select(n => n.EntitiesAsync()))).SelectMany(e => e);
        Assert.Superset(owned.ToHashSet(), served.ToHashSet());
    }
}
