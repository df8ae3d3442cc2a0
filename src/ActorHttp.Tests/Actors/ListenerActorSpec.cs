using ActorHttp.Configuration;
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
public abstract class ListenerActorKit : Akka.TestKit.Xunit2.TestKit
{
    protected readonly TestWww Www = new();

    protected ListenerActorKit() { }

    protected ListenerActorKit(string config) : base(config) { }

    protected IActorRef StartListener(string hocon = "") => StartListener(TestSettings.For(Www.Root, hocon));

    protected IActorRef StartListener(ServerSettings settings)
    {
        var context = HttpServer.CreateContext(Sys, settings);
        var listener = Sys.ActorOf(ListenerActor.Props(context, new IPEndPoint(IPAddress.Loopback, 0), TestActor));
        var bound = ExpectMsg<ListenerProtocol.Bound>();
        Assert.NotEqual(0, ((IPEndPoint)bound.LocalAddress).Port);
        return listener;
    }

    /// <summary>A probe standing in for an accepted socket; the read the listener asks after Register is not checked here.</summary>
    protected TestProbe Socket()
    {
        var socket = CreateTestProbe();
        socket.IgnoreMessages<Tcp.ResumeReading>();
        return socket;
    }

    protected static Tcp.Connected Connected(int port) =>
        new(new IPEndPoint(IPAddress.Loopback, port), new IPEndPoint(IPAddress.Loopback, 7878));

    /// <summary>
    /// A listener with its one connection taken and every over-capacity place filled: the sockets over the cap
    /// and the actors that will answer them 503.
    /// </summary>
    protected (IActorRef Listener, List<(TestProbe Socket, IActorRef Rejecter)> OverCapacity) StartFullListener()
    {
        var listener = StartListener("actorhttp.max-connections = 1");
        var allowed = Socket();
        allowed.Send(listener, Connected(50200));
        allowed.ExpectMsg<Tcp.Register>();
        var overCapacity = new List<(TestProbe, IActorRef)>();
        for (var i = 0; i < ListenerActor.MaxOverCapacitySockets; i++)
        {
            var socket = Socket();
            socket.Send(listener, Connected(50300 + i));
            overCapacity.Add((socket, socket.ExpectMsg<Tcp.Register>().Handler));
        }
        return (listener, overCapacity);
    }

    /// <summary>A new socket, told to reset at once instead of being registered.</summary>
    protected void ExpectResetAtOnce(IActorRef listener)
    {
        var socket = Socket();
        socket.Send(listener, Connected(50400));
        socket.ExpectMsg<Tcp.Abort>();
    }

    /// <summary>A new socket, registered with an over-capacity actor that answers its request 503.</summary>
    protected void Expect503(IActorRef listener)
    {
        var socket = Socket();
        socket.Send(listener, Connected(50401));
        var rejecter = socket.ExpectMsg<Tcp.Register>().Handler;
        socket.Send(rejecter, new Tcp.Received(Akka.IO.ByteString.FromString("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
        Assert.StartsWith("HTTP/1.1 503", socket.ExpectMsg<Tcp.Write>().Data.ToString());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) Www.Dispose();
    }
}

public sealed class ListenerActorSpec : ListenerActorKit
{

    [Fact]
    public void An_accepted_socket_is_registered_then_asked_for_its_first_read_in_that_order()
    {
        // Pull mode: the socket reads only when asked. Asked by the listener right after Register (same sender, so
        // in order): a read asked by the new actor itself could overtake the Register, which would undo it.
        var listener = StartListener();
        var socket = CreateTestProbe();
        socket.Send(listener, Connected(50300));
        socket.ExpectMsg<Tcp.Register>();
        socket.ExpectMsg<Tcp.ResumeReading>();
    }

    [Fact]
    public void A_listener_spawns_one_registered_connection_actor_per_accepted_socket()
    {
        var listener = StartListener();
        var first = Socket();
        var second = Socket();

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
        var socket = Socket();
        socket.Send(listener, Connected(50003));
        var handler = socket.ExpectMsg<Tcp.Register>().Handler;

        socket.Send(handler, Tcp.PeerClosed.Instance);
        // The connection actor closes through Akka.IO and stops on its Closed (not on the linger timeout).
        socket.ExpectMsg<Tcp.Close>();
        socket.Reply(Tcp.Closed.Instance);

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
        var socket = Socket();
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
        var allowed = Socket();
        var over = Socket();
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
    public void A_cap_lowered_for_the_descriptor_limit_is_the_one_the_listener_enforces()
    {
        // 181 descriptors, none open yet: 53 left after the runtime's 128, of which 6 for files, 13 for the
        // backlog and 32 for over-capacity sockets, so two connections.
        var settings = DescriptorLimit.Fit(TestSettings.For(Www.Root), new DescriptorBudget(181, 0), TextWriter.Null);
        Assert.Equal(2, settings.MaxConnections);
        var listener = StartListener(settings);

        for (var i = 0; i < 2; i++)
        {
            var socket = Socket();
            socket.Send(listener, Connected(50100 + i));
            socket.ExpectMsg<Tcp.Register>();
        }

        Expect503(listener);
        listener.Tell(ListenerProtocol.GetOpenConnections.Instance);
        ExpectMsg(2);
    }

    [Fact]
    public void After_stop_accepting_new_sockets_get_503_and_open_connections_are_told_to_drain()
    {
        var listener = StartListener();
        var open = Socket();
        open.Send(listener, Connected(50006));
        open.ExpectMsg<Tcp.Register>();

        listener.Tell(ListenerProtocol.StopAccepting.Instance);
        ExpectMsg<ListenerProtocol.AcceptingStopped>();
        open.ExpectMsg<Tcp.Close>(); // the idle connection closes at once

        Expect503(listener);
    }

    [Fact]
    public void Two_unbinds_at_once_are_both_answered_once_the_port_is_released()
    {
        // A caller's StopAsync and CoordinatedShutdown's service-stop may each ask.
        var listener = StartListener();
        var first = CreateTestProbe();
        var second = CreateTestProbe();

        first.Send(listener, ListenerProtocol.Unbind.Instance);
        second.Send(listener, ListenerProtocol.Unbind.Instance);

        first.ExpectMsg<ListenerProtocol.Unbound>();
        second.ExpectMsg<ListenerProtocol.Unbound>();
    }
}

/// <summary>The over-capacity bound in virtual time: a socket that never sends its request gives up its place.</summary>
public sealed class ListenerActorPatienceSpec : ListenerActorKit
{
    public ListenerActorPatienceSpec() : base(Support.VirtualTime.Config) { }

    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    // The bound on over-capacity sockets in virtual time: in real time a loaded machine can let an over-capacity
    // socket's two seconds of patience run out, freeing its place, before the next socket arrives.
    [Fact]
    public void Past_the_bound_on_over_capacity_sockets_a_new_socket_is_reset_at_once()
    {
        var (listener, _) = StartFullListener();

        ExpectResetAtOnce(listener);
    }

    [Fact]
    public void An_over_capacity_socket_that_closes_makes_room_for_the_next_to_get_503()
    {
        var (listener, overCapacity) = StartFullListener();
        ExpectResetAtOnce(listener);
        var (socket, rejecter) = overCapacity[0];
        Watch(rejecter);

        // The client went away before sending its request.
        socket.Send(rejecter, Tcp.PeerClosed.Instance);
        ExpectTerminated(rejecter);

        // The rejecter told the listener it ended before it stopped; this socket arrives after that.
        Expect503(listener);
    }

    [Fact]
    public void While_draining_the_bound_on_over_capacity_sockets_holds_too()
    {
        var (listener, _) = StartFullListener();
        listener.Tell(ListenerProtocol.StopAccepting.Instance);
        ExpectMsg<ListenerProtocol.AcceptingStopped>();

        ExpectResetAtOnce(listener);
    }

    [Fact]
    public void While_draining_the_places_closed_connections_free_take_over_capacity_sockets_up_to_the_same_total()
    {
        var listener = StartListener("actorhttp.max-connections = 1");
        var open = Socket();
        open.Send(listener, Connected(50500));
        var handler = open.ExpectMsg<Tcp.Register>().Handler;
        Watch(handler);
        listener.Tell(ListenerProtocol.StopAccepting.Instance);
        ExpectMsg<ListenerProtocol.AcceptingStopped>();
        // Told to drain before that reply: once it answers this, its wait for a first request is timed.
        handler.Tell(new Identify(null), TestActor);
        ExpectMsg<ActorIdentity>();
        Clock.Advance(TimeSpan.FromSeconds(2)); // it never sent one: closed after the linger time
        open.ExpectMsg<Tcp.CloseCommand>();
        open.Reply(Tcp.Closed.Instance);
        ExpectTerminated(handler);

        // The listener holds at most max-connections + MaxOverCapacitySockets sockets, whatever answers them.
        for (var i = 0; i < 1 + ListenerActor.MaxOverCapacitySockets; i++)
        {
            var socket = Socket();
            socket.Send(listener, Connected(50600 + i));
            socket.ExpectMsg<Tcp.Register>();
        }
        ExpectResetAtOnce(listener);
    }

    [Fact]
    public void Silent_over_capacity_sockets_are_closed_after_two_seconds_and_make_room_for_503_again()
    {
        var (listener, overCapacity) = StartFullListener();
        foreach (var (_, rejecter) in overCapacity)
        {
            Watch(rejecter);
            // Its answer comes after its PreStart: the give-up timer is in the scheduler before time moves.
            rejecter.Tell(new Identify(null), TestActor);
            ExpectMsg<ActorIdentity>();
        }
        ExpectResetAtOnce(listener);

        Clock.Advance(TimeSpan.FromSeconds(2));

        foreach (var (socket, _) in overCapacity) socket.ExpectMsg<Tcp.Close>();
        for (var i = 0; i < overCapacity.Count; i++) ExpectMsg<Terminated>();
        Expect503(listener);
    }
}
