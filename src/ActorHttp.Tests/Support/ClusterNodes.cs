using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using ActorHttp.Configuration;
using ActorHttp.Hosting;
using ActorHttp.Routing;

namespace ActorHttp.Tests.Support;

/// <summary>
/// Cluster nodes in one test process: each an actor system named actorhttp on a free remoting port (port 0), with
/// the configuration the console host gives a node (<see cref="ClusterConfig.For"/>), an HTTP server on a free port
/// with the counter at /counter/{id}, and the console host's CoordinatedShutdown tasks. They share one SQLite journal
/// in a temporary folder, and join each other with <see cref="Cluster.Join"/>.
/// </summary>
public sealed class ClusterNodes : IAsyncDisposable
{
    /// <summary>
    /// Akka's cluster timings shortened for a test: gossip and leader actions five times as often, so that a join or a
    /// leave takes a fraction of a second, not seconds. The log is off: INFO shows a cluster's every step when a spec
    /// needs debugging.
    /// </summary>
    private const string TestTimings = """
        akka.loggers = ["Akka.Event.DefaultLogger"]
        akka.loglevel = OFF
        akka.stdout-loglevel = OFF
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        akka.cluster.gossip-interval = 200ms
        akka.cluster.leader-actions-interval = 200ms
        akka.cluster.periodic-tasks-initial-delay = 0s
        akka.cluster.sharding.retry-interval = 200ms
        akka.cluster.sharding.waiting-for-state-timeout = 500ms
        akka.cluster.sharding.updating-state-timeout = 1s
        akka.cluster.sharding.shard-start-timeout = 1s
        akka.cluster.sharding.rebalance-interval = 1s
        akka.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout = 3s
        """;

    private readonly TestWww _www = new();
    private readonly List<Node> _nodes = new();

    public ClusterNodes()
    {
        Journal = Path.Combine(_www.Root, "journal.db");
    }

    /// <summary>The SQLite file every node's journal writes to.</summary>
    public string Journal { get; }

    public IReadOnlyList<Node> Nodes => _nodes;

    public Node this[int index] => _nodes[index];

    /// <summary>Starts a node (not joined yet) with <paramref name="hocon"/> over the test's cluster settings.</summary>
    public async Task<Node> StartAsync(string hocon = "", RouteTable? routes = null)
    {
        var given = ConfigurationFactory.ParseString($$"""
            actorhttp {
              root = {{ConfigLoader.Quote(_www.Root)}}
              port = 0
              access-log = off
              metrics.path = "/metrics"
              # The first write to a fresh journal prepares its statements: seconds, on a busy machine.
              timeouts.handler = 15s
              shutdown-timeout = 2s
              cluster {
                enabled = on
                port = 0
                number-of-shards = 20
                journal.connection-string = {{ConfigLoader.Quote("Data Source=" + Journal)}}
              }
              routes = [
                { method = GET, path = "/health", handler = health }
                { method = "*", path = "/counter/{id}", sharded = counter }
              ]
            }
            {{hocon}}
            """).WithFallback(ConfigurationFactory.ParseString(TestTimings)).WithFallback(ServerSettings.Reference);
        var settings = ServerSettings.Create(given);
        var system = ActorSystem.Create(ActorHttp.Configuration.ClusterSettings.SystemName, ClusterConfig.For(settings.Cluster, given));
        var binding = await HttpServer.StartAsync(system, settings, routes);
        binding.AddToCoordinatedShutdown(CoordinatedShutdown.Get(system));
        var node = new Node(system, binding);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Starts <paramref name="count"/> nodes and joins them all to the first; returns once each sees all Up.</summary>
    public async Task StartJoinedAsync(int count, RouteTable? routes = null)
    {
        for (var i = 0; i < count; i++) await StartAsync(routes: routes);
        var first = _nodes[0].Cluster.SelfAddress;
        foreach (var node in _nodes) node.Cluster.Join(first);
        await AwaitAsync(() => _nodes.All(n => n.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up) == count), TimeSpan.FromSeconds(15));
    }

    /// <summary>Polls <paramref name="condition"/> every 50 ms until it holds, failing after <paramref name="within"/>.</summary>
    public static async Task AwaitAsync(Func<bool> condition, TimeSpan within, string? what = null)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within {within}: {what ?? "the condition"}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // the journal's file stays open in the pool otherwise
        _www.Dispose();
    }

    /// <summary>One node: its actor system, its HTTP server, and a client for it.</summary>
    public sealed class Node(ActorSystem system, ServerBinding binding) : IAsyncDisposable
    {
        public ActorSystem System { get; } = system;

        public ServerBinding Binding { get; } = binding;

        public HttpClient Client { get; } = new() { BaseAddress = binding.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };

        public Akka.Cluster.Cluster Cluster => Akka.Cluster.Cluster.Get(System);

        /// <summary>The ids of the entities of <paramref name="typeName"/> running on this node.</summary>
        public async Task<IReadOnlySet<string>> EntitiesAsync(string typeName = "counter")
        {
            var state = await ClusterSharding.Get(System).ShardRegion(typeName)
                .Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(5));
            return state.Shards.SelectMany(s => s.EntityIds).ToHashSet();
        }

        public async Task<(int Status, string Body)> SendAsync(HttpMethod method, string path, byte[]? body = null)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null) request.Content = new ByteArrayContent(body);
            using var response = await Client.SendAsync(request);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ActorSystemTerminateReason.Instance);
            await System.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(20));
        }
    }
}
