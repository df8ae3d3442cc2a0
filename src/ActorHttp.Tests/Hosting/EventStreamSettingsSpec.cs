using Akka.Configuration;
using ActorHttp.Configuration;
using ActorHttp.Hosting;

namespace ActorHttp.Tests.Hosting;

/// <summary>The <c>actorhttp.sse</c> settings: their defaults, the clock route among the defaults, and bad values named.</summary>
public sealed class EventStreamSettingsSpec
{
    private static ServerSettings Create(string hocon) => ServerSettings.Create(ConfigurationFactory.ParseString(hocon));

    [Fact]
    public void The_defaults_are_a_heartbeat_every_fifteen_seconds_and_1024_queued_events_and_the_clock_is_routed()
    {
        var settings = ServerSettings.Default;
        Assert.Equal(new EventStreamSettings(TimeSpan.FromSeconds(15), 1024), settings.EventStreams);
        Assert.Contains(new RouteSpec("GET", "/events/clock", RouteSpec.Clock), settings.Routes);
    }

    [Fact]
    public void Both_keys_are_read()
    {
        var settings = Create("actorhttp.sse { heartbeat-interval = 2s, max-queued-events = 7 }");
        Assert.Equal(new EventStreamSettings(TimeSpan.FromSeconds(2), 7), settings.EventStreams);
    }

    [Theory]
    [InlineData("actorhttp.sse.heartbeat-interval = 0s", "actorhttp.sse.heartbeat-interval")]
    [InlineData("actorhttp.sse.heartbeat-interval = -1s", "actorhttp.sse.heartbeat-interval")]
    [InlineData("actorhttp.sse.heartbeat-interval = 2d", "actorhttp.sse.heartbeat-interval")]
    [InlineData("actorhttp.sse.heartbeat-interval = often", "actorhttp.sse.heartbeat-interval")]
    [InlineData("actorhttp.sse.max-queued-events = 0", "actorhttp.sse.max-queued-events")]
    [InlineData("actorhttp.sse.max-queued-events = 1000001", "actorhttp.sse.max-queued-events")]
    [InlineData("actorhttp.sse.max-queued-events = many", "actorhttp.sse.max-queued-events")]
    public void A_bad_value_is_refused_naming_its_key(string hocon, string key)
    {
        var error = Assert.Throws<SettingsException>(() => Create(hocon));
        Assert.StartsWith(key + ":", error.Message);
    }
}
