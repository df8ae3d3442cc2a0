using System.Collections.Concurrent;
using System.Net.Security;
using System.Text;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit;
using ActorHttp.Actors;
using ActorHttp.Hosting;
using ActorHttp.Http;
using ActorHttp.Observability;
using ActorHttp.Tests.Support;
using Tcp = Akka.IO.Tcp;

namespace ActorHttp.Tests.Actors;

/// <summary>
/// The TLS stage between a socket and a plain handler: a <see cref="SocketWire"/> (a real loopback socket behind an
/// Akka.IO-like actor) is its socket, a client <see cref="SslStream"/> the other end of that socket, and a probe its
/// plain handler. Virtual time, for the handshake timeout.
/// </summary>
public sealed class TlsStageSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private readonly TestWww _www = new();
    private readonly SocketWire _wire;
    private readonly TestProbe _handler;
    private readonly HandshakeCounts _observer = new();
    private readonly IActorRef _stage;

    public TlsStageSpec() : base(VirtualTime.Config)
    {
        _wire = SocketWire.Create(this);
        _handler = CreateTestProbe();
        var context = HttpServer.CreateContext(Sys, TestSettings.For(_www.Root), observer: _observer);
        var handler = _handler.Ref;
        _stage = Sys.ActorOf(TlsStage.Props(_wire.Actor, TestCertificate.ServerOptions(), context, _ => Props.Create(() => new Forwarder(handler))));
        Watch(_stage);
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    [Fact]
    public async Task A_TLS_stage_must_complete_the_handshake_offering_http_1_1_and_carry_data_both_ways()
    {
        var client = await HandshakeAsync();

        Assert.Equal(SslApplicationProtocol.Http11, client.NegotiatedApplicationProtocol);
        Assert.Equal([TlsHandshakeResult.Completed], _observer.Results);
        await client.WriteAsync("GET / HTTP/1.1\r\n"u8.ToArray());
        Assert.Equal("GET / HTTP/1.1\r\n", _handler.ExpectMsg<Tcp.Received>(Patience).Data.ToString(Encoding.ASCII));
        _handler.Send(_stage, Tcp.Write.Create(ByteString.FromString("HTTP/1.1 200 OK\r\n"), ConnectionProtocol.WriteAck.Instance));
        _handler.ExpectMsg<ConnectionProtocol.WriteAck>(Patience);
        Assert.Equal("HTTP/1.1 200 OK\r\n", await ReadTextAsync(client, 17));
    }

    [Fact]
    public async Task A_TLS_stage_must_acknowledge_a_write_to_its_sender_not_to_the_handler()
    {
        var client = await HandshakeAsync();
        var writer = CreateTestProbe();

        writer.Send(_stage, Tcp.Write.Create(ByteString.FromString("frame"), ConnectionProtocol.WriteAck.Instance));

        writer.ExpectMsg<ConnectionProtocol.WriteAck>(Patience);
        Assert.Equal("frame", await ReadTextAsync(client, 5));
        _handler.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task A_TLS_stage_must_read_one_frame_per_ResumeReading_and_not_touch_the_socket_in_between()
    {
        var client = await HandshakeAsync();
        await client.WriteAsync("first"u8.ToArray());
        Assert.Equal("first", _handler.ExpectMsg<Tcp.Received>(Patience).Data.ToString(Encoding.ASCII));
        // Every command up to that read was forwarded before the read completed.
        while (_wire.Commands.HasMessages) _wire.Commands.ReceiveOne(TimeSpan.Zero);

        await client.WriteAsync("second"u8.ToArray());

        // Nothing is read from the socket until the handler asks: the client's bytes wait in the kernel.
        _wire.Commands.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        _handler.ExpectNoMsg(TimeSpan.FromMilliseconds(10));
        _handler.Send(_stage, Tcp.ResumeReading.Instance);
        _wire.Commands.ExpectMsg<Tcp.ResumeReading>(Patience);
        Assert.Equal("second", _handler.ExpectMsg<Tcp.Received>(Patience).Data.ToString(Encoding.ASCII));
    }

    [Fact]
    public async Task A_TLS_stage_must_hold_a_writes_ack_until_the_socket_has_acknowledged_its_records()
    {
        var client = await HandshakeAsync();
        var large = new byte[100_000];
        Random.Shared.NextBytes(large);
        _wire.HoldAcks();

        _handler.Send(_stage, Tcp.Write.Create(ByteString.FromBytes(large), ConnectionProtocol.WriteAck.Instance));

        // 100 kB is seven records, all sent; while the socket has not acknowledged them, neither does the stage.
        var received = new byte[large.Length];
        await client.ReadExactlyAsync(received).AsTask().WaitAsync(Patience);
        Assert.Equal(large, received);
        _handler.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        _wire.ReleaseAcks();
        _handler.ExpectMsg<ConnectionProtocol.WriteAck>(Patience);
    }

    [Fact]
    public async Task A_TLS_stage_must_send_a_plain_writes_records_as_one_acknowledged_socket_write_and_its_handshake_unacknowledged()
    {
        var client = await HandshakeAsync();
        var large = new byte[100_000];
        Random.Shared.NextBytes(large);

        _handler.Send(_stage, Tcp.Write.Create(ByteString.FromBytes(large), ConnectionProtocol.WriteAck.Instance));

        var received = new byte[large.Length];
        await client.ReadExactlyAsync(received).AsTask().WaitAsync(Patience);
        Assert.Equal(large, received);
        _handler.ExpectMsg<ConnectionProtocol.WriteAck>(Patience);
        var writes = WritesSentSoFar();
        Assert.True(writes.Count >= 2, $"{writes.Count} writes: a handshake flight and the plain write's records were expected");
        Assert.All(writes[..^1], write => Assert.False(write.WantsAck));
        Assert.True(writes[^1].WantsAck);
        Assert.InRange(writes[^1].Data.Count, large.Length + 7 * 17, large.Length + 7 * 300); // seven records, each with its header and tag
    }

    [Fact]
    public async Task A_TLS_1_3_stage_must_send_its_session_tickets_in_front_of_the_first_write_rather_than_on_their_own()
    {
        var client = await HandshakeAsync();
        Assert.Equal(System.Security.Authentication.SslProtocols.Tls13, client.SslProtocol);

        _handler.Send(_stage, Tcp.Write.Create(ByteString.FromString("hello"), ConnectionProtocol.WriteAck.Instance));

        Assert.Equal("hello", await ReadTextAsync(client, 5));
        _handler.ExpectMsg<ConnectionProtocol.WriteAck>(Patience);
        var writes = WritesSentSoFar();
        // The server's first flight, then the tickets with the record of "hello" (5 bytes, 22 of header and tag).
        Assert.Equal(2, writes.Count);
        Assert.True(writes[1].Data.Count > 5 + 22 + 100, $"{writes[1].Data.Count} bytes: no session ticket went with the write");
    }

    [Fact]
    public void A_TLS_stage_must_reset_a_client_that_does_not_finish_its_handshake_in_time_and_count_it()
    {
        _wire.Commands.ExpectMsg<Tcp.Register>(Patience);
        _wire.Commands.ExpectMsg<Tcp.ResumeReading>(Patience); // waiting for a ClientHello that never comes

        Scheduler.Advance(TimeSpan.FromSeconds(9));
        _wire.Commands.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Scheduler.Advance(TimeSpan.FromSeconds(1));

        _wire.Commands.ExpectMsg<Tcp.Abort>(Patience);
        ExpectTerminated(_stage, Patience);
        Assert.Equal([TlsHandshakeResult.Timeout], _observer.Results);
        _handler.ExpectNoMsg(TimeSpan.FromMilliseconds(50)); // no handler was ever made
    }

    [Fact]
    public async Task A_TLS_stage_must_refuse_a_client_that_offers_only_TLS_1_1_and_count_it_as_a_protocol_failure()
    {
        var client = new SslStream(_wire.Client, leaveInnerStreamOpen: true);
        var options = TestCertificate.ClientOptions();
#pragma warning disable SYSLIB0039 // TLS 1.1 on purpose: the server must refuse it
        options.EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls11;
#pragma warning restore SYSLIB0039

        await Assert.ThrowsAnyAsync<Exception>(() => client.AuthenticateAsClientAsync(options).WaitAsync(Patience));

        ExpectTerminated(_stage, Patience);
        Assert.Equal([TlsHandshakeResult.Protocol], _observer.Results);
    }

    [Fact]
    public async Task A_TLS_stage_must_stop_at_once_and_count_it_when_the_client_resets_half_way_through_its_handshake()
    {
        await _wire.Client.WriteAsync(new byte[] { 0x16, 0x03, 0x01, 0x00, 0xF0 }); // a ClientHello's record header, no more
        _wire.Commands.FishForMessage<Tcp.ResumeReading>(_ => true, Patience);

        _wire.Client.Socket.LingerState = new System.Net.Sockets.LingerOption(true, 0);
        _wire.Client.Socket.Close(); // a reset

        // In virtual time: nothing waits on a timer; the socket's close ends the handshake.
        ExpectTerminated(_stage, Patience);
        Assert.Equal([TlsHandshakeResult.Other], _observer.Results);
    }

    [Fact]
    public async Task A_TLS_stage_must_send_close_notify_before_closing_and_report_Closed_to_the_handler()
    {
        var client = await HandshakeAsync();
        _wire.HoldClose();

        _handler.Send(_stage, Tcp.Close.Instance);

        // The socket is not closed yet (the wire holds the Close), so the end the client reads is close_notify's.
        _wire.Commands.FishForMessage<Tcp.Close>(_ => true, Patience);
        Assert.Equal(0, await client.ReadAsync(new byte[16]).AsTask().WaitAsync(Patience));
        _wire.ReleaseClose();
        _handler.ExpectMsg<Tcp.Closed>(Patience);
    }

    [Fact]
    public async Task A_TLS_stage_must_tell_the_handler_PeerClosed_when_the_client_sends_close_notify()
    {
        var client = await HandshakeAsync();

        await client.ShutdownAsync();

        _handler.ExpectMsg<Tcp.PeerClosed>(Patience);
    }

    private async Task<SslStream> HandshakeAsync()
    {
        var client = new SslStream(_wire.Client, leaveInnerStreamOpen: true);
        await client.AuthenticateAsClientAsync(TestCertificate.ClientOptions()).WaitAsync(Patience);
        // The client is done once it has sent its Finished; the stage, once it has read it and made the handler.
        AwaitCondition(() => _observer.Results.Length > 0, Patience);
        return client;
    }

    /// <summary>
    /// The socket writes so far, once the last write's ack has come back: the wire forwards each command before it
    /// acknowledges it, so all of them are in the probe by then.
    /// </summary>
    private List<Tcp.Write> WritesSentSoFar()
    {
        var writes = new List<Tcp.Write>();
        while (_wire.Commands.HasMessages)
            if (_wire.Commands.ReceiveOne(TimeSpan.Zero) is Tcp.Write write) writes.Add(write);
        return writes;
    }

    private static async Task<string> ReadTextAsync(SslStream client, int count)
    {
        var buffer = new byte[count];
        await client.ReadExactlyAsync(buffer).AsTask().WaitAsync(Patience);
        return Encoding.ASCII.GetString(buffer);
    }

    protected override void Dispose(bool disposing)
    {
        _wire.Dispose();
        _www.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>The plain handler: everything the stage tells it goes to the probe.</summary>
    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder(IActorRef probe) => ReceiveAny(message => probe.Forward(message));
    }

    private sealed class HandshakeCounts : IServerObserver
    {
        private readonly ConcurrentQueue<TlsHandshakeResult> _results = new();
        public TlsHandshakeResult[] Results => _results.ToArray();
        public void TlsHandshake(TlsHandshakeResult result) => _results.Enqueue(result);
        public void ConnectionOpened() { }
        public void ConnectionClosed() { }
        public void RequestCompleted(in CompletedExchange exchange) { }
        public void RequestRejected(RequestRejectionReason reason) { }
        public void BytesSent(long count) { }
    }
}
