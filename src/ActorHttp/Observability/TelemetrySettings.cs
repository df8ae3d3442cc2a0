namespace ActorHttp.Observability;

/// <summary>The <c>actorhttp.telemetry</c> keys, read with the other settings by <c>ServerSettings.Create</c>.</summary>
/// <param name="Otlp">
/// Export the <c>ActorHttp</c> spans and metrics over OTLP even when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is not set
/// (the exporter then uses its default endpoint, http://localhost:4317).
/// </param>
public sealed record TelemetrySettings(bool Otlp)
{
    /// <summary>No exporting unless the environment asks for it.</summary>
    public static readonly TelemetrySettings Default = new(Otlp: false);

    /// <summary>The environment variable of the OpenTelemetry specification that names the OTLP endpoint.</summary>
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>True when spans and metrics are exported: the switch is on or the endpoint variable is set.</summary>
    public bool Exports(string? endpointVariable) => Otlp || !string.IsNullOrWhiteSpace(endpointVariable);
}
