using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ActorHttp.Observability;

namespace ActorHttp.Hosting;

/// <summary>
/// The console host's OpenTelemetry export: a TracerProvider for the <c>ActorHttp</c> activity source and a
/// MeterProvider for the <c>ActorHttp</c> meter, both sending with the SDK's OTLP exporter, which reads the
/// standard <c>OTEL_EXPORTER_OTLP_*</c> variables (endpoint, protocol, headers). Disposing flushes what is
/// buffered and stops exporting.
/// </summary>
public sealed class OtlpTelemetry : IDisposable
{
    /// <summary>The service name when <c>OTEL_SERVICE_NAME</c> does not give one.</summary>
    public const string DefaultServiceName = "actorhttp";

    private readonly TracerProvider _tracer;
    private readonly MeterProvider _meter;

    private OtlpTelemetry(TracerProvider tracer, MeterProvider meter)
    {
        _tracer = tracer;
        _meter = meter;
    }

    /// <summary>Exporting as the settings and the environment ask, or null when neither asks for it.</summary>
    public static OtlpTelemetry? Start(TelemetrySettings settings, Func<string, string?> environment)
    {
        if (!settings.Exports(environment(TelemetrySettings.EndpointVariable))) return null;
        var resource = ResourceBuilder.CreateDefault();
        // OTEL_SERVICE_NAME, read by CreateDefault, wins; otherwise the SDK would say "unknown_service".
        if (string.IsNullOrWhiteSpace(environment("OTEL_SERVICE_NAME"))) resource.AddService(DefaultServiceName);
        var tracer = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(ServerTracing.SourceName)
            .AddOtlpExporter()
            .Build();
        var meter = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(ServerMetrics.MeterName)
            .AddOtlpExporter()
            .Build();
        return new OtlpTelemetry(tracer, meter);
    }

    public void Dispose()
    {
        _tracer.Dispose();
        _meter.Dispose();
    }
}
