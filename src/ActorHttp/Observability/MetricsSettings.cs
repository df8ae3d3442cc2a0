using Akka.Configuration;

namespace ActorHttp.Observability;

/// <summary>The <c>actorhttp.metrics</c> keys, each read once.</summary>
/// <param name="Path">The request path serving the Prometheus exposition; empty when it is not served.</param>
public sealed record MetricsSettings(string Path)
{
    /// <summary>The settings used when the configuration leaves a key out: metrics not served.</summary>
    public static readonly MetricsSettings Default = new(string.Empty);

    /// <summary>True when <see cref="Path"/> names a path to serve the exposition at.</summary>
    public bool IsServed => Path.Length > 0;

    /// <summary>Reads <c>metrics.path</c> from the <c>actorhttp</c> section.</summary>
    /// <exception cref="ConfigurationException">The path is set but does not start with '/'.</exception>
    public static MetricsSettings FromConfig(Config actorhttp)
    {
        var path = actorhttp.GetString("metrics.path", Default.Path) ?? string.Empty;
        // An origin-form target always starts with '/' (RFC 9112 §3.2.1); anything else could never match.
        if (path.Length > 0 && path[0] != '/')
            throw new ConfigurationException($"actorhttp.metrics.path must be empty or start with '/', not '{path}'.");
        return new MetricsSettings(path);
    }
}
