using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using ActorHttp.Actors;

namespace ActorHttp.Tests.Actors;

/// <summary>
/// The accepts Akka.IO's listener drops while it binds: held from the event stream and handed back to the listener
/// they belong to, and nothing else. The real race is in <see cref="Integration.StartupAcceptSpec"/>.
/// </summary>
public sealed class EarlyAcceptsSpec : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>An instance of the TcpListener's private accept message, as the listener makes it.</summary>
    internal static object AcceptCompleted(SocketAsyncEventArgs? accept = null)
    {
        var type = typeof(Akka.IO.Tcp).Assembly.GetType("Akka.IO.TcpListener+AcceptCompleted");
        // Another Akka may have renamed or fixed it: EarlyAccepts and LateAccepts then need a fresh look.
        Assert.NotNull(type);
        return Activator.CreateInstance(type, accept ?? new SocketAsyncEventArgs())!;
    }

    [Fact]
    public void A_listener_gets_back_the_accepts_it_dropped_before_it_was_bound_with_itself_as_sender()
    {
        var tcpListener = CreateTestProbe();
        var early = EarlyAccepts.Watch(Sys, TestActor);
        var accept = AcceptCompleted();
        Sys.EventStream.Publish(new UnhandledMessage(accept, tcpListener.Ref, tcpListener.Ref));
        early.Hold(ExpectMsg<UnhandledMessage>());

        Assert.Equal(1, early.Redeliver(tcpListener.Ref));

        Assert.Same(accept, tcpListener.ExpectMsg<object>());
        Assert.Equal(tcpListener.Ref, tcpListener.LastSender);
    }

    [Fact]
    public void Other_listeners_accepts_and_other_unhandled_messages_are_not_delivered()
    {
        var tcpListener = CreateTestProbe();
        var otherListener = CreateTestProbe();
        var early = EarlyAccepts.Watch(Sys, TestActor);
        Sys.EventStream.Publish(new UnhandledMessage(AcceptCompleted(), otherListener.Ref, otherListener.Ref));
        Sys.EventStream.Publish(new UnhandledMessage("not an accept", tcpListener.Ref, tcpListener.Ref));
        early.Hold(ExpectMsg<UnhandledMessage>());
        early.Hold(ExpectMsg<UnhandledMessage>());

        Assert.Equal(0, early.Redeliver(tcpListener.Ref));

        tcpListener.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        otherListener.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Once_bound_the_listener_no_longer_hears_of_unhandled_messages()
    {
        var early = EarlyAccepts.Watch(Sys, TestActor);
        early.Redeliver(CreateTestProbe().Ref);

        Sys.EventStream.Publish(new UnhandledMessage(AcceptCompleted(), TestActor, TestActor));

        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }
}
