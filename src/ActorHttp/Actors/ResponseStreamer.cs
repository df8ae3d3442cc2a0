using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using ActorHttp.Http;
using ActorHttp.Observability;
using ActorHttp.Streams;
using Tcp = Akka.IO.Tcp;

namespace ActorHttp.Actors;

/// <summary>What a write event meant for the response being written.</summary>
internal enum WriteProgress
{
    /// <summary>More is on its way.</summary>
    Writing,
    /// <summary>The last byte of the response was acknowledged.</summary>
    Finished,
    /// <summary>The body cannot be finished honestly (its stream failed, or a file shrank): cut the connection.</summary>
    Failed,
}

/// <summary>
/// Writes one response at a time to the socket, every write acknowledged: a response in memory as writes of at
/// most <see cref="MaxWriteBytes"/>, at most <see cref="WholeWindow"/> of them unacknowledged; a file or stream body
/// head first, then chunks as its stream delivers them, at most <see cref="StreamWindow"/> unacknowledged (a handler's
/// larger element in pieces, at most <see cref="WholeWindow"/> unacknowledged), in chunked framing when the length is
/// unknown. Body bytes are counted as they are written. Each write is timed against the
/// minimum response rate (<see cref="ResponseWriteTiming"/>). Owned by one connection actor:
/// the body stream's events and the socket's acks arrive at the actor, which hands them here.
/// </summary>
internal sealed class ResponseStreamer
{
    /// <summary>
    /// Body chunks allowed on their way to the socket at once: enough to keep the socket busy while the next
    /// chunk is read, few enough that memory per download stays a few chunks whatever the client's speed.
    /// </summary>
    public const int StreamWindow = 4;

    /// <summary>
    /// Writes of a response in memory (or of one element of a handler's body) handed to the socket at once. Its bytes
    /// are held already: this bounds only what the socket queues, which a TLS session refuses past
    /// <see cref="TlsSession.MaxQueuedPlainBytes"/>; a small file (files.small-file-limit, 256 KiB by default) still
    /// goes in one round, its close right behind it.
    /// </summary>
    public const int WholeWindow = 16;

    /// <summary>Bytes per file chunk; a download holds StreamWindow + 2 of them (the window, one being read, one spare).</summary>
    public const int FileChunkSize = 64 * 1024;

    /// <summary>Largest single write: the file chunk size, so no write's allowance at the minimum rate is larger.</summary>
    public const int MaxWriteBytes = FileChunkSize;

    /// <summary>File chunks a body compressed on the fly holds: the one being compressed and the one read ahead.</summary>
    public const int CompressedFileBuffers = 2;

    /// <summary>
    /// Elements each stage of a body stream may hold ahead of its consumer (the boundary into the fused stream
    /// and the ack sink); Akka.Streams' default of 16 lets a handler's stream run far ahead of a client that
    /// reads nothing. A file body is bounded by its ChunkBuffers whatever this says.
    /// </summary>
    private static readonly Attributes StreamBuffers = Attributes.CreateInputBuffer(2, 2);

    private enum Stage { Whole, Head, Chunks, LastChunk }

    private readonly ICanTell _connection;
    private readonly IActorRef _self;
    private readonly IMaterializer _materializer;
    private readonly IServerObserver _observer;
    private readonly ResponseWriteTiming _timing;

    private Stage _stage;
    private bool _chunked;
    private int _wholeWritesPending;     // writes of a whole response (or of the last chunk) not yet acknowledged
    private ByteString _wholeUnissued = ByteString.Empty; // the rest of a whole response, written as acks make room
    private int _wholeHeadUnissued;      // ... of which the head's bytes, not counted as body bytes sent
    private int _chunksInFlight;         // body chunks written but not yet acknowledged
    private ByteString _chunkUnissued = ByteString.Empty; // the rest of a handler's element, written as acks make room
    private bool _streamAwaitsAck;       // the stream's sink waits for our ack before sending the next chunk
    private bool _streamDone;
    private IActorRef? _streamStage;
    private ChunkBuffers? _fileBuffers;  // a file body's buffers, each released when the socket acknowledged its chunk

    public ResponseStreamer(ICanTell connection, IActorRef self, IMaterializer materializer, IServerObserver observer, MinDataRate minRate)
    {
        _connection = connection;
        _self = self;
        _materializer = materializer;
        _observer = observer;
        _timing = new ResponseWriteTiming(minRate);
    }

    /// <summary>The exchange whose response is on the wire, if any.</summary>
    public Exchange? Writing { get; private set; }

    /// <summary>Every write of the response on the wire is issued (a response in memory): only acks are to come.</summary>
    public bool AllWritesIssued => Writing is not null && _stage == Stage.Whole && _wholeUnissued.IsEmpty;

    /// <summary>When the write at the head of the line is overdue at the minimum response rate.</summary>
    public TimeSpan Deadline => _timing.Deadline;

    public bool IsOverdue(TimeSpan now) => _timing.IsOverdue(now);

    /// <summary>Starts writing <paramref name="exchange"/>'s response; <paramref name="keepAlive"/> is what its head says.</summary>
    public void Start(Exchange exchange, bool keepAlive, TimeSpan now)
    {
        Writing = exchange;
        var response = exchange.Response!;
        var headOnly = exchange.IsHeadOnly;
        if (headOnly || response.Body is ResponseBody.Bytes or ResponseBody.None)
        {
            var bytes = ResponseWriter.EncodeSharingBody(response, exchange.Version, keepAlive, headOnly, exchange.RequestId);
            exchange.BodyBytesSent = 0;
            _stage = Stage.Whole;
            _wholeUnissued = bytes;
            _wholeHeadUnissued = bytes.Count - (int)(headOnly ? 0 : response.Body.Length ?? 0);
            WriteWhole(now);
            return;
        }
        // A file or stream body: the head first, then chunks as the stream delivers them.
        _chunked = ResponseWriter.FramingFor(response, exchange.Version) == BodyFraming.Chunked;
        _stage = Stage.Head;
        Write(ByteString.FromBytes(ResponseWriter.Encode(response, exchange.Version, keepAlive, headOnly: true, exchange.RequestId)), now);
    }

    private static readonly ByteString Continue100 = ByteString.FromBytes("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray());

    /// <summary>An interim 100 Continue (RFC 9110 §15.2.1): a few bytes, neither acknowledged nor timed.</summary>
    public void WriteContinue() => _connection.Tell(Tcp.Write.Create(Continue100), _self);

    /// <summary>The socket acknowledged the oldest write.</summary>
    public WriteProgress OnWriteAck(TimeSpan now)
    {
        _timing.Acknowledged(now);
        switch (_stage)
        {
            case Stage.Head:
                StartBody(Writing!.Response!.Body);
                return WriteProgress.Writing;
            case Stage.Chunks:
                _chunksInFlight--;
                _fileBuffers?.ReleaseOldest();
                WritePieces(ref _chunkUnissued, ref _chunksInFlight, now);
                if (!_chunkUnissued.IsEmpty) return WriteProgress.Writing;
                if (_streamAwaitsAck && _chunksInFlight < StreamWindow)
                {
                    _streamAwaitsAck = false;
                    _streamStage?.Tell(StreamAck.Instance);
                    return WriteProgress.Writing;
                }
                return _streamDone && _chunksInFlight == 0 ? EndBody(now) : WriteProgress.Writing;
            default:
                _wholeWritesPending--;
                WriteWhole(now);
                return _wholeWritesPending == 0 ? Finish() : WriteProgress.Writing;
        }
    }

    public void OnStreamInit(IActorRef stage)
    {
        _streamStage = stage;
        stage.Tell(StreamAck.Instance);
    }

    public void OnChunk(ByteString chunk, IActorRef stage, TimeSpan now)
    {
        var exchange = Writing;
        if (exchange is null) return;
        if (chunk.IsEmpty)
        {
            stage.Tell(StreamAck.Instance);
            return;
        }
        exchange.BodyBytesSent += chunk.Count;
        var data = _chunked
            ? ByteString.FromBytes(ResponseWriter.ChunkHeader(chunk.Count)).Concat(chunk).Concat(ByteString.FromBytes(ResponseWriter.CrLf))
            : chunk;
        // A file chunk is one write, whose ack releases its buffer; a handler's element of any size goes in pieces.
        if (_fileBuffers is not null) { Write(data, now); _chunksInFlight++; }
        else
        {
            _chunkUnissued = data;
            WritePieces(ref _chunkUnissued, ref _chunksInFlight, now);
        }
        // Ask for the next chunk at once while the window has room; otherwise when a write is acknowledged.
        if (_chunkUnissued.IsEmpty && _chunksInFlight < StreamWindow) stage.Tell(StreamAck.Instance);
        else _streamAwaitsAck = true;
    }

    /// <summary>The body's stream failed: part of the body is on the wire, so no error response can follow (the connection is cut).</summary>
    public void OnStreamFailed(StreamFailed failed, ILoggingAdapter log) =>
        log.Error(failed.Cause, "Response body stream failed for {0}", Writing?.Request?.Target);

    /// <summary>A body that ended short of the Content-Length its head promised (a file that shrank after its head was sent).</summary>
    public void LogShortBody(ILoggingAdapter log) =>
        log.Warning("Body of {0} ended after {1} of {2} bytes; aborting the connection",
            Writing?.Request?.Target, Writing?.BodyBytesSent, Writing?.Response?.Body.Length);

    public WriteProgress OnStreamDone(TimeSpan now)
    {
        _streamStage = null;
        _streamDone = true;
        return Writing is null || _chunksInFlight > 0 ? WriteProgress.Writing : EndBody(now); // else the last acks end the body
    }

    private void StartBody(ResponseBody body)
    {
        _stage = Stage.Chunks;
        _chunksInFlight = 0;
        _chunkUnissued = ByteString.Empty;
        _streamAwaitsAck = false;
        _streamDone = false;
        _fileBuffers = body is ResponseBody.File ? new ChunkBuffers(StreamWindow + 2, FileChunkSize) : null;
        BodySource(body, _fileBuffers)
            .To(Sink.ActorRefWithAck<ByteString>(_self, StreamInit.Instance, StreamAck.Instance, StreamDone.Instance, e => new StreamFailed(e)))
            .WithAttributes(StreamBuffers)
            .Run(_materializer);
    }

    private static Source<ByteString, NotUsed> BodySource(ResponseBody body, ChunkBuffers? fileBuffers)
    {
        switch (body)
        {
            case ResponseBody.File file:
                return FileChunkSource.Create(file.Path, file.Offset, file.Count, fileBuffers!);
            case ResponseBody.Stream stream:
                return stream.Source;
            case ResponseBody.Compressed { Content: ResponseBody.File file } compressed:
            {
                // The encoder takes each chunk whole before asking for the next, so a chunk's buffer is free again
                // once taken: two buffers, one being compressed and one read ahead, whatever the client's speed.
                var buffers = new ChunkBuffers(CompressedFileBuffers, FileChunkSize);
                return FileChunkSource.Create(file.Path, file.Offset, file.Count, buffers)
                    .Via(CompressionStage.For(compressed.Coding, compressed.Level, compressed.FlushEachElement, buffers.ReleaseOldest));
            }
            case ResponseBody.Compressed compressed:
                return BodySource(compressed.Content, null)
                    .Via(CompressionStage.For(compressed.Coding, compressed.Level, compressed.FlushEachElement));
            case ResponseBody.Bytes bytes:
                return Source.Single(ResponseWriter.Shared(bytes.Content));
            default:
                return Source.Empty<ByteString>();
        }
    }

    private WriteProgress EndBody(TimeSpan now)
    {
        if (_chunked)
        {
            _stage = Stage.LastChunk;
            _wholeWritesPending = 1;
            Write(ByteString.FromBytes(ResponseWriter.LastChunk), now);
            return WriteProgress.Writing;
        }
        // A file that shrank under us: the Content-Length sent is now a lie, and the only honest end is a cut.
        var exchange = Writing!;
        return exchange.Response!.Body.Length is { } promised && exchange.BodyBytesSent != promised ? WriteProgress.Failed : Finish();
    }

    private WriteProgress Finish()
    {
        Writing = null;
        _fileBuffers = null;
        return WriteProgress.Finished;
    }

    /// <summary>Writes what the window lets out of the rest of a whole response, counting its body bytes as sent.</summary>
    private void WriteWhole(TimeSpan now)
    {
        var written = WritePieces(ref _wholeUnissued, ref _wholeWritesPending, now);
        var head = Math.Min(written, _wholeHeadUnissued);
        _wholeHeadUnissued -= head;
        Writing!.BodyBytesSent += written - head;
    }

    /// <summary>
    /// Writes the front of <paramref name="unissued"/> as slices (not copies) of at most MaxWriteBytes, each timed on its
    /// own, while fewer than <see cref="WholeWindow"/> writes are unacknowledged; the bytes written.
    /// </summary>
    private int WritePieces(ref ByteString unissued, ref int inFlight, TimeSpan now)
    {
        var written = 0;
        while (inFlight < WholeWindow && !unissued.IsEmpty)
        {
            var count = Math.Min(MaxWriteBytes, unissued.Count);
            Write(unissued.Slice(0, count), now);
            unissued = count == unissued.Count ? ByteString.Empty : unissued.Slice(count);
            inFlight++;
            written += count;
        }
        return written;
    }

    private void Write(ByteString data, TimeSpan now)
    {
        _observer.BytesSent(data.Count);
        _timing.Issued(now, data.Count);
        _connection.Tell(Tcp.Write.Create(data, ConnectionProtocol.WriteAck.Instance), _self);
    }

    // The body stream's protocol with the actor (Sink.ActorRefWithAck).
    public sealed class StreamInit { public static readonly StreamInit Instance = new(); }

    public sealed class StreamAck { public static readonly StreamAck Instance = new(); }

    public sealed class StreamDone { public static readonly StreamDone Instance = new(); }

    public sealed record StreamFailed(Exception Cause);
}
