using System.Diagnostics;
using ActorHttp.Hosting;
using ActorHttp.Observability;
using ActorHttp.Tests.Observability;

namespace ActorHttp.Tests.Hosting;

/// <summary>The console host's OTLP export: started only when asked for, listening to the ActorHttp source until disposed.</summary>
[Collection(TracingCollection.Name)]
public sealed class OtlpTelemetrySpec
{
    [Fact]
    public void Nothing_is_exported_when_neither_the_endpoint_variable_nor_the_switch_asks()
    {
        Assert.Null(OtlpTelemetry.Start(TelemetrySettings.Default, _ => null));
        Assert.False(ServerTracing.Source.HasListeners());
    }

    [Fact]
    public void The_endpoint_variable_starts_an_exporter_listening_to_the_actorhttp_source_until_disposed()
    {
        var watch = Stopwatch.StartNew();
        var telemetry = OtlpTelemetry.Start(TelemetrySettings.Default,
            name => name == TelemetrySettings.EndpointVariable ? "http://127.0.0.1:4317" : null);

        Assert.NotNull(telemetry);
        Assert.True(ServerTracing.Source.HasListeners());
        telemetry.Dispose();
        Assert.False(ServerTracing.Source.HasListeners());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
    }
}
