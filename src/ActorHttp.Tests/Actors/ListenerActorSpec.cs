using System.Net;
using Akka.Actor;
using Akka.TestKit;
using ActorHttp.Actors;
using ActorHttp.Hosting;
using ActorHttp.Tests.Support;
using Tcp = Akka.IO.Tcp;

namespace ActorHttp.Tests.Actors;

/// <summary>
/// The listener actor: it binds a real port (0) through Akka.IO, and probes stand in for the Akka.IO
/// connections it is told about.
/// </summary>
public sealed class ListenerActorSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly TestWww _www = new();

    private IActorRef StartListener(string hocon = "")
    {
        var context = HttpServer.CreateContext(Sys, TestSettings.For(_www.Root, hocon));
        var listener = Sys.ActorOf(ListenerActor.Props(context, new IPEndPoint(IPAddress.Loopback, 0), TestActor));
        var bound = ExpectMsg<ListenerProtocol.Bound>();
        Assert.NotEqual(0, ((IPEndPoint)bound.LocalAddress).Port);
        return listener;
    }

    private static Tcp.Connected Connected(int port) =>
        new(new IPEndPoint(IPAddress.Loopback, port), new IPEndPoint(IPAddress.Loopback, 7878));

    [Fact]
    public void A_listener_spawns_one_registered_connection_actor_per_accepted_socket()
    {
        var listener = StartListener();
        var first = CreateTestProbe();
        var second = CreateTestProbe();

        first.Send(listener, Connected(50001));
        second.Send(listener, Connected(50002));

        var firstHandler = first.ExpectMsg<Tcp.Register>().Handler;
        var secondHandler = second.ExpectMsg<Tcp.Register>().Handler;
        Assert.NotEqual(firstHandler, secondHandler);
        Assert.Equal(listener.Path, firstHandler.Path.Parent);
        Assert.Equal(listener.Path, secondHandler.Path.Parent);
        listener.Tell(ListenerProtocol.GetOpenConnections.Instance);
        ExpectMsg(2);
    }

    [Fact]
    public void A_connection_actor_that_stops_is_no_longer_counted()
    {
        var listener = StartListener();
        var socket = CreateTestProbe();
        socket.Send(listener, Connected(50003));
        var handler = socket.ExpectMsg<Tcp.Register>().Handler;

        socket.Send(handler, Tcp.PeerClosed.Instance);

        AwaitAssert(() =>
        {
            listener.Tell(ListenerProtocol.GetOpenConnections.Instance);
            ExpectMsg(0);
        });
    }

    [Fact]
    public void A_connection_actor_that_throws_is_stopped_not_restarted()
    {
        var listener = StartListener();
        var socket = CreateTestProbe();
        socket.Send(listener, Connected(50008));
        var handler = socket.ExpectMsg<Tcp.Register>().Handler;
        Watch(handler);

        // A frame without data makes the actor throw: its supervisor must stop it, whatever it had buffered.
        EventFilter.Exception<NullReferenceException>().ExpectOne(() => socket.Send(handler, new Tcp.Received(null!)));

        ExpectTerminated(handler);
        // ...and it is no longer counted: it tells the listener it ended even when it failed.
        AwaitAssert(() =>
        {
            listener.Tell(ListenerProtocol.GetOpenConnections.Instance);
            ExpectMsg(0);
        });
    }

    [Fact]
    public void Over_the_connection_cap_a_socket_gets_503_and_close_instead_of_a_connection_actor()
    {
        var listener = StartListener("actorhttp.max-connections = 1");
        var allowed = CreateTestProbe();
        var over = CreateTestProbe();
        allowed.Send(listener, Connected(50004));
        allowed.ExpectMsg<Tcp.Register>();

        over.Send(listener, Connected(50005));
        var rejecter = over.ExpectMsg<Tcp.Register>().Handler;
        over.Send(rejecter, new Tcp.Received(Akka.IO.ByteString.FromString("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));

        var write = over.ExpectMsg<Tcp.Write>();
        Assert.StartsWith("HTTP/1.1 503 Service Unavailable", write.Data.ToString());
        Assert.Contains("Connection: close", write.Data.ToString());
        over.ExpectMsg<Tcp.ConfirmedClose>();
        listener.Tell(ListenerProtocol.GetOpenConnections.Instance);
        ExpectMsg(1);
    }

    [Fact]
    public void After_stop_accepting_new_sockets_get_503_and_open_connections_are_told_to_drain()
    {
        var listener = StartListener();
        var open = CreateTestProbe();
        open.Send(listener, Connected(50006));
        open.ExpectMsg<Tcp.Register>();

        listener.Tell(ListenerProtocol.StopAccepting.Instance);
        ExpectMsg<ListenerProtocol.AcceptingStopped>();
        open.ExpectMsg<Tcp.Close>(); // the idle connection closes at once

        var late = CreateTestProbe();
        late.Send(listener, Connected(50007));
        var rejecter = late.ExpectMsg<Tcp.Register>().Handler;
        late.Send(rejecter, new Tcp.Received(Akka.IO.ByteString.FromString("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
        Assert.StartsWith("HTTP/1.1 503", late.ExpectMsg<Tcp.Write>().Data.ToString());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _www.Dispose();
    }
}
