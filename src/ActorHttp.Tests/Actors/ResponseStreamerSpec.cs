using ActorHttp.Observability;
using System.Diagnostics;
using System.Text;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.TestKit;
using ActorHttp.Actors;
using ActorHttp.Files;
using ActorHttp.Http;
using ActorHttp.Tests.Support;
using Tcp = Akka.IO.Tcp;

namespace ActorHttp.Tests.Actors;

/// <summary>
/// The connection's response writer, with one probe standing in for the socket and another for the connection
/// actor that gets the body stream's events: the test hands each event and each write's ack back by hand, at
/// clock readings it chooses.
/// </summary>
public sealed class ResponseStreamerSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan At = TimeSpan.FromSeconds(100);

    private readonly TestProbe _socket;
    private readonly TestProbe _self;

    public ResponseStreamerSpec()
    {
        _socket = CreateTestProbe();
        _self = CreateTestProbe();
    }

    private ResponseStreamer Streamer(MinDataRate? rate = null) =>
        new(_socket.Ref, _self.Ref, Sys.Materializer(), NullServerObserver.Instance, rate ?? new MinDataRate(0, TimeSpan.Zero));

    /// <summary>An exchange whose response is ready to be written.</summary>
    internal static Exchange ExchangeFor(HttpResponse response, HttpVersion version = HttpVersion.Http11) =>
        new(0, Requests.Get("/x"), version, keepAlive: true, DateTimeOffset.UtcNow, Stopwatch.GetTimestamp()) { Response = response };

    private static HttpResponse Streaming(long? length, params string[] chunks) => new(200, HttpHeaders.Empty,
        new ResponseBody.Stream(Source.From(chunks.Select(c => ByteString.FromString(c))), length));

    private Tcp.Write ExpectWrite()
    {
        var write = _socket.ExpectMsg<Tcp.Write>();
        Assert.Same(ConnectionProtocol.WriteAck.Instance, write.Ack); // every write is acknowledged
        return write;
    }

    private static string Text(ByteString data) => data.ToString(Encoding.Latin1);

    /// <summary>
    /// With the head written: acknowledges it, then feeds the body's stream events to the streamer, acknowledging
    /// writes only when the window is full and, once the stream is done, all of them. The body as written.
    /// </summary>
    private (string Written, WriteProgress End) StreamTheBody(ResponseStreamer streamer)
    {
        Assert.Equal(WriteProgress.Writing, streamer.OnWriteAck(At));
        _self.ExpectMsg<ResponseStreamer.StreamInit>();
        streamer.OnStreamInit(_self.LastSender);
        var written = new StringBuilder();
        var unacknowledged = 0;
        while (true)
        {
            if (unacknowledged == ResponseStreamer.StreamWindow)
            {
                Assert.Equal(WriteProgress.Writing, streamer.OnWriteAck(At));
                unacknowledged--;
            }
            var message = _self.ReceiveOne(TimeSpan.FromSeconds(3));
            if (message is ByteString chunk)
            {
                streamer.OnChunk(chunk, _self.LastSender, At);
                written.Append(Text(ExpectWrite().Data));
                unacknowledged++;
                continue;
            }
            Assert.IsType<ResponseStreamer.StreamDone>(message);
            var progress = streamer.OnStreamDone(At);
            for (; unacknowledged > 0; unacknowledged--) progress = streamer.OnWriteAck(At);
            if (progress == WriteProgress.Writing) // the last chunk of a chunked body
            {
                written.Append(Text(ExpectWrite().Data));
                progress = streamer.OnWriteAck(At);
            }
            return (written.ToString(), progress);
        }
    }

    [Fact]
    public void A_response_in_memory_goes_out_in_writes_of_at_most_64_KiB_and_finishes_only_after_the_last_ack()
    {
        var body = Enumerable.Range(0, 150_000).Select(i => (byte)i).ToArray();
        var streamer = Streamer();
        var exchange = ExchangeFor(HttpResponse.Bytes(200, body, "application/octet-stream"));

        streamer.Start(exchange, keepAlive: true, At);

        var writes = new[] { ExpectWrite(), ExpectWrite(), ExpectWrite() };
        _socket.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(ResponseStreamer.MaxWriteBytes, writes[0].Data.Count);
        Assert.Equal(ResponseStreamer.MaxWriteBytes, writes[1].Data.Count);
        Assert.EndsWith(Encoding.Latin1.GetString(body), string.Concat(writes.Select(w => Text(w.Data))));

        Assert.Equal(WriteProgress.Writing, streamer.OnWriteAck(At));
        Assert.Equal(WriteProgress.Writing, streamer.OnWriteAck(At));
        Assert.Same(exchange, streamer.Writing);
        Assert.Equal(WriteProgress.Finished, streamer.OnWriteAck(At));
        Assert.Null(streamer.Writing);
        Assert.Equal(body.Length, exchange.BodyBytesSent);
    }

    [Fact]
    public void A_handlers_element_larger_than_a_TLS_sessions_write_queue_goes_out_in_pieces_at_most_a_window_ahead_of_their_acks()
    {
        // A TLS session refuses plaintext queued past its 4 MiB: an element handed over whole would be cut.
        var element = new byte[TlsSession.MaxQueuedPlainBytes + 1_000_000];
        new Random(7).NextBytes(element);
        var streamer = Streamer();
        var response = new HttpResponse(200, HttpHeaders.Empty,
            new ResponseBody.Stream(Source.Single(ByteString.FromBytes(element)), element.Length));
        streamer.Start(ExchangeFor(response), keepAlive: true, At);
        ExpectWrite(); // the head
        Assert.Equal(WriteProgress.Writing, streamer.OnWriteAck(At));
        _self.ExpectMsg<ResponseStreamer.StreamInit>();
        streamer.OnStreamInit(_self.LastSender);
        streamer.OnChunk(_self.ExpectMsg<ByteString>(), _self.LastSender, At);

        var written = new List<byte>();
        var pieces = new Queue<Tcp.Write>();
        for (var i = 0; i < ResponseStreamer.WholeWindow; i++) pieces.Enqueue(ExpectWrite());
        _socket.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // the window is full
        var progress = WriteProgress.Writing;
        while (pieces.TryDequeue(out var piece))
        {
            Assert.InRange(piece.Data.Count, 1, ResponseStreamer.MaxWriteBytes);
            written.AddRange(piece.Data.ToArray());
            progress = streamer.OnWriteAck(At);
            while (_socket.HasMessages) pieces.Enqueue(ExpectWrite());
            Assert.True(pieces.Count <= ResponseStreamer.WholeWindow, $"{pieces.Count} writes unacknowledged");
        }
        Assert.Equal(element, written.ToArray());

        // The stream, asked for more once the element is out, ends the body.
        Assert.Equal(WriteProgress.Writing, progress);
        _self.ExpectMsg<ResponseStreamer.StreamDone>();
        Assert.Equal(WriteProgress.Finished, streamer.OnStreamDone(At));
    }

    [Fact]
    public void A_cached_file_is_written_from_the_cache_own_array_for_every_response_never_from_a_copy()
    {
        var content = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray();
        var cached = new FileRepresentation("/www/app.js", content.Length, DateTime.UtcNow.AddHours(-1), DateTime.UtcNow,
            "text/javascript", content);
        var streamer = Streamer();

        for (var response = 0; response < 2; response++)
        {
            streamer.Start(ExchangeFor(cached.Full), keepAlive: true, At);

            var first = ExpectWrite().Data;
            var headLength = Text(first).IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
            var last = ExpectWrite().Data;
            // A compact ByteString's span is its buffer itself; a copy's would lie outside the cache's array.
            Assert.True(first.Slice(headLength).ToReadOnlySpan().Overlaps(content), "the body's first bytes were copied");
            Assert.True(last.ToReadOnlySpan().Overlaps(content), "the body's last bytes were copied");
            Assert.Equal(content.Length, first.Count - headLength + last.Count);
            Assert.Equal(WriteProgress.Writing, streamer.OnWriteAck(At));
            Assert.Equal(WriteProgress.Finished, streamer.OnWriteAck(At));
        }
    }

    [Fact]
    public void A_stream_body_has_at_most_the_window_of_chunks_unacknowledged_and_one_more_per_ack()
    {
        var chunks = Enumerable.Range(0, 10).Select(i => $"chunk-{i}").ToArray();
        var streamer = Streamer();
        streamer.Start(ExchangeFor(Streaming(chunks.Sum(c => c.Length), chunks)), keepAlive: true, At);
        Assert.Contains("Content-Length: 70\r\n", Text(ExpectWrite().Data));
        Assert.Equal(WriteProgress.Writing, streamer.OnWriteAck(At));
        _self.ExpectMsg<ResponseStreamer.StreamInit>();
        streamer.OnStreamInit(_self.LastSender);

        for (var i = 0; i < ResponseStreamer.StreamWindow; i++)
        {
            streamer.OnChunk(_self.ExpectMsg<ByteString>(), _self.LastSender, At);
            Assert.Equal(chunks[i], Text(ExpectWrite().Data));
        }
        _self.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // the window is full: the stream is not asked for more

        Assert.Equal(WriteProgress.Writing, streamer.OnWriteAck(At));
        streamer.OnChunk(_self.ExpectMsg<ByteString>(), _self.LastSender, At);
        Assert.Equal(chunks[ResponseStreamer.StreamWindow], Text(ExpectWrite().Data));
        _self.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Theory]
    [InlineData(HttpVersion.Http11, "5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n", true)] // RFC 9112 §7.1
    [InlineData(HttpVersion.Http10, "helloworld!", false)]                          // RFC 9112 §6.3: ends at the close
    public void A_stream_of_unknown_length_is_chunked_for_an_http11_client_only(HttpVersion version, string wire, bool chunked)
    {
        var streamer = Streamer();
        var exchange = ExchangeFor(Streaming(null, "hello", "world!"), version);
        streamer.Start(exchange, keepAlive: chunked, At);

        var head = Text(ExpectWrite().Data);
        Assert.Equal(chunked, head.Contains("Transfer-Encoding: chunked\r\n"));
        Assert.DoesNotContain("Content-Length", head);

        var (written, end) = StreamTheBody(streamer);
        Assert.Equal(wire, written);
        Assert.Equal(WriteProgress.Finished, end);
        Assert.Equal(11, exchange.BodyBytesSent);
    }

    [Theory]
    [InlineData(10, true)]  // the head promised 10 bytes, 5 came: only a cut ends it honestly
    [InlineData(5, false)]
    public void A_body_that_ends_short_of_its_content_length_fails(long promised, bool fails)
    {
        var streamer = Streamer();
        streamer.Start(ExchangeFor(Streaming(promised, "12", "345")), keepAlive: true, At);
        ExpectWrite();

        var (written, progress) = StreamTheBody(streamer);

        Assert.Equal("12345", written);
        Assert.Equal(fails ? WriteProgress.Failed : WriteProgress.Finished, progress);
    }

    [Fact]
    public void The_write_deadline_is_set_by_the_write_at_the_head_of_the_line_and_moves_with_each_ack()
    {
        var rate = new MinDataRate(1000, TimeSpan.FromSeconds(1));
        var streamer = Streamer(rate);
        Assert.Equal(TimeSpan.MaxValue, streamer.Deadline);
        var response = HttpResponse.Bytes(200, new byte[150_000], "application/octet-stream");
        streamer.Start(ExchangeFor(response), keepAlive: true, At);
        var last = new[] { ExpectWrite(), ExpectWrite(), ExpectWrite() }[2].Data.Count;

        var first = At + rate.Allowance(ResponseStreamer.MaxWriteBytes);
        Assert.Equal(first, streamer.Deadline);
        Assert.False(streamer.IsOverdue(first - TimeSpan.FromTicks(1)));
        Assert.True(streamer.IsOverdue(first));

        streamer.OnWriteAck(At + TimeSpan.FromSeconds(10));
        Assert.Equal(At + TimeSpan.FromSeconds(10) + rate.Allowance(ResponseStreamer.MaxWriteBytes), streamer.Deadline);
        streamer.OnWriteAck(At + TimeSpan.FromSeconds(20));
        Assert.Equal(At + TimeSpan.FromSeconds(20) + rate.Allowance(last), streamer.Deadline);
        streamer.OnWriteAck(At + TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.MaxValue, streamer.Deadline);
    }
}
