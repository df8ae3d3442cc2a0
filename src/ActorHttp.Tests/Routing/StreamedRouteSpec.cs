using Akka.Actor;
using ActorHttp.Routing;

namespace ActorHttp.Tests.Routing;

/// <summary>Declaring routes that stream their request bodies.</summary>
public sealed class StreamedRouteSpec : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public void A_route_mapped_with_streamBody_streams_and_others_do_not()
    {
        var table = new RouteBuilder()
            .Post("/form", Props.Empty)
            .Map("PUT", "/files/{name}", Props.Empty, streamBody: true)
            .Build();

        Assert.False(table.Routes[0].StreamsRequestBody);
        Assert.True(table.Routes[1].StreamsRequestBody);
        Assert.True(table.StreamsAnyRequestBody);
    }

    [Fact]
    public void A_table_without_streaming_routes_says_so_so_connections_parse_as_before()
    {
        Assert.False(new RouteBuilder().Post("/form", Props.Empty).Build().StreamsAnyRequestBody);
        Assert.False(RouteTable.Empty.StreamsAnyRequestBody);
    }

    [Fact]
    public void Only_a_per_request_handler_route_can_stream_its_body()
    {
        var shared = new RouteTarget.Actor(TestActor);
        Assert.Throws<ArgumentException>(() => new Route(new[] { "PUT" }, PathPattern.Parse("/up"), shared) { StreamsRequestBody = true });
    }
}
