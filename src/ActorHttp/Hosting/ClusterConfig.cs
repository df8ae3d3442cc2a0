using Akka.Configuration;
using Akka.Persistence.Sql;
using ActorHttp.Configuration;

namespace ActorHttp.Hosting;

/// <summary>
/// The actor system's configuration of a cluster node, from <c>actorhttp.cluster</c>. Layers, highest first: what the
/// <c>actorhttp.cluster</c> keys say (the cluster provider, remoting's address, the seed nodes, the roles, the journal's
/// database), then the configuration given (a profile such as hocon/cluster.conf tunes Akka there), then the defaults
/// a node needs (<see cref="NodeDefaults"/>), then Akka.Persistence.Sql's own reference, which it does not load itself.
/// </summary>
public static class ClusterConfig
{
    /// <summary>
    /// Room left in a remoting frame for what travels around an ActorHttp message: the recipient's and sender's actor
    /// paths, the serializer id and manifest, remoting's own framing. Far more than they take.
    /// </summary>
    public const int EnvelopeReserve = 4096;

    /// <summary>The configuration as given when the cluster is off; else the node's, layered as above.</summary>
    public static Config For(ClusterSettings settings, Config config)
    {
        if (!settings.Enabled) return config;
        var journal = $$"""
            connection-string = {{ConfigLoader.Quote(settings.Journal.ConnectionString)}}
            provider-name = {{ConfigLoader.Quote(settings.Journal.ProviderName)}}
            """;
        var node = ConfigurationFactory.ParseString($$"""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp.hostname = {{ConfigLoader.Quote(settings.Hostname)}}
            akka.remote.dot-netty.tcp.port = {{settings.Port}}
            akka.cluster.seed-nodes = [{{string.Join(", ", settings.SeedNodes.Select(ConfigLoader.Quote))}}]
            akka.cluster.roles = [{{string.Join(", ", settings.Roles.Select(ConfigLoader.Quote))}}]
            akka.persistence.journal.sql { {{journal}} }
            akka.persistence.snapshot-store.sql { {{journal}} }
            """);
        return node.WithFallback(config).WithFallback(NodeDefaults).WithFallback(SqlPersistence.DefaultConfiguration);
    }

    /// <summary>
    /// What every node needs and a profile may still change: the journal plugins, sharding's state in Distributed
    /// Data, and ActorHttp's serializer bound to the messages that cross nodes.
    /// </summary>
    public static readonly Config NodeDefaults = ConfigurationFactory.ParseString("""
        akka {
          persistence {
            # Persistent entities (the counter) write through Akka.Persistence.Sql to actorhttp.cluster.journal.
            journal.plugin = "akka.persistence.journal.sql"
            snapshot-store.plugin = "akka.persistence.snapshot-store.sql"
          }
          cluster.sharding {
            # Where each shard lives is kept in Distributed Data (replicated in memory between the nodes), not in the
            # journal, sharding's embedded default: the journal holds entities' events alone.
            state-store-mode = ddata
            # Entities start on their first request after a move, not all at once on the new node.
            remember-entities = off
          }
          actor {
            # Akka's default serializer would write request and response bodies as nothing (ActorHttp.Cluster.ClusterMessageSerializer).
            serializers.actorhttp = "ActorHttp.Cluster.ClusterMessageSerializer, ActorHttp"
            serialization-bindings {
              "ActorHttp.Routing.ShardedHttpRequest, ActorHttp" = actorhttp
              "ActorHttp.Http.HttpRequest, ActorHttp" = actorhttp
              "ActorHttp.Http.HttpResponse, ActorHttp" = actorhttp
              "ActorHttp.Cluster.CounterEntity+Incremented, ActorHttp" = actorhttp
            }
          }
        }
        """);

    /// <summary>
    /// The longest ActorHttp message that crosses nodes: remoting's frame (<c>akka.remote.dot-netty.tcp.maximum-frame-size</c>,
    /// 128,000 bytes by default) less <see cref="EnvelopeReserve"/>. A longer one would be dropped by remoting.
    /// </summary>
    public static int MaxMessageBytes(Config systemConfig)
    {
        var reader = SettingsReader.Section(systemConfig, "akka.remote.dot-netty.tcp");
        var frame = reader.Size("maximum-frame-size");
        if (frame <= EnvelopeReserve || frame > int.MaxValue)
            throw new SettingsException($"{reader.NameOf("maximum-frame-size")}: {frame} must be between {EnvelopeReserve + 1} and {int.MaxValue} bytes");
        return (int)frame - EnvelopeReserve;
    }
}
