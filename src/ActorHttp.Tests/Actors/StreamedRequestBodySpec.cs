using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit;
using ActorHttp.Routing;
using ActorHttp.Tests.Routing;
using ActorHttp.Tests.Support;
using Tcp = Akka.IO.Tcp;

namespace ActorHttp.Tests.Actors;

/// <summary>
/// Streamed request bodies at the connection actor, against a probe standing in for the socket: the body
/// reaches the handler as a Source, and a handler that does not pull stops the connection reading.
/// </summary>
public sealed class StreamedRequestBodySpec : Akka.TestKit.Xunit2.TestKit
{
    private const int FrameSize = 1000;

    private readonly TestWww _www = new();

    private ConnectionHarness Connect<THandler>(string hocon = "actorhttp.limits.max-body = 100") where THandler : ActorBase =>
        ConnectUploads<THandler>(this, _www, hocon);

    internal static ConnectionHarness ConnectUploads<THandler>(Akka.TestKit.TestKitBase kit, TestWww www, string hocon) where THandler : ActorBase
    {
        var routes = new RouteBuilder()
            .Map("PUT", "/up/{name}", Props.Create(typeof(THandler), kit.TestActor), streamBody: true)
            .Build();
        return new ConnectionHarness(kit, TestSettings.For(www.Root, hocon), routes);
    }

    internal static byte[] Frame(int index) => Enumerable.Range(0, FrameSize).Select(i => (byte)(index * 31 + i)).ToArray();

    private static string Digest(IEnumerable<byte[]> frames)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var count = 0L;
        foreach (var frame in frames)
        {
            hash.AppendData(frame);
            count += frame.Length;
        }
        return $"{count} {Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant()}";
    }

    /// <summary>
    /// Sends body frames the way the socket would in pull mode: the next one only once the actor asked for a read.
    /// Returns when all are sent or no read was asked for <paramref name="quiet"/> (the handler holds the body up).
    /// </summary>
    internal static (int Sent, bool Suspended) SendWhileReading(ConnectionHarness conn, int from, int to, TimeSpan quiet)
    {
        var next = from;
        while (next < to)
        {
            if (!conn.ReadOutstanding && !conn.AwaitRead(quiet)) return (next - from, true);
            conn.Receive(Frame(next++));
        }
        return (next - from, false);
    }

    /// <summary>The next response, skipping the reading commands that may come before it.</summary>
    internal static string ExpectResponseText(ConnectionHarness conn)
    {
        while (true)
        {
            var message = conn.Connection.ReceiveOne(TimeSpan.FromSeconds(10));
            if (message is Tcp.SuspendReading or Tcp.ResumeReading) continue;
            var write = Assert.IsType<Tcp.Write>(message);
            if (write.Ack is not Tcp.NoAck) conn.Connection.Reply(write.Ack);
            return write.Data.ToString(Encoding.Latin1);
        }
    }

    private static string BodyOf(string response) => response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];

    [Fact]
    public void A_handler_that_does_not_pull_the_body_stops_the_connection_reading_and_pulling_resumes_it()
    {
        const int frames = 64;
        var conn = Connect<HoldingUploadHandler>();
        conn.Receive($"PUT /up/a HTTP/1.1\r\nHost: x\r\nContent-Length: {frames * FrameSize}\r\n\r\n");
        var started = ExpectMsg<UploadStarted>();
        Assert.Equal("a", started.Head.RouteValue("name"));
        Assert.True(started.Head.Body.IsEmpty);

        var (sent, suspended) = SendWhileReading(conn, 0, frames, quiet: TimeSpan.FromMilliseconds(500));
        Assert.True(suspended, "reading should stay suspended while the handler does not pull");
        Assert.InRange(sent, 2, 20); // the queue's few pieces, one offer waiting, one frame in hand

        started.Handler.Tell(HoldingUploadHandler.Pull.Instance);
        Assert.True(conn.AwaitRead(TimeSpan.FromSeconds(10)), "pulling the body should make the connection read again");

        var (rest, _) = SendWhileReading(conn, sent, frames, quiet: TimeSpan.FromSeconds(10));
        Assert.Equal(frames, sent + rest);
        var response = ExpectResponseText(conn);
        Assert.StartsWith("HTTP/1.1 200", response);
        Assert.Equal(Digest(Enumerable.Range(0, frames).Select(Frame)), BodyOf(response));
    }

    [Fact]
    public void A_chunked_body_larger_than_the_body_limit_reaches_the_handler_without_its_framing()
    {
        var conn = Connect<DigestUploadHandler>();
        var frames = Enumerable.Range(0, 5).Select(Frame).ToArray();
        conn.Receive("PUT /up/b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        ExpectMsg<UploadStarted>();
        foreach (var frame in frames)
        {
            conn.Receive($"{frame.Length:x}\r\n");
            conn.Receive(frame);
            conn.Receive("\r\n");
        }
        conn.Receive("0\r\n\r\n");

        Assert.Equal(Digest(frames), BodyOf(ExpectResponseText(conn)));
        ExpectMsg<UploadEnded>();
    }

    [Fact]
    public void A_request_pipelined_after_a_streamed_body_is_answered_after_the_upload()
    {
        var conn = Connect<DigestUploadHandler>();
        conn.Receive("PUT /up/c HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal(Digest(new[] { "hello"u8.ToArray() }), BodyOf(ExpectResponseText(conn)));
        Assert.Equal(TestWww.Hello, BodyOf(ExpectResponseText(conn)));
    }

    [Fact]
    public void A_bodyless_request_to_an_upload_route_streams_an_empty_body()
    {
        var conn = Connect<DigestUploadHandler>();
        conn.Receive("PUT /up/d HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");

        Assert.StartsWith("0 ", BodyOf(ExpectResponseText(conn)));
    }

    [Fact]
    public void Expect_100_continue_on_an_upload_is_answered_before_the_body_is_sent()
    {
        var conn = Connect<DigestUploadHandler>();
        conn.Receive("PUT /up/e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
        Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", conn.ExpectWrite());
        conn.Receive("ok");

        Assert.Equal(Digest(new[] { "ok"u8.ToArray() }), BodyOf(ExpectResponseText(conn)));
    }

    [Fact]
    public void A_broken_chunk_fails_the_handlers_stream_and_the_request_gets_400_then_close()
    {
        var conn = Connect<DigestUploadHandler>();
        conn.Receive("PUT /up/f HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n");

        ExpectMsg<UploadStarted>();
        Assert.IsType<IOException>(ExpectMsg<UploadFailed>().Cause);
        Assert.StartsWith("HTTP/1.1 400", ExpectResponseText(conn)); // the handler's own answer, in turn
        var rejection = ExpectResponseText(conn);
        Assert.StartsWith("HTTP/1.1 400", rejection);
        Assert.Contains("Connection: close", rejection);
    }

    [Fact]
    public void A_client_that_disconnects_mid_body_fails_the_handlers_stream_and_leaves_nothing_behind()
    {
        var conn = Connect<DigestUploadHandler>();
        conn.Receive("PUT /up/g HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
        conn.Receive(Frame(0));
        var started = ExpectMsg<UploadStarted>();
        Watch(started.Handler);

        conn.Send(Tcp.PeerClosed.Instance);

        // The stream's failure and the two stops race each other: any order will do.
        var seen = ReceiveN(3, TimeSpan.FromSeconds(10));
        Assert.IsType<IOException>(Assert.Single(seen.OfType<UploadFailed>()).Cause);
        var stopped = seen.OfType<Terminated>().Select(t => t.ActorRef).ToHashSet();
        Assert.Equal(new HashSet<IActorRef> { started.Handler, conn.Actor }, stopped);
    }

    [Fact]
    public void A_buffered_route_beside_an_upload_route_still_refuses_a_body_over_the_limit()
    {
        var conn = Connect<DigestUploadHandler>();
        conn.Receive("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n");

        var response = conn.ExpectResponse();
        Assert.Equal(413, response.Status);
        Assert.True(response.ClosesConnection);
    }

    [Fact]
    public void A_buffered_route_beside_an_upload_route_gets_its_body_whole()
    {
        var conn = Connect<DigestUploadHandler>();
        conn.Receive("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhel");
        conn.Receive("lo");

        Assert.Equal("hello", conn.ExpectResponse().BodyText);
    }

    [Fact]
    public void A_handler_that_answers_before_the_body_ended_gets_its_answer_out_then_the_connection_closes()
    {
        var conn = Connect<RefusingUploadHandler>();
        conn.Receive("PUT /up/i HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
        conn.Receive(Frame(0));

        var response = ExpectResponseText(conn);
        Assert.StartsWith("HTTP/1.1 413", response);
        Assert.Contains("Connection: close", response); // where the next request would start is unknown
        conn.Connection.FishForMessage(m => m is Tcp.ConfirmedClose, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_buffered_route_beside_an_upload_route_still_gets_100_continue()
    {
        var conn = Connect<DigestUploadHandler>();
        conn.Receive("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", conn.ExpectWrite());
        conn.Receive("hello");

        Assert.Equal("hello", conn.ExpectResponse().BodyText);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _www.Dispose();
    }
}

/// <summary>The handler timeout for a handler that holds a streamed body up, in virtual time.</summary>
public sealed class StreamedRequestBodyTimeoutSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly TestWww _www = new();

    public StreamedRequestBodyTimeoutSpec() : base(Support.VirtualTime.Config) { }

    [Fact]
    public void A_handler_that_holds_the_body_up_past_its_timeout_gets_503_and_the_connection_closes()
    {
        var conn = StreamedRequestBodySpec.ConnectUploads<StallingUploadHandler>(this, _www, "actorhttp.timeouts.handler = 30s");
        conn.Receive("PUT /up/h HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
        ExpectMsg<UploadStarted>();
        var (_, suspended) = StreamedRequestBodySpec.SendWhileReading(conn, 0, 1000, quiet: TimeSpan.FromMilliseconds(500));
        Assert.True(suspended);

        ((TestScheduler)Sys.Scheduler).Advance(TimeSpan.FromSeconds(30));

        var response = StreamedRequestBodySpec.ExpectResponseText(conn);
        Assert.StartsWith("HTTP/1.1 503", response);
        Assert.Contains("Connection: close", response);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _www.Dispose();
    }
}
