using Akka.Cluster.Sharding;
using ActorHttp.Routing;

namespace ActorHttp.Cluster;

/// <summary>
/// Sharding's message extractor for sharded routes: the entity id is the envelope's, the shard its id's hash modulo
/// the number of shards (the same number on every node, or nodes disagree about where an entity lives), and the
/// entity receives the request alone, or the whole envelope when it deduplicates re-sent requests by their delivery id
/// (<see cref="ShardedEntity.ReceivesEnvelope"/>).
/// </summary>
public sealed class ShardedRequestExtractor(int numberOfShards, bool entityReceivesEnvelope = false) : HashCodeMessageExtractor(numberOfShards)
{
    public override string? EntityId(object message) => (message as ShardedHttpRequest)?.EntityId;

    public override object? EntityMessage(object message) =>
        message is ShardedHttpRequest envelope && !entityReceivesEnvelope ? envelope.Request : message;
}
