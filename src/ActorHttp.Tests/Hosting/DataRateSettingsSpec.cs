using Akka.Configuration;
using ActorHttp.Hosting;
using ActorHttp.Http;
using ActorHttp.Configuration;

namespace ActorHttp.Tests.Hosting;

/// <summary>The limits against hostile clients: Kestrel's data-rate defaults, the pipelining budget, and bad values named.</summary>
public sealed class DataRateSettingsSpec
{
    private static ServerSettings Create(string hocon) => ServerSettings.Create(ConfigurationFactory.ParseString(hocon));

    [Fact]
    public void The_defaults_are_kestrels_minimum_data_rates_and_a_one_mebibyte_pipelining_budget()
    {
        var settings = ServerSettings.Default;
        Assert.Equal(new MinDataRate(240, TimeSpan.FromSeconds(5)), settings.MinRequestBodyRate);
        Assert.Equal(new MinDataRate(240, TimeSpan.FromSeconds(5)), settings.MinResponseRate);
        Assert.Equal(1024 * 1024, settings.MaxPipelinedBodyBytes);
    }

    [Fact]
    public void A_rate_of_zero_turns_the_floor_off()
    {
        var settings = Create("actorhttp.limits.min-response-rate.bytes-per-second = 0");
        Assert.True(settings.MinResponseRate.IsOff);
        Assert.False(settings.MinRequestBodyRate.IsOff);
    }

    [Theory]
    [InlineData("actorhttp.limits.min-request-body-rate.bytes-per-second = -1", "actorhttp.limits.min-request-body-rate.bytes-per-second")]
    [InlineData("actorhttp.limits.min-request-body-rate.bytes-per-second = fast", "actorhttp.limits.min-request-body-rate.bytes-per-second")]
    [InlineData("actorhttp.limits.min-request-body-rate.grace-period = -5s", "actorhttp.limits.min-request-body-rate.grace-period")]
    [InlineData("actorhttp.limits.min-response-rate.bytes-per-second = -240", "actorhttp.limits.min-response-rate.bytes-per-second")]
    [InlineData("actorhttp.limits.min-response-rate.grace-period = soon", "actorhttp.limits.min-response-rate.grace-period")]
    [InlineData("actorhttp.limits.max-pipelined-body-bytes = -1", "actorhttp.limits.max-pipelined-body-bytes")]
    [InlineData("actorhttp.limits.max-pipelined-body-bytes = lots", "actorhttp.limits.max-pipelined-body-bytes")]
    public void A_bad_value_is_refused_naming_its_key(string hocon, string key)
    {
        var error = Assert.Throws<SettingsException>(() => Create(hocon));
        Assert.StartsWith(key + ":", error.Message);
    }
}
