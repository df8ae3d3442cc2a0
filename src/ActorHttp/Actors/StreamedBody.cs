using Akka.IO;
using Akka.Streams;

namespace ActorHttp.Actors;

/// <summary>
/// A request body on its way to a streaming handler, as the connection actor tracks it from the head to
/// the body's last byte: the queue behind the handler's Source and how far feeding it got. The queue
/// takes one offer at a time, so a second never starts before the first is answered.
/// </summary>
internal sealed class StreamedBody
{
    public StreamedBody(long seq, ISourceQueueWithComplete<ByteString> queue)
    {
        Seq = seq;
        Queue = queue;
    }

    /// <summary>The exchange whose body this is.</summary>
    public long Seq { get; }

    public ISourceQueueWithComplete<ByteString> Queue { get; }

    /// <summary>An offer is waiting for the queue to take it: the handler is not pulling fast enough.</summary>
    public bool OfferPending { get; set; }

    /// <summary>The parser saw the body's end; the queue completes once the last offer is taken.</summary>
    public bool Ended { get; set; }

    /// <summary>The handler's stream stopped taking bytes (cancelled or failed): the rest is read and dropped.</summary>
    public bool Discarding { get; set; }
}
