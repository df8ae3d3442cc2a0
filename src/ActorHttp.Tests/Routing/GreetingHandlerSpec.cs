using Akka.Actor;
using ActorHttp.Http;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Routing;

/// <summary>A user's handler actor tested with plain TestKit: a request in, a response out, no sockets.</summary>
public sealed class GreetingHandlerSpec : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public void The_greeting_handler_greets_the_user_named_in_the_route()
    {
        var handler = Sys.ActorOf(Props.Create<GreetingHandler>());

        handler.Tell(Requests.Get("/users/ada").WithRouteValues(("id", "ada")));

        ExpectMsg<HttpResponse>()
            .ShouldHaveStatus(200)
            .ShouldHaveBody("Hello, ada!");
    }
}
