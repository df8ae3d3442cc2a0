using System.Diagnostics;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using Tcp = Akka.IO.Tcp;
using Akka.Streams;
using Akka.Streams.Dsl;
using ActorHttp.Http;
using ActorHttp.Streams;

namespace ActorHttp.Actors;

/// <summary>The connection actor's part that writes responses in request order: whole, or streamed with acks.</summary>
public sealed partial class ConnectionActor
{
    // ---- writing --------------------------------------------------------------------------------

    private void TryWriteNext()
    {
        if (_writing is not null || _closing || _exchanges.Count == 0) return;
        var exchange = _exchanges[0];
        if (exchange.Response is not { } response) return;
        _writing = exchange;

        var headOnly = exchange.IsHead || ReasonPhrases.ForbidsBody(response.Status);
        var framing = ResponseWriter.FramingFor(response, exchange.Version);
        exchange.CloseAfter = !exchange.KeepAlive || exchange.Request is null
            || ((_draining || _server.ShuttingDown) && IsLastToAnswer)
            || (_peerClosed && _exchanges.Count == 1)
            || (framing == BodyFraming.CloseDelimited && !headOnly)
            || (_rejected && _exchanges.Count == 1)
            || _upload?.Seq == exchange.Seq; // answered before its body ended: where the next request starts is unknown

        if (headOnly || response.Body is ResponseBody.Bytes or ResponseBody.None)
        {
            var bytes = ByteString.FromBytes(ResponseWriter.Encode(response, exchange.Version, !exchange.CloseAfter, headOnly));
            exchange.BodyBytesSent = headOnly ? 0 : response.Body.Length ?? 0;
            _writeStage = WriteStage.Whole;
            // A large response goes out in writes of at most MaxWriteBytes (slices, not copies), so each write is
            // timed against the minimum response rate on its own: one huge write would buy a non-reader hours.
            for (var offset = 0; offset < bytes.Count; offset += MaxWriteBytes)
                Write(bytes.Slice(offset, Math.Min(MaxWriteBytes, bytes.Count - offset)));
            return;
        }

        // A file or stream body: the head first, then chunks as the stream delivers them, each after the
        // previous write's ack so memory stays bounded however slowly the client reads.
        _chunked = framing == BodyFraming.Chunked;
        _writeStage = WriteStage.Head;
        Write(ResponseWriter.Encode(response, exchange.Version, !exchange.CloseAfter, headOnly: true));
    }

    /// <summary>
    /// The request being answered is the last one this connection will answer during a shutdown drain: no
    /// other is in flight and no body of one is still being read.
    /// </summary>
    private bool IsLastToAnswer => _exchanges.Count == 1 && !_parser.IsReadingBody;

    /// <summary>Largest single write: the file chunk size, so every write's allowance at the minimum rate is the same at most.</summary>
    private const int MaxWriteBytes = FileChunkSize;

    private void Write(byte[] bytes) => Write(ByteString.FromBytes(bytes));

    /// <summary>Every write to the socket goes through here: acknowledged, counted, and timed against the minimum response rate.</summary>
    private void Write(ByteString data)
    {
        _server.Observer.BytesSent(data.Count);
        _writeTiming.Issued(Now, data.Count);
        ArmWatchdog(_writeTiming.Deadline);
        if (_writeStage is WriteStage.Whole or WriteStage.LastChunk) _writesPending++;
        _connection.Tell(Tcp.Write.Create(data, ConnectionProtocol.WriteAck.Instance));
    }

    private void OnWriteAck()
    {
        _writeTiming.Acknowledged(Now);
        switch (_writeStage)
        {
            case WriteStage.Head:
                StartBodyStream(_writing!.Response!.Body);
                break;
            case WriteStage.Chunk:
                _chunksInFlight--;
                _fileBuffers?.ReleaseOldest();
                if (_streamAwaitsAck)
                {
                    _streamAwaitsAck = false;
                    _streamStage?.Tell(StreamAck.Instance);
                }
                else if (_streamDone && _chunksInFlight == 0)
                {
                    EndBody();
                }
                break;
            default:
                if (--_writesPending == 0) FinishExchange();
                break;
        }
    }

    private void StartBodyStream(ResponseBody body)
    {
        _writeStage = WriteStage.Chunk;
        _chunksInFlight = 0;
        _streamAwaitsAck = false;
        _streamDone = false;
        _fileBuffers = body is ResponseBody.File ? new ChunkBuffers(StreamWindow + 2, FileChunkSize) : null;
        var source = body switch
        {
            ResponseBody.File file => FileChunkSource.Create(file.Path, file.Offset, file.Count, _fileBuffers!),
            ResponseBody.Stream stream => stream.Source,
            _ => Source.Empty<ByteString>(),
        };
        source
            .To(Sink.ActorRefWithAck<ByteString>(Self, StreamInit.Instance, StreamAck.Instance, StreamDone.Instance, e => new StreamFailed(e)))
            .WithAttributes(StreamBuffers)
            .Run(_server.Materializer);
    }

    /// <summary>
    /// Elements each stage of a body stream may hold ahead of its consumer: the boundary into the fused stream and
    /// the ack sink. Akka.Streams' default (16) let a handler's stream run 20 and more elements ahead of a client
    /// that reads nothing. A file body is bounded by its ChunkBuffers instead, whatever these say. The window of
    /// chunks already on their way to the socket (StreamWindow) keeps the socket busy, so reading further ahead
    /// bought no speed (1 GiB over loopback took the same time with 16, 4 and 2).
    /// </summary>
    private static readonly Attributes StreamBuffers = Attributes.CreateInputBuffer(2, 2);

    /// <summary>
    /// Bytes per file chunk. 128 KiB (a whole socket frame) sent 1 GiB no faster over loopback (median 0.55 s
    /// against 0.53 s, seven downloads each). A download holds StreamWindow + 2 of them: the window on its way to
    /// the socket, one being read and one spare, so 384 KiB per download.
    /// </summary>
    private const int FileChunkSize = 64 * 1024;

    private void OnStreamChunk(ByteString chunk)
    {
        var exchange = _writing;
        if (exchange is null) return;
        if (chunk.IsEmpty)
        {
            Sender.Tell(StreamAck.Instance);
            return;
        }
        exchange.BodyBytesSent += chunk.Count;
        var data = _chunked
            ? ByteString.FromBytes(ResponseWriter.ChunkHeader(chunk.Count)).Concat(chunk).Concat(ByteString.FromBytes(ResponseWriter.CrLf))
            : chunk;
        if (_fileBuffers is null && data.Count > MaxWriteBytes)
        {
            // A handler's stream may emit elements of any size: timed write by write, like a whole response.
            for (var offset = 0; offset < data.Count; offset += MaxWriteBytes, _chunksInFlight++)
                Write(data.Slice(offset, Math.Min(MaxWriteBytes, data.Count - offset)));
        }
        else
        {
            // A file chunk is one write, whose ack releases its buffer.
            Write(data);
            _chunksInFlight++;
        }
        // Ask for the next chunk at once while the window has room; otherwise when a write is acknowledged.
        if (_chunksInFlight < StreamWindow) Sender.Tell(StreamAck.Instance);
        else _streamAwaitsAck = true;
    }

    private void OnStreamDone()
    {
        _streamStage = null;
        _streamDone = true;
        if (_writing is null || _chunksInFlight > 0) return; // the last acks end the body
        EndBody();
    }

    private void EndBody()
    {
        var exchange = _writing!;
        if (_chunked)
        {
            _writeStage = WriteStage.LastChunk;
            Write(ResponseWriter.LastChunk);
            return;
        }
        if (exchange.Response!.Body.Length is { } promised && exchange.BodyBytesSent != promised)
        {
            // The file shrank under us: the Content-Length we sent is now a lie, so the only honest end is to cut the connection.
            Log.Warning("Body of {0} ended after {1} of {2} bytes; aborting the connection", exchange.Request?.Target, exchange.BodyBytesSent, promised);
            AbortConnection();
            return;
        }
        FinishExchange();
    }

    private void OnStreamFailed(Exception cause)
    {
        _streamStage = null;
        Log.Error(cause, "Response body stream failed for {0}", _writing?.Request?.Target);
        // Part of the body is on the wire already: no error response can follow, so the connection is cut.
        AbortConnection();
    }

    private void FinishExchange()
    {
        var exchange = _writing!;
        _writing = null;
        _fileBuffers = null;
        _exchanges.RemoveAt(0);
        _heldBodyBytes -= exchange.Request?.Body.Length ?? 0;
        Report(exchange);

        if (exchange.CloseAfter || (_peerClosed && _exchanges.Count == 0))
        {
            CloseConnection(graceful: !ClientIsDone(exchange));
            return;
        }
        // Requests already buffered come first; reading resumes (in UpdateReading) only if there is still room after them.
        ParseRequests();
        TryWriteNext();
        CloseIfDrained();
        if (!_closing) UpdateWaiting();
    }

    /// <summary>
    /// The client asked to close and nothing it sent is left unread, so nothing more is coming: the socket can
    /// close at once, as nginx and Kestrel do. Otherwise (an error, a pipelined request, a body not read, a
    /// close the client did not ask for) a lingering close makes sure it reads the response before any reset.
    /// </summary>
    private bool ClientIsDone(Exchange exchange) =>
        !exchange.KeepAlive && exchange.Request is not null && !_rejected && _upload is null && IsIdle;

    private void Report(Exchange exchange)
    {
        var request = exchange.Request;
        var response = exchange.Response!;
        _server.Observer.RequestCompleted(new CompletedExchange(
            _remote,
            exchange.Started,
            Stopwatch.GetElapsedTime(exchange.StartTimestamp),
            request?.Method ?? "-",
            request?.Target ?? "-",
            exchange.Version,
            response.Status,
            exchange.BodyBytesSent,
            request?.Headers.Get("Referer"),
            request?.Headers.Get("User-Agent")));
    }
}
