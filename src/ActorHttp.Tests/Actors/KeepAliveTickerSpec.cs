using Akka.Actor;
using Akka.TestKit;
using ActorHttp.Actors;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Actors;

/// <summary>The listener's one WebSocket keep-alive timer, with probes standing in for the sockets, in virtual time.</summary>
public sealed class KeepAliveTickerSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly IActorRef _ticker;

    public KeepAliveTickerSpec() : base(VirtualTime.Config) => _ticker = Sys.ActorOf(KeepAliveTicker.Props(Interval, Timeout));

    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private TestProbe Joined()
    {
        var socket = CreateTestProbe();
        socket.Send(_ticker, KeepAliveTicker.Join.Instance);
        return socket;
    }

    private void Settle()
    {
        _ticker.Tell(new Identify("settle"), TestActor);
        ExpectMsg<ActorIdentity>();
    }

    [Fact]
    public void Every_socket_that_joined_is_told_to_ping_each_interval_and_that_the_answer_is_due_a_timeout_later()
    {
        var first = Joined();
        var second = Joined();
        Settle();

        Clock.Advance(Interval - TimeSpan.FromSeconds(1));
        first.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, first.ExpectMsg<KeepAliveTicker.Ping>().Round);
        Assert.Equal(1, second.ExpectMsg<KeepAliveTicker.Ping>().Round);
        Settle();
        Clock.Advance(Timeout);
        Assert.Equal(1, first.ExpectMsg<KeepAliveTicker.AnswerDue>().Round);
        Assert.Equal(1, second.ExpectMsg<KeepAliveTicker.AnswerDue>().Round);

        Clock.Advance(Interval - Timeout);
        Assert.Equal(2, first.ExpectMsg<KeepAliveTicker.Ping>().Round);
        Assert.Equal(2, second.ExpectMsg<KeepAliveTicker.Ping>().Round);
    }

    [Fact]
    public void A_socket_that_left_is_told_nothing_more()
    {
        var staying = Joined();
        var leaving = Joined();
        leaving.Send(_ticker, KeepAliveTicker.Leave.Instance);
        Settle();

        Clock.Advance(Interval);

        staying.ExpectMsg<KeepAliveTicker.Ping>();
        leaving.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void The_timer_stops_while_no_socket_is_joined_and_a_socket_joining_later_is_pinged_an_interval_after()
    {
        var leaving = Joined();
        leaving.Send(_ticker, KeepAliveTicker.Leave.Instance);
        Settle();
        Clock.Advance(Interval); // a round with nobody to tell: the timer stops
        Settle();
        Clock.Advance(Interval * 3);

        var late = Joined();
        Settle();
        Clock.Advance(Interval - TimeSpan.FromSeconds(1));
        late.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1, late.ExpectMsg<KeepAliveTicker.Ping>().Round);
    }
}
