using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Event;
using Akka.Serialization;
using ActorHttp.Http;
using ActorHttp.Routing;

namespace ActorHttp.Cluster;

/// <summary>
/// The serializer ActorHttp binds for every message of its own that crosses nodes or reaches the journal: the
/// <see cref="ShardedHttpRequest"/> envelope, a bare <see cref="HttpRequest"/>, an <see cref="HttpResponse"/> (headers
/// and body bytes), and the counter's <see cref="CounterEntity.Incremented"/> event. Compact and versioned
/// (<see cref="HttpMessageFormat"/>). Akka's default JSON serializer would not do: it writes a
/// <see cref="ReadOnlyMemory{T}"/> body as nothing at all, and the entity would see an empty request.
/// A response whose body cannot cross (a file, a stream), or too long for a remoting frame, is sent as a 500 instead,
/// with an error in the log, so the requesting node answers at once rather than after its handler timeout.
/// </summary>
public sealed class ClusterMessageSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer id in the actor system's table (ids below 100 are Akka's own).</summary>
    public const int Id = 7878;

    // "Q": the first envelope format, the entity id as the request's prefix. "D": the same with the delivery id's
    // 32 hex digits before the entity id. A node reads both, so nodes of both versions can share a cluster.
    private const string EnvelopeWithoutIdManifest = "Q";
    private const string EnvelopeManifest = "D";
    private const string RequestManifest = "H";
    private const string ResponseManifest = "R";
    private const string IncrementedManifest = "C";

    // The counter's event: the single byte 1 in the first format (no id; the journal keeps such events forever),
    // 2 and the delivery id's 16 bytes since POSTs are deduplicated.
    private const byte IncrementedWithoutId = 1;
    private const byte IncrementedWithId = 2;
    private const int GuidBytes = 16;
    private const int GuidDigits = 32;

    public ClusterMessageSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    public override int Identifier => Id;

    // The longest message each actor system's remoting carries, as its host read it (ShardedRoutes.Start registers it).
    private static readonly ConditionalWeakTable<ActorSystem, StrongBox<int>> Limits = new();

    /// <summary>Responses longer than <paramref name="maxMessageBytes"/> encoded leave <paramref name="system"/> as a 500.</summary>
    internal static void LimitMessages(ActorSystem system, int maxMessageBytes) =>
        Limits.AddOrUpdate(system, new StrongBox<int>(maxMessageBytes));

    public override string Manifest(object o) => o switch
    {
        ShardedHttpRequest { DeliveryId: var id } => id == Guid.Empty ? EnvelopeWithoutIdManifest : EnvelopeManifest,
        HttpRequest => RequestManifest,
        HttpResponse => ResponseManifest,
        CounterEntity.Incremented => IncrementedManifest,
        _ => throw new ArgumentException($"{nameof(ClusterMessageSerializer)} does not serialize {o.GetType()}"),
    };

    public override byte[] ToBinary(object obj) => obj switch
    {
        ShardedHttpRequest { DeliveryId: var id } envelope when id == Guid.Empty => HttpMessageFormat.EncodeRequest(envelope.Request, envelope.EntityId),
        ShardedHttpRequest envelope => HttpMessageFormat.EncodeRequest(envelope.Request, envelope.DeliveryId.ToString("N") + envelope.EntityId),
        HttpRequest request => HttpMessageFormat.EncodeRequest(request),
        HttpResponse response => EncodeResponse(response),
        CounterEntity.Incremented incremented => EncodeIncremented(incremented.DeliveryId),
        _ => throw new ArgumentException($"{nameof(ClusterMessageSerializer)} does not serialize {obj.GetType()}"),
    };

    public override object FromBinary(byte[] bytes, string manifest)
    {
        try
        {
            switch (manifest)
            {
                case EnvelopeWithoutIdManifest:
                    var request = HttpMessageFormat.DecodeRequest(bytes, hasPrefix: true, out var entityId);
                    return new ShardedHttpRequest(entityId!, request);
                case EnvelopeManifest:
                    var delivered = HttpMessageFormat.DecodeRequest(bytes, hasPrefix: true, out var prefix);
                    if (prefix!.Length < GuidDigits || !Guid.TryParseExact(prefix.AsSpan(0, GuidDigits), "N", out var deliveryId))
                        throw new FormatException("the envelope starts with no delivery id");
                    return new ShardedHttpRequest(prefix[GuidDigits..], delivered) { DeliveryId = deliveryId };
                case RequestManifest:
                    return HttpMessageFormat.DecodeRequest(bytes, hasPrefix: false, out _);
                case ResponseManifest:
                    return HttpMessageFormat.DecodeResponse(bytes);
                case IncrementedManifest when bytes is [IncrementedWithoutId]:
                    return new CounterEntity.Incremented(Guid.Empty);
                case IncrementedManifest when bytes.Length == 1 + GuidBytes && bytes[0] == IncrementedWithId:
                    return new CounterEntity.Incremented(new Guid(bytes.AsSpan(1)));
            }
        }
        catch (FormatException e)
        {
            throw new SerializationException($"ActorHttp message \"{manifest}\" cannot be read: {e.Message}", e);
        }
        throw new SerializationException($"ActorHttp message \"{manifest}\" of {bytes.Length} bytes is not one this node reads");
    }

    private static byte[] EncodeIncremented(Guid deliveryId)
    {
        if (deliveryId == Guid.Empty) return new[] { IncrementedWithoutId };
        var bytes = new byte[1 + GuidBytes];
        bytes[0] = IncrementedWithId;
        deliveryId.TryWriteBytes(bytes.AsSpan(1));
        return bytes;
    }

    private byte[] EncodeResponse(HttpResponse response)
    {
        var bytes = HttpMessageFormat.EncodeResponse(response, out var refusal);
        if (bytes is { Length: var length } && Limits.TryGetValue(system, out var limit) && limit is { Value: var max } && length > max)
            (bytes, refusal) = (null, $"it is {length} bytes encoded, over the {max} a remoting frame carries");
        if (bytes is not null) return bytes;
        system.Log.Error("A response with status {0} cannot cross nodes ({1}); its node answers 500 instead", response.Status, refusal);
        return HttpMessageFormat.EncodeResponse(ErrorResponses.For(500), out _)!;
    }
}
