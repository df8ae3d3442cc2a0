using Akka.Actor;
using ActorHttp.Http;
using ActorHttp.Routing;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Handlers;

/// <summary>The README's event-stream handler, written and tested as it shows.</summary>
public sealed class CountdownHandler : ReceiveActor
{
    public CountdownHandler() => Receive<EventStreamOpened>(opened =>
    {
        for (var i = 3; i > 0; i--) opened.Stream.Push(new ServerSentEvent(i.ToString(), Id: i.ToString()));
        opened.Stream.Complete();
    });
}

public sealed class CountdownHandlerSpec : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public void The_countdown_counts_down_and_ends()
    {
        var (_, client) = this.OpenEventStream(Props.Create<CountdownHandler>());
        Assert.Equal("3", client.ExpectEvent().Data);
        Assert.Equal("2", client.ExpectEvent().Data);
        Assert.Equal("1", client.ExpectEvent().Data);
        client.ExpectStreamCompleted();
    }
}
