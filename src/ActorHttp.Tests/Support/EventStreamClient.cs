using Akka.Actor;
using Akka.TestKit;
using ActorHttp.Http;
using ActorHttp.Routing;

namespace ActorHttp.Tests.Support;

/// <summary>
/// Event-stream handlers under plain TestKit, without sockets: a <see cref="TestProbe"/> stands in for the client (the
/// stream the handler pushes to), and the assertions read what it pushed.
/// </summary>
public static class EventStreamClient
{
    /// <summary>
    /// Starts a handler from <paramref name="handler"/> and opens its stream to a probe, as the server does for
    /// <c>GET path</c> with the given <c>Last-Event-ID</c>. Returns the handler and the probe standing in for the client.
    /// </summary>
    public static (IActorRef Handler, TestProbe Client) OpenEventStream(this TestKitBase kit, Props handler, string path = "/events", string? lastEventId = null)
    {
        var client = kit.CreateTestProbe();
        var request = lastEventId is null ? Requests.Get(path) : Requests.Get(path, ("Last-Event-ID", lastEventId));
        var actor = kit.Sys.ActorOf(handler);
        actor.Tell(new EventStreamOpened(request, new EventStream(client.Ref), lastEventId));
        return (actor, client);
    }

    /// <summary>The next event the handler pushed.</summary>
    public static ServerSentEvent ExpectEvent(this TestProbe client, TimeSpan? max = null) => client.ExpectMsg<ServerSentEvent>(max);

    /// <summary>The handler completed its stream.</summary>
    public static void ExpectStreamCompleted(this TestProbe client, TimeSpan? max = null) => client.ExpectMsg<Status.Success>(max);
}
