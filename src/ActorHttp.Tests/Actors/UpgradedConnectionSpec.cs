using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.TestKit;
using ActorHttp.Actors;
using ActorHttp.Http;
using ActorHttp.Routing;
using ActorHttp.Tests.Support;
using Tcp = Akka.IO.Tcp;

namespace ActorHttp.Tests.Actors;

/// <summary>
/// The connection actor once a WebSocket handshake was accepted, against a probe standing in for the socket: what it
/// keeps for as long as the socket is open (a socket may stay open for hours), and how it ends.
/// </summary>
public sealed class UpgradedConnectionSpec : Akka.TestKit.Xunit2.TestKit
{
    private const string Handshake = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-Kept: a-value-only-this-request-has\r\n\r\n";

    private static readonly byte[] Key = { 1, 2, 3, 4 };

    private readonly TestWww _www = new();
    private readonly TestProbe _handler;

    public UpgradedConnectionSpec() : base(VirtualTime.Config) => _handler = CreateTestProbe();

    /// <summary>Tells the probe weak references to the request it opened with and to one of its header values, and keeps neither.</summary>
    private sealed class ForgetfulHandler : UntypedActor
    {
        private readonly IActorRef _probe;

        public ForgetfulHandler(IActorRef probe) => _probe = probe;

        protected override void OnReceive(object message)
        {
            if (message is WebSocketOpened opened) _probe.Tell(Forget(opened));
            else _probe.Tell(message);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference[] Forget(WebSocketOpened opened) =>
            new[] { new WeakReference(opened.Request), new WeakReference(opened.Request.Headers.Get("X-Kept")) };
    }

    private ConnectionHarness Upgrade()
    {
        var routes = new RouteBuilder().WebSocket("/ws", Props.Create(() => new ForgetfulHandler(_handler.Ref))).Build();
        var conn = new ConnectionHarness(this, TestSettings.For(_www.Root), routes);
        conn.Receive(Handshake);
        Assert.StartsWith("HTTP/1.1 101 ", conn.ExpectWrite());
        return conn;
    }

    [Fact]
    public void An_upgraded_connection_keeps_nothing_of_its_handshake_request()
    {
        var conn = Upgrade();
        var forgotten = _handler.ExpectMsg<WeakReference[]>();
        conn.Settle();

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(forgotten[0].IsAlive, "the handshake request is still referenced");
        Assert.False(forgotten[1].IsAlive, "a header value of the handshake request is still referenced");
        GC.KeepAlive(conn);
    }

    /// <summary>Tells the probe when a connection is counted closed, which the connection does last in its PostStop.</summary>
    private sealed class ClosedObserver(IActorRef probe) : ActorHttp.Observability.IServerObserver
    {
        public void ConnectionOpened() { }
        public void ConnectionClosed() => probe.Tell("connection closed");
        public void RequestCompleted(in ActorHttp.Observability.CompletedExchange exchange) { }
        public void RequestRejected(RequestRejectionReason reason) { }
        public void BytesSent(long count) { }
    }

    [Fact]
    public void A_connection_whose_WebSocket_handler_cannot_be_made_still_ends_as_a_connection_does()
    {
        // Props the actor system refuses at once (no such dispatcher): opening the session throws within the upgrade.
        var refused = Props.Create(() => new ForgetfulHandler(_handler.Ref)).WithDispatcher("no-such-dispatcher");
        var routes = new RouteBuilder().WebSocket("/ws", refused).Build();
        var closed = CreateTestProbe();
        var conn = new ConnectionHarness(this, TestSettings.For(_www.Root), routes, new ClosedObserver(closed.Ref));
        conn.Receive(Handshake);
        Assert.StartsWith("HTTP/1.1 101 ", conn.ExpectWrite());

        // Its PostStop ran to the end: counted closed (and its listener told it ended, just after).
        closed.ExpectMsg("connection closed");
    }

    [Fact]
    public void A_client_that_half_closed_while_its_101_was_being_written_gets_its_connection_closed_not_a_socket_that_never_reads()
    {
        var routes = new RouteBuilder().WebSocket("/ws", Props.Create(() => new ForgetfulHandler(_handler.Ref))).Build();
        var conn = new ConnectionHarness(this, TestSettings.For(_www.Root), routes);
        conn.Receive(Handshake);
        var head = conn.Connection.ExpectMsg<Tcp.Write>();
        Assert.StartsWith("HTTP/1.1 101 ", head.Data.ToString());

        // Its FIN arrives before the 101's ack: no frame, not even a close, can come from it any more.
        conn.Send(Tcp.PeerClosed.Instance);
        conn.Send(head.Ack);

        var closing = conn.Connection.FishForMessage(m => m is Tcp.CloseCommand or Tcp.Write);
        Assert.IsAssignableFrom<Tcp.CloseCommand>(closing);
    }

    /// <summary>Tells the probe all it takes; holds in its first WebSocket message until the gate opens.</summary>
    private sealed class GatedHandler(IActorRef probe, ManualResetEventSlim gate) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is WebSocketMessage) gate.Wait(TimeSpan.FromSeconds(10));
            probe.Tell(message);
        }
    }

    [Fact]
    public void A_shutdown_that_cuts_an_upgraded_connection_lets_its_handler_take_its_WebSocketClosed_before_it_is_stopped()
    {
        using var gate = new ManualResetEventSlim();
        var routes = new RouteBuilder().WebSocket("/ws", Props.Create(() => new GatedHandler(_handler.Ref, gate))).Build();
        var conn = new ConnectionHarness(this, TestSettings.For(_www.Root), routes);
        conn.Receive(Handshake);
        Assert.StartsWith("HTTP/1.1 101 ", conn.ExpectWrite());
        _handler.ExpectMsg<WebSocketOpened>();
        conn.Receive(WebSocketFrames.Encode(WebSocketOpcode.Text, "busy"u8, mask: Key)); // the handler holds in it

        // The shutdown: its drain (1001 to the client and to the handler, behind "busy"), then, its timeout over, the abort.
        conn.Send(ConnectionProtocol.Drain.Instance);
        Assert.Equal(0x88, (int)conn.ExpectWrite()[0]);
        conn.Send(ConnectionProtocol.Abort.Instance);
        conn.Connection.ExpectMsg<Tcp.Abort>();
        gate.Set();

        Assert.Equal("busy", _handler.ExpectMsg<WebSocketMessage.Text>().Content);
        Assert.Equal(WebSocketCloseCodes.GoingAway, _handler.ExpectMsg<WebSocketClosed>().Code);
        conn.ExpectTerminated();
        Assert.False(_handler.HasMessages, "the handler was told more than once");
    }
}
