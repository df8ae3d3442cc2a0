using System.IO.Compression;
using System.Text;
using Akka.Actor;
using Akka.IO;
using ActorHttp.Actors;
using ActorHttp.Routing;
using ActorHttp.Tests.Routing;
using ActorHttp.Tests.Support;
using Tcp = Akka.IO.Tcp;

namespace ActorHttp.Tests.Actors;

/// <summary>
/// Bodies compressed as they stream, at the connection actor: a large text file and a handler's stream go out
/// chunked in the coding asked for, written only as the socket acknowledges earlier writes, and decode to the
/// original; HEAD and HTTP/1.0 start no encoder.
/// </summary>
public sealed class CompressedStreamingSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly TestWww _www = new();
    private readonly byte[] _text;

    public CompressedStreamingSpec() : base(VirtualTime.Config)
    {
        // Text that compresses, but not so well that a few chunks of it hold the whole file.
        var random = new Random(11);
        var words = new[] { "actor", "stream", "chunk", "socket", "brotli", "gzip", "window", "ack", "file", "byte" };
        var builder = new StringBuilder();
        while (builder.Length < 3 * 1024 * 1024) builder.Append(words[random.Next(words.Length)]).Append(random.Next(1000)).Append(' ');
        _text = Encoding.ASCII.GetBytes(builder.ToString());
        _www.Write("large.txt", _text);
    }

    private ConnectionHarness Connect(string hocon = "") =>
        new(this, TestSettings.For(_www.Root, hocon), new RouteBuilder().Get("/stream", Props.Create<StreamingHandler>()).Build());

    private static byte[] Decode(string coding, byte[] coded)
    {
        using Stream decoder = coding == "br"
            ? new BrotliStream(new MemoryStream(coded), CompressionMode.Decompress)
            : new GZipStream(new MemoryStream(coded), CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    // The chunked framing (RFC 9112 §7.1) of what was written after the head, removed.
    private static byte[] Dechunk(byte[] framed)
    {
        var body = new List<byte>();
        var position = 0;
        while (true)
        {
            var lineEnd = Array.IndexOf(framed, (byte)'\n', position);
            var size = Convert.ToInt32(Encoding.ASCII.GetString(framed, position, lineEnd - 1 - position), 16);
            position = lineEnd + 1;
            if (size == 0) return body.ToArray();
            body.AddRange(framed.AsSpan(position, size).ToArray());
            position += size + 2;
        }
    }

    // Acknowledges every write until the last chunk has gone out; returns the framed body.
    private static byte[] ReadBody(ConnectionHarness conn, List<byte>? already = null)
    {
        var framed = already ?? new List<byte>();
        while (framed.Count < 5 || !framed.TakeLast(5).SequenceEqual("0\r\n\r\n"u8.ToArray()))
        {
            var write = conn.Connection.ExpectMsg<Tcp.Write>(TimeSpan.FromSeconds(10));
            framed.AddRange(write.Data.ToArray());
            conn.Connection.Reply(write.Ack);
        }
        return framed.ToArray();
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public void A_large_text_file_is_compressed_chunk_by_chunk_as_the_socket_acknowledges_and_decodes_to_the_file(string coding)
    {
        var conn = Connect();
        conn.Receive($"GET /large.txt HTTP/1.1\r\nHost: x\r\nAccept-Encoding: {coding}\r\n\r\n");

        var head = conn.ExpectWrite();
        Assert.Contains("Content-Encoding: " + coding + "\r\n", head);
        Assert.Contains("Transfer-Encoding: chunked\r\n", head);
        Assert.Contains("Vary: Accept-Encoding\r\n", head);
        Assert.DoesNotContain("Content-Length", head);

        // A client that acknowledges nothing is handed a window of writes, never the file.
        var unacknowledged = new List<Tcp.Write> { conn.Connection.ExpectMsg<Tcp.Write>(TimeSpan.FromSeconds(10)) };
        while (conn.Connection.ReceiveOne(TimeSpan.FromMilliseconds(300)) is Tcp.Write write) unacknowledged.Add(write);
        Assert.InRange(unacknowledged.Count, 1, 2 * ResponseStreamer.StreamWindow);
        Assert.True(unacknowledged.Sum(w => w.Data.Count) <= ResponseStreamer.StreamWindow * 2 * (ResponseStreamer.MaxWriteBytes + 16));

        var framed = new List<byte>();
        foreach (var write in unacknowledged)
        {
            framed.AddRange(write.Data.ToArray());
            conn.Connection.Send(conn.Actor, write.Ack);
        }
        var coded = Dechunk(ReadBody(conn, framed));
        Assert.True(coded.Length < _text.Length * 2 / 3, $"{coded.Length} coded bytes for {_text.Length}");
        Assert.Equal(_text, Decode(coding, coded));
    }

    [Fact]
    public void A_client_that_stops_reading_a_compressed_download_is_cut_once_a_write_is_overdue()
    {
        // 1 MiB/s: each write of at most 64 KiB is allowed the 5 s grace period.
        var conn = Connect("actorhttp.limits.min-response-rate { bytes-per-second = 1048576, grace-period = 5s }");
        conn.Receive("GET /large.txt HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br\r\n\r\n");
        Assert.Contains("Content-Encoding: br", conn.ExpectWrite());
        conn.Connection.ExpectMsg<Tcp.Write>(TimeSpan.FromSeconds(10)); // never acknowledged from here on
        conn.Settle();

        ((Akka.TestKit.TestScheduler)Sys.Scheduler).Advance(TimeSpan.FromSeconds(4.9));
        var meanwhile = conn.Connection.ReceiveWhile<object>(TimeSpan.FromMilliseconds(300), m => m, int.MaxValue);
        Assert.DoesNotContain(meanwhile, m => m is Tcp.Abort);
        ((Akka.TestKit.TestScheduler)Sys.Scheduler).Advance(TimeSpan.FromSeconds(0.1));
        conn.Connection.FishForMessage(m => m is Tcp.Abort, TimeSpan.FromSeconds(5));
        conn.ExpectTerminated();
    }

    [Fact]
    public void Head_gets_the_coded_head_and_no_body_and_the_connection_serves_the_next_request()
    {
        var conn = Connect();
        conn.Receive("HEAD /large.txt HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br\r\n\r\n");

        var head = conn.ExpectWrite();
        Assert.Contains("Content-Encoding: br\r\n", head);
        Assert.EndsWith("\r\n\r\n", head);
        Assert.DoesNotContain("Content-Length", head);

        conn.Receive("GET /hello.html HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200 OK", conn.ExpectWrite());
    }

    [Fact]
    public void An_http_1_0_client_gets_the_file_as_it_is_with_its_length()
    {
        var conn = Connect();
        conn.Receive("GET /large.txt HTTP/1.0\r\nAccept-Encoding: br, gzip\r\n\r\n");

        var head = conn.ExpectWrite();

        Assert.Contains("Content-Length: " + _text.Length + "\r\n", head);
        Assert.DoesNotContain("Content-Encoding", head);
        Assert.Contains("Vary: Accept-Encoding\r\n", head);
    }

    [Fact]
    public void A_range_on_a_large_file_gets_a_part_of_the_file_itself()
    {
        var conn = Connect();
        conn.Receive("GET /large.txt HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br\r\nRange: bytes=0-99\r\n\r\n");

        var head = conn.ExpectWrite();

        Assert.StartsWith("HTTP/1.1 206", head);
        Assert.Contains("Content-Length: 100\r\n", head);
        Assert.DoesNotContain("Content-Encoding", head);
        Assert.Equal(_text[..100], conn.Connection.ExpectMsg<Tcp.Write>().Data.ToArray());
    }

    [Fact]
    public void A_handlers_streamed_text_is_compressed_and_decodes_to_what_it_streamed()
    {
        var conn = Connect();
        conn.Receive("GET /stream HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");

        var head = conn.ExpectWrite();
        Assert.Contains("Content-Encoding: gzip\r\n", head);
        Assert.Contains("Transfer-Encoding: chunked\r\n", head);
        Assert.Contains("Vary: Accept-Encoding\r\n", head);

        var decoded = Encoding.ASCII.GetString(Decode("gzip", Dechunk(ReadBody(conn))));
        Assert.Equal(string.Concat(Enumerable.Range(1, 50).Select(i => $"line {i}\n")), decoded);
    }
}
