using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ActorHttp.Tests.Hosting;
using ActorHttp.Tests.Support;
using Xunit.Abstractions;

namespace ActorHttp.Tests.Cluster;

/// <summary>
/// Three real nodes on loopback behind HAProxy with deploy/haproxy.cfg, under a steady stream of
/// <c>POST /counter/{id}</c>: a node stopped with SIGTERM costs no request, a node killed with SIGKILL costs only
/// requests to its own entities, which come back on the survivors with their counts. Each spec starts its own
/// cluster (the specs of a class run one after the other); every step is bounded in time.
/// </summary>
public sealed partial class LoopbackClusterProcessSpec(ITestOutputHelper output)
{
    private const int SIGKILL = 9;

    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LoadBound = TimeSpan.FromSeconds(15);

    /// <summary>The first requests start every counter (a journal read each) on a cluster that has just formed.</summary>
    private static readonly TimeSpan WarmUpBound = TimeSpan.FromSeconds(30);

    /// <summary>What the issue promises for a killed node's entities with the shipped profile.</summary>
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(30);

    /// <summary>
    /// One request to a node under the load, which takes seconds on a busy 2-core machine (HAProxy logged POSTs of
    /// 1 to 4 s in a run that failed): given 2 s, a GET of a counter already back was counted as still waiting, and a
    /// metrics read that timed out failed the spec.
    /// </summary>
    private static readonly TimeSpan RequestBound = TimeSpan.FromSeconds(10);

    private static readonly string[] Ids = Enumerable.Range(1, 24).Select(i => $"c{i}").ToArray();

    [FactNeeding(DebianPackage.Haproxy)]
    public async Task Behind_HAProxy_a_node_stopped_with_SIGTERM_under_load_exits_0_and_costs_no_request()
    {
        await using var cluster = await LoopbackCluster.StartAsync(3);
        using var client = new HttpClient { BaseAddress = cluster.Balancer, Timeout = TimeSpan.FromSeconds(10) };

        // Node 3 stops taking requests, finishes what it has, hands off its shards, leaves and exits 0. A request
        // another node's region had in flight to a shard being handed off is dropped by sharding and sent again by
        // its route (actorhttp.cluster.retry-interval); its counter, replayed on a survivor, counts it once.
        IReadOnlyList<CounterLoad.Outcome> outcomes;
        await using (var load = CounterLoad.Start(cluster.Balancer, Ids))
        {
            await load.WaitForMoreSuccessesAsync(60, WarmUpBound);
            cluster.Node(3).Signal(HostProcess.SIGTERM);
            Assert.Equal(0, await cluster.Node(3).WaitForExitAsync(ExitBound));
            await load.WaitForMoreSuccessesAsync(60, LoadBound);
            outcomes = await load.StopAsync();
        }
        var failed = outcomes.Where(o => o.Status != 200).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of {outcomes.Count} requests failed around the SIGTERM:\n{string.Join("\n", failed.Take(10))}\n{cluster.Diagnostics()}");
        AssertAnswersCountUp(outcomes, new Dictionary<string, long>());
        var counts = await CountsAsync(client);
        foreach (var id in Ids)
            Assert.Equal(outcomes.Count(o => o.Id == id), counts[id]);
    }

    [FactNeeding(DebianPackage.Haproxy)]
    public async Task Behind_HAProxy_a_node_killed_with_SIGKILL_costs_only_requests_to_it_and_its_counters_come_back_with_their_counts()
    {
        await using var cluster = await LoopbackCluster.StartAsync(3);
        using var client = new HttpClient { BaseAddress = cluster.Balancer, Timeout = TimeSpan.FromSeconds(10) };

        // Node 2 dies with whatever it had in flight.
        await using var load = CounterLoad.Start(cluster.Balancer, Ids);
        await load.WaitForMoreSuccessesAsync(60, WarmUpBound);
        var onNode2 = await EntitiesHostedAsync(cluster, node: 2);
        var killedAt = load.Elapsed;
        cluster.Node(2).Signal(SIGKILL);
        var recovery = await EveryCounterAnswersAsync(cluster, RecoveryBound);
        await load.WaitForMoreSuccessesAsync(Ids.Length, LoadBound);
        output.WriteLine($"every counter answered a GET again {recovery.TotalSeconds:0.0} s after the SIGKILL");
        // Requests to node 2's entities are re-sent until their shards start on the survivors; any still waiting is abandoned.
        var outcomes = await load.StopAsync(grace: TimeSpan.FromSeconds(3));

        // Requests in flight through node 2 when it died fail whatever their entity; after that, only requests to the
        // entities node 2 hosted may fail.
        var failedLater = outcomes.Where(o => o.Status != 200 && o.Started > killedAt).ToList();
        var failedIds = failedLater.Select(o => o.Id).Distinct().ToList();
        Assert.True(failedIds.Count <= onNode2,
            $"requests to {failedIds.Count} counters failed after the kill, but node 2 hosted only {onNode2} " +
            $"(every counter answered again {recovery.TotalSeconds:0.0} s after the kill):\n" + string.Join("\n", failedLater.Take(10)));
        AssertAnswersCountUp(outcomes, new Dictionary<string, long>());
        var final = await CountsAsync(client);
        foreach (var id in Ids)
        {
            // Every acknowledged POST is in the count (replayed from the journal); a POST that failed or was abandoned
            // may or may not have been written before the node died.
            var acknowledged = outcomes.Count(o => o.Id == id && o.Status == 200);
            var unanswered = outcomes.Count(o => o.Id == id && o.Status != 200);
            Assert.InRange(final[id], acknowledged, acknowledged + unanswered);
        }
    }

    /// <summary>
    /// Waits until a GET of every counter through the balancer answers 200: each entity of the killed node has started
    /// again on a survivor. A GET that finds its entity still on the dead node is re-sent by its route until the entity
    /// has moved, and answered then; each is given <see cref="RequestBound"/>.
    /// </summary>
    private static async Task<TimeSpan> EveryCounterAnswersAsync(LoopbackCluster cluster, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        using var client = new HttpClient { BaseAddress = cluster.Balancer, Timeout = RequestBound };
        var waiting = new HashSet<string>(Ids);
        await LoopbackCluster.Eventually(async () =>
        {
            var answered = await Task.WhenAll(waiting.Select(async id => (id, status: await LoopbackCluster.StatusAsync(client, new Uri(cluster.Balancer, $"counter/{id}")))));
            waiting.ExceptWith(answered.Where(a => a.status == 200).Select(a => a.id));
            return waiting.Count == 0;
        }, timeout, "every counter answers a GET again after the SIGKILL", cluster);
        return clock.Elapsed;
    }

    /// <summary>Each id's answers, in the order its (sequential) requests were made, count up from its count before.</summary>
    private static void AssertAnswersCountUp(IReadOnlyList<CounterLoad.Outcome> outcomes, IReadOnlyDictionary<string, long> before)
    {
        foreach (var group in outcomes.Where(o => o.Count is not null).GroupBy(o => o.Id))
        {
            var previous = before.GetValueOrDefault(group.Key);
            foreach (var outcome in group.OrderBy(o => o.Started))
            {
                Assert.True(outcome.Count > previous, $"{outcome} answered {outcome.Count} after {previous}");
                previous = outcome.Count!.Value;
            }
        }
    }

    /// <summary>GET /counter/{id} of every id through the balancer.</summary>
    private static async Task<Dictionary<string, long>> CountsAsync(HttpClient client)
    {
        var counts = new Dictionary<string, long>();
        foreach (var id in Ids)
        {
            using var response = await client.GetAsync($"counter/{id}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"GET /counter/{id}: {(int)response.StatusCode} {body}");
            counts[id] = long.Parse(body.Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
        }
        return counts;
    }

    /// <summary>
    /// The counters node <paramref name="node"/> hosts, from its metrics, once the three nodes' figures (refreshed
    /// every few seconds) add up to every id: only this spec's counters run in the cluster.
    /// </summary>
    private static async Task<long> EntitiesHostedAsync(LoopbackCluster cluster, int node)
    {
        using var client = new HttpClient { Timeout = RequestBound };
        var perNode = new long[3];
        await LoopbackCluster.Eventually(async () =>
        {
            for (var i = 0; i < 3; i++) perNode[i] = await EntitiesAsync(client, cluster.NodeUri(i + 1));
            return perNode.Sum() == Ids.Length;
        }, TimeSpan.FromSeconds(15), $"the nodes' entity counts add up to {Ids.Length}", cluster);
        return perNode[node - 1];
    }

    private static async Task<long> EntitiesAsync(HttpClient client, Uri node)
    {
        var metrics = await client.GetStringAsync(new Uri(node, "metrics"));
        return EntitiesLine().Matches(metrics).Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^actorhttp_cluster_entities\{[^}]*\} (\d+)$", RegexOptions.Multiline)]
    private static partial Regex EntitiesLine();
}
