using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Event;
using ActorHttp.Observability;

namespace ActorHttp.Cluster;

/// <summary>
/// Keeps the cluster's figures for the metrics and the log: members by status (from the cluster's events), and the
/// shards and entities each shard region hosts on this node (asked every <see cref="StatsInterval"/>). A line is
/// logged whenever a figure changes, so the log tells when a node joined, left, or took over shards.
/// </summary>
public sealed class ClusterMonitor : ReceiveActor, IWithTimers
{
    /// <summary>How often the shard regions are asked for their shards and entities: a figure at most this old.</summary>
    public static readonly TimeSpan StatsInterval = TimeSpan.FromSeconds(5);

    private readonly IReadOnlyDictionary<string, IActorRef> _regions;
    private readonly ClusterFigures _figures;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly Dictionary<UniqueAddress, MemberStatus> _members = new();
    private readonly HashSet<UniqueAddress> _unreachable = new();

    public ClusterMonitor(IReadOnlyDictionary<string, IActorRef> regions, ClusterFigures figures)
    {
        _regions = regions;
        _figures = figures;
        // The figures follow the events themselves: the cluster's read view (Cluster.State) may not have caught up yet.
        Receive<ClusterEvent.MemberRemoved>(e =>
        {
            _members.Remove(e.Member.UniqueAddress);
            _unreachable.Remove(e.Member.UniqueAddress);
            MembersChanged();
        });
        Receive<ClusterEvent.IMemberEvent>(e =>
        {
            _members[e.Member.UniqueAddress] = e.Member.Status;
            MembersChanged();
        });
        Receive<ClusterEvent.UnreachableMember>(e =>
        {
            _unreachable.Add(e.Member.UniqueAddress);
            MembersChanged();
        });
        Receive<ClusterEvent.ReachableMember>(e =>
        {
            _unreachable.Remove(e.Member.UniqueAddress);
            MembersChanged();
        });
        Receive<AskStats>(_ =>
        {
            // A region answers from a temporary actor once its shards have: asked, so that each answer names its type.
            foreach (var (type, region) in _regions)
                region.Ask<ShardRegionStats>(GetShardRegionStats.Instance, StatsInterval)
                    .PipeTo(Self, success: stats => new StatsOf(type, stats), failure: _ => new StatsOf(type, null));
        });
        Receive<StatsOf>(OnStats);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IReadOnlyDictionary<string, IActorRef> regions, ClusterFigures figures) =>
        Akka.Actor.Props.Create(() => new ClusterMonitor(regions, figures));

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        if (_regions.Count > 0) Timers.StartPeriodicTimer(AskStats.Instance, AskStats.Instance, TimeSpan.Zero, StatsInterval);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void MembersChanged()
    {
        var members = _members.Values.GroupBy(status => status).ToImmutableSortedDictionary(g => Status(g.Key), g => (long)g.Count(), StringComparer.Ordinal);
        if (!_figures.SetMembers(members, _unreachable.Count)) return;
        var self = _members.TryGetValue(_cluster.SelfUniqueAddress, out var status) ? Status(status) : "not a member";
        _log.Info("cluster: {0} members ({1}), {2} unreachable; this node {3}", _members.Count,
            string.Join(", ", members.Select(m => $"{m.Value} {m.Key}")), _unreachable.Count, self);
    }

    private void OnStats(StatsOf answer)
    {
        if (answer.Stats is not { } stats) return; // the region is busy (starting, handing off): next time
        var type = answer.EntityType;
        var entities = stats.Stats.Values.Sum(count => (long)count);
        if (_figures.SetShards(type, stats.Stats.Count, entities))
            _log.Info("sharding: {0} has {1} shards and {2} entities on this node", type, stats.Stats.Count, entities);
    }

    private static string Status(MemberStatus status) => status.ToString().ToLowerInvariant();

    private sealed record StatsOf(string EntityType, ShardRegionStats? Stats);

    private sealed class AskStats
    {
        public static readonly AskStats Instance = new();
    }
}

/// <summary>
/// The cluster figures <see cref="ClusterMonitor"/> keeps, read by the metrics from any thread: each is replaced
/// whole, never changed in place.
/// </summary>
public sealed class ClusterFigures
{
    private volatile ImmutableSortedDictionary<string, long> _members = ImmutableSortedDictionary<string, long>.Empty;
    private volatile ImmutableSortedDictionary<string, (long Shards, long Entities)> _sharding =
        ImmutableSortedDictionary.Create<string, (long, long)>(StringComparer.Ordinal);
    private long _unreachable;

    /// <summary>The members by status (up, joining, leaving...) and the unreachable ones; false when nothing changed.</summary>
    internal bool SetMembers(ImmutableSortedDictionary<string, long> members, long unreachable)
    {
        var changed = !members.SequenceEqual(_members) || Interlocked.Read(ref _unreachable) != unreachable;
        _members = members;
        Interlocked.Exchange(ref _unreachable, unreachable);
        return changed;
    }

    /// <summary>One entity type's shards and entities on this node; false when nothing changed.</summary>
    internal bool SetShards(string entityType, long shards, long entities)
    {
        var old = _sharding;
        if (old.TryGetValue(entityType, out var figures) && figures == (shards, entities)) return false;
        _sharding = old.SetItem(entityType, (shards, entities));
        return true;
    }

    public IReadOnlyList<(string Status, long Count)> Members =>
        _members.Select(m => (m.Key, m.Value)).Append(("unreachable", Interlocked.Read(ref _unreachable))).ToArray();

    public IReadOnlyList<(string EntityType, long Count)> Shards => _sharding.Select(s => (s.Key, s.Value.Shards)).ToArray();

    public IReadOnlyList<(string EntityType, long Count)> Entities => _sharding.Select(s => (s.Key, s.Value.Entities)).ToArray();

    /// <summary>Publishes the figures as the gauges <c>actorhttp.cluster.members</c>, <c>.shards</c> and <c>.entities</c>.</summary>
    public void AddTo(ServerMetrics metrics)
    {
        metrics.AddGauges("actorhttp.cluster.members", "Cluster members by status, as this node sees them.", "status", () => Members);
        metrics.AddGauges("actorhttp.cluster.shards", "Shards this node hosts, by entity type.", "entity_type", () => Shards);
        metrics.AddGauges("actorhttp.cluster.entities", "Entities running on this node, by entity type.", "entity_type", () => Entities);
    }
}
