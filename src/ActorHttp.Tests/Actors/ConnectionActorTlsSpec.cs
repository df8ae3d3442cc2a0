using System.Net.Security;
using System.Text;
using Akka.Actor;
using Akka.IO;
using ActorHttp.Actors;
using ActorHttp.Hosting;
using ActorHttp.Tests.Support;
using Tcp = Akka.IO.Tcp;

namespace ActorHttp.Tests.Actors;

/// <summary>
/// The connection actor of the HTTPS port, which runs its socket's TLS session itself: a <see cref="SocketWire"/> is
/// its socket, a client <see cref="SslStream"/> the other end. Virtual time: no timer fires unless a spec says so.
/// </summary>
public sealed class ConnectionActorTlsSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private readonly TestWww _www = new();
    private readonly SocketWire _wire;
    private readonly IActorRef _connection;

    public ConnectionActorTlsSpec() : base(VirtualTime.Config)
    {
        _wire = SocketWire.Create(this);
        var context = HttpServer.CreateContext(Sys, TestSettings.For(_www.Root));
        _connection = Sys.ActorOf(ConnectionActor.Props(_wire.Actor, null, context, TestCertificate.ServerOptions()));
        Watch(_connection);
    }

    [Fact]
    public async Task A_connection_actor_over_TLS_must_be_the_sockets_handler_itself_and_answer_a_request_after_the_handshake()
    {
        Assert.Equal(_connection, _wire.Commands.ExpectMsg<Tcp.Register>(Patience).Handler);
        var client = new SslStream(_wire.Client, leaveInnerStreamOpen: true);
        await client.AuthenticateAsClientAsync(TestCertificate.ClientOptions()).WaitAsync(Patience);

        await client.WriteAsync("GET /hello.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"u8.ToArray());

        var response = await ReadToEndAsync(client);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response);
        Assert.EndsWith(TestWww.Hello, response);
        ExpectTerminated(_connection, Patience);
    }

    [Fact]
    public async Task A_connection_actor_over_TLS_must_send_a_last_response_and_its_close_notify_in_one_socket_write_then_close()
    {
        var client = await HandshakeAsync();

        await client.WriteAsync("GET /hello.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"u8.ToArray());

        var response = await ReadToEndAsync(client); // ends with the close_notify
        Assert.EndsWith(TestWww.Hello, response);
        var commands = new List<object>();
        _wire.Commands.FishForMessage(message => { commands.Add(message); return message is Tcp.CloseCommand; }, Patience);
        var writes = commands.OfType<Tcp.Write>().ToList();
        Assert.IsType<Tcp.Close>(commands[^1]);
        // Before it: the handshake's flight (unacknowledged), then one acknowledged write carrying the response's
        // records (with the session tickets) and the close_notify; nothing after it but the close.
        Assert.True(writes[^1].WantsAck, "the response and the close_notify were expected in one acknowledged write");
        Assert.All(writes[..^1], write => Assert.False(write.WantsAck));
        Assert.Equal(writes[^1], commands.Where(c => c is not Tcp.ResumeReading).SkipLast(1).Last());
        ExpectTerminated(_connection, Patience);
    }

    [Fact]
    public async Task A_connection_actor_over_TLS_must_close_the_socket_only_once_its_last_write_is_acknowledged_timing_it_until_then()
    {
        var client = await HandshakeAsync();
        _wire.HoldAcks(); // the kernel has not taken the last write yet

        await client.WriteAsync("GET /hello.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"u8.ToArray());
        Assert.EndsWith(TestWww.Hello, await ReadToEndAsync(client));

        // Past the linger time, within the minimum response rate's grace period: neither closed nor cut.
        ((Akka.TestKit.TestScheduler)Sys.Scheduler).Advance(TimeSpan.FromSeconds(4));
        var commands = _wire.Commands.ReceiveWhile<object>(TimeSpan.FromMilliseconds(300), message => message);
        Assert.DoesNotContain(commands, message => message is Tcp.CloseCommand);

        _wire.ReleaseAcks();
        Assert.IsType<Tcp.Close>(_wire.Commands.FishForMessage<Tcp.CloseCommand>(_ => true, Patience));
        ExpectTerminated(_connection, Patience);
    }

    [Fact]
    public async Task A_connection_actor_over_TLS_must_write_a_last_response_whole_to_a_client_that_sent_its_close_notify_behind_its_request()
    {
        // A client may close its side once its request is sent (RFC 8446 §6.1): its close_notify is read while the
        // response, closed behind its writes, is still going out in 64 KiB writes. It must not cut that response.
        var body = new byte[200_000];
        new Random(7).NextBytes(body);
        _www.Write("big.bin", body);
        var client = await HandshakeAsync();

        await client.WriteAsync("GET /big.bin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"u8.ToArray());
        await client.ShutdownAsync();

        var received = new MemoryStream();
        await client.CopyToAsync(received).WaitAsync(Patience); // to the server's close_notify
        Assert.EndsWith(Convert.ToHexString(body), Convert.ToHexString(received.ToArray()));
        Assert.IsType<Tcp.Close>(_wire.Commands.FishForMessage<Tcp.CloseCommand>(_ => true, Patience));
        ExpectTerminated(_connection, Patience);
    }

    [Fact]
    public async Task A_connection_actor_over_TLS_must_write_a_response_in_memory_larger_than_the_TLS_sessions_write_queue_whole()
    {
        // A response in memory goes out in 64 KiB writes; handed to the TLS session all at once, those past its queue's
        // limit (TlsSession.MaxQueuedPlainBytes) were refused and the response cut after its first write.
        var body = new byte[TlsSession.MaxQueuedPlainBytes + 1_000_000];
        new Random(11).NextBytes(body);
        _www.Write("large.bin", body);
        var context = HttpServer.CreateContext(Sys, TestSettings.For(_www.Root, "actorhttp.files.small-file-limit = 8m"));
        using var wire = SocketWire.Create(this);
        var connection = Watch(Sys.ActorOf(ConnectionActor.Props(wire.Actor, null, context, TestCertificate.ServerOptions())));
        wire.Commands.ExpectMsg<Tcp.Register>(Patience);
        var client = new SslStream(wire.Client, leaveInnerStreamOpen: true);
        await client.AuthenticateAsClientAsync(TestCertificate.ClientOptions()).WaitAsync(Patience);

        await client.WriteAsync("GET /large.bin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"u8.ToArray());

        var received = new MemoryStream();
        await client.CopyToAsync(received).WaitAsync(Patience);
        Assert.True(received.ToArray().AsSpan().EndsWith(body), $"{received.Length} bytes received, the body is {body.Length}");
        ExpectTerminated(connection, Patience);
    }

    [Fact]
    public async Task A_connection_actor_over_TLS_must_reset_at_once_when_a_write_of_its_last_response_is_refused_while_it_closes()
    {
        var client = await HandshakeAsync();
        _wire.HoldAcks(); // the last response stays unacknowledged: the actor is closing, its write in flight
        await client.WriteAsync("GET /hello.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"u8.ToArray());
        Assert.EndsWith(TestWww.Hello, await ReadToEndAsync(client));

        // A refusal (as a TLS session's past its write queue) means the response cannot be finished: reset, as when serving.
        _connection.Tell(new Tcp.CommandFailed(Tcp.Write.Empty));

        _wire.Commands.FishForMessage<Tcp.Abort>(_ => true, Patience);
        ExpectTerminated(_connection, Patience);
    }

    [Fact]
    public async Task A_connection_actor_drained_in_the_middle_of_its_TLS_handshake_must_finish_it_then_close_with_close_notify()
    {
        _wire.Commands.ExpectMsg<Tcp.Register>(Patience);
        _wire.Commands.ExpectMsg<Tcp.ResumeReading>(Patience); // for the ClientHello
        _wire.HoldReads();
        var client = new SslStream(_wire.Client, leaveInnerStreamOpen: true);
        var handshake = client.AuthenticateAsClientAsync(TestCertificate.ClientOptions());
        // The server has its ClientHello and has answered; its read for the client's Finished waits in the wire.
        _wire.Commands.FishForMessage<Tcp.Write>(_ => true, Patience);
        _wire.Commands.FishForMessage<Tcp.ResumeReading>(_ => true, Patience);

        _connection.Tell(ConnectionProtocol.Drain.Instance);
        _wire.ReleaseReads();

        await handshake.WaitAsync(Patience);
        Assert.Equal(0, await client.ReadAsync(new byte[16]).AsTask().WaitAsync(Patience)); // close_notify, not a reset
        var close = _wire.Commands.FishForMessage<Tcp.CloseCommand>(_ => true, Patience);
        Assert.IsNotType<Tcp.Abort>(close);
        ExpectTerminated(_connection, Patience);
    }

    [Fact]
    public void A_connection_actor_drained_before_its_client_said_a_word_must_reset_at_once()
    {
        _wire.Commands.ExpectMsg<Tcp.Register>(Patience);
        _wire.Commands.ExpectMsg<Tcp.ResumeReading>(Patience);

        _connection.Tell(ConnectionProtocol.Drain.Instance);

        _wire.Commands.ExpectMsg<Tcp.Abort>(Patience);
        ExpectTerminated(_connection, Patience);
    }

    /// <summary>The actor registers with its socket, and a client completes its handshake with it.</summary>
    private async Task<SslStream> HandshakeAsync()
    {
        _wire.Commands.ExpectMsg<Tcp.Register>(Patience);
        var client = new SslStream(_wire.Client, leaveInnerStreamOpen: true);
        await client.AuthenticateAsClientAsync(TestCertificate.ClientOptions()).WaitAsync(Patience);
        return client;
    }

    private static async Task<string> ReadToEndAsync(SslStream client)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        int count;
        while ((count = await client.ReadAsync(buffer).AsTask().WaitAsync(Patience)) > 0) text.Append(Encoding.ASCII.GetString(buffer, 0, count));
        return text.ToString();
    }

    protected override void Dispose(bool disposing)
    {
        _wire.Dispose();
        _www.Dispose();
        base.Dispose(disposing);
    }
}
