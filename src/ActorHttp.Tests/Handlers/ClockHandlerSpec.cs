using Akka.Actor;
using Akka.TestKit;
using ActorHttp.Handlers;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Handlers;

/// <summary>The clock event stream with a probe for the client, in virtual time.</summary>
public sealed class ClockHandlerSpec : Akka.TestKit.Xunit2.TestKit
{
    public ClockHandlerSpec() : base(Support.VirtualTime.Config) { }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    [Fact]
    public void The_clock_pushes_the_UTC_time_at_once_and_then_each_second_with_ids_counting_from_one()
    {
        var (_, client) = this.OpenEventStream(Props.Create<ClockHandler>());

        var first = client.ExpectEvent();
        Assert.Equal("1", first.Id);
        Assert.True(DateTimeOffset.TryParseExact(first.Data, "yyyy-MM-dd'T'HH:mm:ss'Z'", null,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var time), first.Data);
        Assert.True((DateTimeOffset.UtcNow - time).Duration() < TimeSpan.FromMinutes(1));
        client.ExpectNoMsg(TimeSpan.FromMilliseconds(50));

        Scheduler.Advance(ClockHandler.Interval);
        Assert.Equal("2", client.ExpectEvent().Id);
        Scheduler.Advance(ClockHandler.Interval);
        Assert.Equal("3", client.ExpectEvent().Id);
    }

    [Fact]
    public void A_reconnecting_client_goes_on_after_the_Last_Event_ID_it_sent()
    {
        var (_, client) = this.OpenEventStream(Props.Create<ClockHandler>(), lastEventId: "41");
        Assert.Equal("42", client.ExpectEvent().Id);
        Scheduler.Advance(ClockHandler.Interval);
        Assert.Equal("43", client.ExpectEvent().Id);
    }

    [Theory]
    [InlineData("not a number")]
    [InlineData("-5")]
    [InlineData("9223372036854775807")]
    public void A_Last_Event_ID_the_clock_did_not_send_starts_again_from_one(string lastEventId)
    {
        var (_, client) = this.OpenEventStream(Props.Create<ClockHandler>(), lastEventId: lastEventId);
        Assert.Equal("1", client.ExpectEvent().Id);
    }
}
