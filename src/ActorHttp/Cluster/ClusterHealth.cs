using Akka.Actor;
using Akka.Cluster;

namespace ActorHttp.Cluster;

/// <summary>
/// Whether this node should get traffic as a cluster member: only while it is Up. Before (joining, or waiting for
/// seed nodes) its sharded routes could not reach any entity; once it leaves (Leaving, Exiting, Down, Removed) its
/// shards are handed off, and a load balancer must have stopped sending to it first.
/// </summary>
public static class ClusterHealth
{
    /// <summary>The reason this node is not ready, or null when it is Up. Reads the cluster's own view; never blocks.</summary>
    public static Func<string?> NotReady(ActorSystem system)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        return () => cluster.IsTerminated ? "left the cluster"
            : cluster.SelfMember.Status switch
            {
                MemberStatus.Up => null,
                // Removed is also how a node sees itself before it joined: once it left, the cluster is terminated.
                MemberStatus.Removed or MemberStatus.Joining or MemberStatus.WeaklyUp => "not up in the cluster yet",
                _ => "leaving the cluster",
            };
    }
}
