using Akka;
using Akka.Actor;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using ActorHttp.Http;

namespace ActorHttp.Actors;

/// <summary>What feeding a streamed body found.</summary>
internal enum PumpState
{
    /// <summary>Waiting: for more bytes from the client, or for the handler to take what it was offered.</summary>
    Waiting,
    /// <summary>The body ended and its handler has all of it: the next request may be read.</summary>
    Done,
    /// <summary>The body's chunk framing is broken: the request must be rejected.</summary>
    Rejected,
}

/// <summary>
/// Feeds one request body, as it arrives, into the stream its handler reads (a queue of at most
/// <see cref="Buffer"/> pieces), one offer at a time: while the handler has not taken the last piece, nothing
/// more is read from the socket. A handler that cancels its stream has the rest read and dropped, so the
/// connection can go on. Owned by one connection actor; the handler is timed through the exchange queue while
/// it holds the body up, and from the body's end.
/// </summary>
internal sealed class UploadPump
{
    /// <summary>Pieces (each what one read brought, up to a socket frame) queued for a handler that has not pulled them yet.</summary>
    private const int Buffer = 8;

    private readonly StreamedBody _body;
    private readonly IActorRef _self;
    private readonly ExchangeQueue _exchanges;

    private UploadPump(StreamedBody body, IActorRef self, ExchangeQueue exchanges)
    {
        _body = body;
        _self = self;
        _exchanges = exchanges;
    }

    /// <summary>A pump and the body source its handler reads, for the exchange numbered <paramref name="seq"/>.</summary>
    public static (UploadPump Pump, Source<ByteString, NotUsed> Body) Create(long seq, IMaterializer materializer, IActorRef self, ExchangeQueue exchanges)
    {
        var (queue, body) = Source.Queue<ByteString>(Buffer, OverflowStrategy.Backpressure).PreMaterialize(materializer);
        return (new UploadPump(new StreamedBody(seq, queue), self, exchanges), body);
    }

    /// <summary>The exchange whose body this is.</summary>
    public long Seq => _body.Seq;

    /// <summary>The handler has not taken the last piece yet: it, not the client, holds the body up.</summary>
    public bool OfferPending => _body.OfferPending;

    /// <summary>The handler still takes the body and its end has not been read: a close now cuts the upload short.</summary>
    public bool WantsMore => !_body.Ended && !_body.Discarding;

    /// <summary>Reads what has arrived of the body and offers it to the handler as one piece.</summary>
    public PumpState Feed(RequestReader reader, out RequestRejectionReason rejection)
    {
        rejection = default;
        if (_body.OfferPending) return PumpState.Waiting;
        var read = reader.ReadStreamedBody(keep: !_body.Discarding, out var data, out rejection);
        if (read == BodyRead.Rejected) return PumpState.Rejected;
        if (read == BodyRead.Ended)
        {
            _body.Ended = true;
            if (data is null) return End();
        }
        if (data is not null) Offer(data);
        return PumpState.Waiting;
    }

    /// <summary>The handler's stream answered an offer; Done if that was the body's last piece.</summary>
    public PumpState OnOffered(Offered offered)
    {
        _body.OfferPending = false;
        _exchanges.UntimeHandler(_body.Seq);
        // A handler that cancelled its stream (or whose stream failed) no longer wants the body; it is still
        // read to its end so the connection can go on.
        if (offered.Result is not QueueOfferResult.Enqueued) _body.Discarding = true;
        return _body.Ended ? End() : PumpState.Waiting;
    }

    /// <summary>
    /// The connection ends (or the framing broke) before the body did: the handler's stream fails, so it does
    /// not mistake a truncated upload for a whole one; the handler must still answer within its timeout.
    /// </summary>
    public void Abandon()
    {
        if (_body.Discarding) return;
        if (_body.Ended) _body.Queue.Complete(); // only the last piece was still on its way
        else _body.Queue.Fail(new IOException("The request body ended early: the client disconnected or broke the framing."));
        _body.Discarding = true;
    }

    private void Offer(ByteString data)
    {
        _body.OfferPending = true;
        // While the handler does not take the bytes, it is the one we wait for: its timeout applies.
        _exchanges.TimeHandler(_body.Seq);
        var pump = this;
        _body.Queue.OfferAsync(data).PipeTo(_self,
            success: result => new Offered(pump, result),
            failure: cause => new Offered(pump, new QueueOfferResult.Failure(cause)));
    }

    private PumpState End()
    {
        if (!_body.Discarding) _body.Queue.Complete();
        // The handler has the whole body now: from here it must reply within its timeout.
        _exchanges.TimeHandler(_body.Seq);
        return PumpState.Done;
    }

    /// <summary>The handler's stream took (or refused) an offered piece.</summary>
    public sealed record Offered(UploadPump Pump, IQueueOfferResult Result);
}
