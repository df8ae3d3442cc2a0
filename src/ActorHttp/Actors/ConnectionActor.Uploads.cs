using Akka.Actor;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using ActorHttp.Http;
using ActorHttp.Routing;

namespace ActorHttp.Actors;

/// <summary>The connection actor's part that feeds a streamed request body to its handler, with back-pressure on the socket.</summary>
public sealed partial class ConnectionActor
{
    // ---- streamed request bodies ----------------------------------------------------------------

    /// <summary>
    /// A head with a body (parsed head-first because some route streams bodies): its route decides whether
    /// the body streams to the handler as it arrives or is buffered as usual. False when parsing stops here.
    /// </summary>
    private bool ChooseBodyMode(HttpRequest head)
    {
        var match = head.Target == "*" ? null : _server.Routes.Match(head.Method, head.Path);
        if (match is RouteMatch.Found { Route.StreamsRequestBody: true })
        {
            _parser.StreamBody();
            var (queue, body) = Source.Queue<ByteString>(StreamedBodyBuffer, OverflowStrategy.Backpressure)
                .PreMaterialize(_server.Materializer);
            var exchange = Dispatch(head, match, body);
            _upload = new StreamedBody(exchange.Seq, queue);
            return FeedStreamedBody();
        }
        if (_parser.BufferBody() is { } tooLarge)
        {
            Reject(tooLarge);
            return false;
        }
        _bodyRoute = match; // reused when the body is complete: one route lookup per request
        return true;
    }

    /// <summary>
    /// Parses what has arrived of the streamed body and offers it to the handler's stream as one piece.
    /// True once the body has ended and its last piece was taken, so the next request may be parsed.
    /// </summary>
    private bool FeedStreamedBody()
    {
        var upload = _upload!;
        if (upload.OfferPending) return false;
        ByteString? data = null;
        while (true)
        {
            var input = _input.Span;
            var result = _parser.Parse(input);
            switch (result.Outcome)
            {
                case ParseOutcome.BodyPart:
                    if (!upload.Discarding)
                    {
                        var part = ByteString.FromBytes(result.PartOf(input).ToArray()); // the input buffer is reused
                        data = data is null ? part : data.Concat(part);
                    }
                    _input.Consume(result.Consumed);
                    break;
                case ParseOutcome.NeedMore:
                    _input.Consume(result.Consumed);
                    SendContinueIfAwaited(ahead: 1);
                    if (data is not null) Offer(upload, data);
                    return false;
                case ParseOutcome.Rejected:
                    // Broken chunk framing: the body is cut short, the handler's stream fails, the client gets 400.
                    Reject(result.Rejection);
                    return false;
                default:
                    // Complete: the body ended.
                    _input.Consume(result.Consumed);
                    _continueSent = false;
                    upload.Ended = true;
                    if (data is null)
                    {
                        EndStreamedBody(upload);
                        return true;
                    }
                    Offer(upload, data);
                    return false;
            }
        }
    }

    private void Offer(StreamedBody upload, ByteString data)
    {
        upload.OfferPending = true;
        // While the handler does not take the bytes, it is the one we wait for: its timeout applies.
        Timers.StartSingleTimer(new HandlerKey(upload.Seq), new HandlerTimedOut(upload.Seq), _server.Settings.HandlerTimeout);
        upload.Queue.OfferAsync(data).PipeTo(Self,
            success: result => new BodyOffered(upload, result),
            failure: cause => new BodyOffered(upload, new QueueOfferResult.Failure(cause)));
    }

    private void OnBodyOffered(BodyOffered offered)
    {
        var upload = offered.Body;
        if (!ReferenceEquals(upload, _upload)) return; // abandoned meanwhile
        upload.OfferPending = false;
        Timers.Cancel(new HandlerKey(upload.Seq));
        // A handler that cancelled its stream (or whose stream failed) no longer wants the body; it is still
        // read to its end so the connection can go on.
        if (offered.Result is not QueueOfferResult.Enqueued) upload.Discarding = true;
        if (upload.Ended) EndStreamedBody(upload);
        ParseRequests();
    }

    private void EndStreamedBody(StreamedBody upload)
    {
        _upload = null;
        if (!upload.Discarding) upload.Queue.Complete();
        // The handler has the whole body now: from here it must reply within its timeout.
        TimeHandler(upload.Seq);
    }

    private void TimeHandler(long seq)
    {
        if (Find(seq) is { Response: null })
            Timers.StartSingleTimer(new HandlerKey(seq), new HandlerTimedOut(seq), _server.Settings.HandlerTimeout);
    }

    /// <summary>
    /// The connection ends (or the framing broke) before the streamed body did: the handler's stream fails,
    /// so it does not mistake a truncated upload for a whole one.
    /// </summary>
    private void AbandonStreamedBody()
    {
        if (_upload is not { } upload) return;
        _upload = null;
        if (upload.Discarding) return;
        if (upload.Ended) upload.Queue.Complete(); // only the last piece was still on its way
        else upload.Queue.Fail(new IOException("The request body ended early: the client disconnected or broke the framing."));
    }
}
