namespace ActorHttp.Observability;

/// <summary>The <c>actorhttp.metrics</c> keys, read and validated with the other settings by <c>ServerSettings.Create</c>.</summary>
/// <param name="Path">The request path serving the Prometheus exposition; empty when it is not served.</param>
public sealed record MetricsSettings(string Path)
{
    /// <summary>True when <see cref="Path"/> names a path to serve the exposition at.</summary>
    public bool IsServed => Path.Length > 0;
}
