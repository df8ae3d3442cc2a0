using System.Net;
using System.Net.Sockets;
using Akka.Event;
using ActorHttp.Actors;

namespace ActorHttp.Tests.Actors;

/// <summary>
/// The accepts Akka.IO's listener drops once told to unbind: their sockets reset, and nothing else touched. The real
/// race is in <see cref="Integration.ShutdownAcceptSpec"/>.
/// </summary>
public sealed class LateAcceptsSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly System.Net.Sockets.TcpListener _port = new(IPAddress.Loopback, 0);

    public LateAcceptsSpec() => _port.Start();

    /// <summary>A client connected to <see cref="_port"/>, and the accept that took its connection there.</summary>
    private (Socket Client, SocketAsyncEventArgs Accept) Connect()
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 5000 };
        client.Connect((IPEndPoint)_port.LocalEndpoint);
        return (client, new SocketAsyncEventArgs { AcceptSocket = _port.AcceptSocket() });
    }

    [Fact]
    public void A_socket_the_unbinding_listener_dropped_is_reset_whether_unhandled_or_a_dead_letter()
    {
        var tcpListener = CreateTestProbe().Ref;
        var late = LateAccepts.Watch(Sys, TestActor, tcpListener);
        var (unhandledClient, unhandled) = Connect();
        var (deadClient, dead) = Connect();

        Sys.EventStream.Publish(new UnhandledMessage(EarlyAcceptsSpec.AcceptCompleted(unhandled), tcpListener, tcpListener));
        Sys.EventStream.Publish(new SuppressedDeadLetter(EarlyAcceptsSpec.AcceptCompleted(dead), tcpListener, tcpListener));

        Assert.True(late.Reset(ExpectMsg<UnhandledMessage>()));
        Assert.True(late.Reset(ExpectMsg<SuppressedDeadLetter>()));
        foreach (var client in new[] { unhandledClient, deadClient })
        {
            var reset = Assert.Throws<SocketException>(() => client.Receive(new byte[1]));
            Assert.Equal(SocketError.ConnectionReset, reset.SocketErrorCode);
            client.Dispose();
        }
        Assert.Null(unhandled.AcceptSocket);
    }

    [Fact]
    public void Another_listeners_accept_a_failed_accept_and_other_messages_are_left_alone()
    {
        var tcpListener = CreateTestProbe().Ref;
        var otherListener = CreateTestProbe().Ref;
        var late = LateAccepts.Watch(Sys, TestActor, tcpListener);
        var (client, othersAccept) = Connect();
        var failed = new SocketAsyncEventArgs { SocketError = SocketError.OperationAborted };

        Assert.False(late.Reset(new UnhandledMessage(EarlyAcceptsSpec.AcceptCompleted(othersAccept), otherListener, otherListener)));
        Assert.False(late.Reset(new UnhandledMessage(EarlyAcceptsSpec.AcceptCompleted(failed), tcpListener, tcpListener)));
        Assert.False(late.Reset(new UnhandledMessage("not an accept", tcpListener, tcpListener)));

        // The other listener's socket is still open and still its own.
        Assert.NotNull(othersAccept.AcceptSocket);
        othersAccept.AcceptSocket!.Send("x"u8.ToArray());
        Assert.Equal(1, client.Receive(new byte[1]));
        othersAccept.AcceptSocket.Dispose();
        client.Dispose();
    }

    protected override void Dispose(bool disposing)
    {
        _port.Stop();
        base.Dispose(disposing);
    }
}
