using Akka;
using Akka.Actor;
using Akka.IO;
using Akka.Streams.Dsl;
using Akka.TestKit;
using ActorHttp.Http;
using ActorHttp.Routing;
using ActorHttp.Tests.Support;
using Tcp = Akka.IO.Tcp;

namespace ActorHttp.Tests.Actors;

/// <summary>
/// Large file bodies at the connection actor: chunks go to the socket only as earlier writes are
/// acknowledged, so a slow reader holds a few chunks of memory, never the file.
/// </summary>
public sealed class FileStreamingSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly TestWww _www = new();
    private readonly byte[] _file;

    public FileStreamingSpec()
    {
        _file = new byte[2 * 1024 * 1024];
        new Random(3).NextBytes(_file);
        _www.Write("large.bin", _file);
    }

    [Fact]
    public void A_large_file_is_written_in_chunks_that_wait_for_the_socket_to_acknowledge_earlier_ones()
    {
        var conn = new ConnectionHarness(this, TestSettings.For(_www.Root));
        conn.Receive("GET /large.bin HTTP/1.1\r\nHost: x\r\n\r\n");

        var head = conn.ExpectWrite();
        Assert.Contains("Content-Length: " + _file.Length, head);

        // A reader that acknowledges nothing: only a small window of chunks is ever handed to the socket.
        var unacknowledged = new List<Tcp.Write> { conn.Connection.ExpectMsg<Tcp.Write>() };
        while (conn.Connection.ReceiveOne(TimeSpan.FromMilliseconds(300)) is Tcp.Write write) unacknowledged.Add(write);
        Assert.InRange(unacknowledged.Count, 1, 8);
        Assert.True(unacknowledged.Sum(w => w.Data.Count) < _file.Length / 4);

        // Acknowledging everything from then on delivers the rest, byte-exact.
        var body = new List<byte>();
        foreach (var write in unacknowledged)
        {
            body.AddRange(write.Data.ToArray());
            conn.Connection.Send(conn.Actor, write.Ack);
        }
        while (body.Count < _file.Length)
        {
            var write = conn.Connection.ExpectMsg<Tcp.Write>();
            body.AddRange(write.Data.ToArray());
            conn.Connection.Reply(write.Ack);
        }
        Assert.Equal(_file, body.ToArray());
    }

    [Fact]
    public void A_file_download_reads_into_a_few_buffers_reused_as_the_socket_acknowledges_each_chunk()
    {
        var conn = new ConnectionHarness(this, TestSettings.For(_www.Root));
        conn.Receive("GET /large.bin HTTP/1.1\r\nHost: x\r\n\r\n");
        conn.ExpectWrite();

        var body = new List<byte>();
        var buffersSeen = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
        while (body.Count < _file.Length)
        {
            var write = conn.Connection.ExpectMsg<Tcp.Write>();
            body.AddRange(write.Data.ToArray());
            foreach (var array in UnderlyingArrays(write.Data)) buffersSeen.Add(array);
            conn.Connection.Reply(write.Ack);
        }

        // 2 MiB is 32 chunks of 64 KiB; a fresh array for each (as FileIO reads) would be 32.
        Assert.Equal(_file, body.ToArray());
        Assert.InRange(buffersSeen.Count, 1, 6);
    }

    [Fact]
    public void A_file_that_shrinks_after_its_length_was_sent_cuts_the_connection_rather_than_end_the_body_short()
    {
        var conn = new ConnectionHarness(this, TestSettings.For(_www.Root));
        conn.Receive("GET /large.bin HTTP/1.1\r\nHost: x\r\n\r\n");
        var head = conn.Connection.ExpectMsg<Tcp.Write>();
        Assert.Contains("Content-Length: " + _file.Length, head.Data.ToString());

        // The body's reading starts when the head is acknowledged; by then the file is shorter than promised.
        using (var file = File.OpenWrite(Path.Combine(_www.Root, "large.bin"))) file.SetLength(100_000);
        conn.Connection.Reply(head.Ack);

        var sent = 0;
        while (conn.Connection.ExpectMsg<object>() is Tcp.Write write)
        {
            sent += write.Data.Count;
            conn.Connection.Reply(write.Ack);
        }
        Assert.Equal(100_000, sent);
        Assert.IsType<Tcp.Abort>(conn.Connection.LastMessage);
        conn.ExpectTerminated();
    }

    [Fact]
    public void A_body_stream_reads_only_a_few_elements_ahead_of_a_client_that_does_not_read()
    {
        var pulled = 0;
        var pieces = Source.From(Enumerable.Range(1, 1000).Select(i =>
        {
            Interlocked.Increment(ref pulled);
            return ByteString.FromString($"piece {i}\n");
        }));
        var routes = new RouteBuilder().Get("/pieces", Props.Create(() => new StreamBodyHandler(pieces))).Build();
        var conn = new ConnectionHarness(this, TestSettings.For(_www.Root), routes);
        conn.Receive("GET /pieces HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Contains("Transfer-Encoding: chunked", conn.ExpectWrite());

        // A reader that acknowledges nothing: the stream stops pulling once the write window and the small
        // buffers in front of it are full. Akka.Streams' default buffers (16 per stage) would pull 20 and more.
        conn.Connection.ExpectMsg<Tcp.Write>();
        while (conn.Connection.ReceiveOne(TimeSpan.FromMilliseconds(300)) is Tcp.Write) { }
        Assert.InRange(Volatile.Read(ref pulled), 1, 10);
    }

    [Fact]
    public void A_client_that_disconnects_mid_download_stops_the_connection_and_its_file_stream()
    {
        var conn = new ConnectionHarness(this, TestSettings.For(_www.Root));
        conn.Receive("GET /large.bin HTTP/1.1\r\nHost: x\r\n\r\n");
        conn.ExpectWrite();
        conn.Connection.ExpectMsg<Tcp.Write>();

        conn.Send(new Tcp.ErrorClosed("Connection reset by peer"));

        conn.ExpectTerminated();
        // Writes sent before the reset may still sit in the probe's mailbox; after them, nothing more comes.
        conn.Connection.ReceiveWhile(TimeSpan.FromMilliseconds(200), m => m as Tcp.Write);
        conn.Connection.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    /// <summary>
    /// The arrays a ByteString wraps. Akka keeps that list internal; reading it is the only way to see from outside
    /// whether two writes carried the same buffer.
    /// </summary>
    private static IEnumerable<byte[]> UnderlyingArrays(ByteString data) =>
        ((IList<ArraySegment<byte>>)typeof(ByteString)
            .GetProperty("Buffers", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .GetValue(data)!)
        .Select(segment => segment.Array!);

    /// <summary>Answers every request with the same streamed body of unknown length.</summary>
    private sealed class StreamBodyHandler : ReceiveActor
    {
        public StreamBodyHandler(Source<ByteString, NotUsed> body) =>
            Receive<HttpRequest>(_ => Sender.Tell(new HttpResponse(200, HttpHeaders.Empty, new ResponseBody.Stream(body))));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _www.Dispose();
    }
}
