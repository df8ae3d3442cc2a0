using Akka.Configuration;

namespace ActorHttp.Observability;

/// <summary>
/// The <c>actorhttp.access-log*</c> keys, each read once. Defaults equal the reference configuration's
/// (see <c>observability.conf.snippet</c>) so that a configuration without them behaves the same.
/// </summary>
/// <param name="Target"><c>off</c>, <c>stdout</c>, or the path of a file to append to.</param>
/// <param name="Format"><c>common</c> or <c>combined</c>.</param>
/// <param name="QueueSize">Entries waiting to be written before new ones are dropped.</param>
/// <param name="BatchSize">Most lines written by one I/O call.</param>
/// <param name="FlushInterval">Longest a line waits for its batch to fill before it is written anyway.</param>
public sealed record AccessLogSettings(string Target, string Format, int QueueSize, int BatchSize, TimeSpan FlushInterval)
{
    /// <summary>The <see cref="Target"/> that disables the access log.</summary>
    public const string Off = "off";

    /// <summary>The <see cref="Target"/> that writes to the process's standard output.</summary>
    public const string Stdout = "stdout";

    /// <summary>The settings used when the configuration leaves a key out.</summary>
    public static readonly AccessLogSettings Default =
        new(Stdout, AccessLogFormat.CommonName, QueueSize: 8192, BatchSize: 256, FlushInterval: TimeSpan.FromMilliseconds(200));

    /// <summary>True when nothing is logged.</summary>
    public bool IsOff => string.Equals(Target, Off, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when lines go to standard output.</summary>
    public bool IsStdout => string.Equals(Target, Stdout, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads the access log keys from the <c>actorhttp</c> section and checks them.</summary>
    /// <exception cref="ConfigurationException">A value is out of range or names an unknown format.</exception>
    public static AccessLogSettings FromConfig(Config actorhttp)
    {
        var settings = new AccessLogSettings(
            Target: ReadTarget(actorhttp),
            Format: actorhttp.GetString("access-log-format", Default.Format).ToLowerInvariant(),
            QueueSize: actorhttp.GetInt("access-log-queue-size", Default.QueueSize),
            BatchSize: actorhttp.GetInt("access-log-batch-size", Default.BatchSize),
            FlushInterval: actorhttp.GetTimeSpan("access-log-flush-interval", Default.FlushInterval, allowInfinite: false));
        settings.Validate();
        return settings;
    }

    private static string ReadTarget(Config actorhttp)
    {
        var target = actorhttp.GetString("access-log", Default.Target);
        // HOCON reads an unquoted `off` as a boolean; accept its other spellings (`false`, `no`) for the same intent.
        return target.ToLowerInvariant() is "off" or "false" or "no" ? Off
            : target.Equals(Stdout, StringComparison.OrdinalIgnoreCase) ? Stdout
            : target;
    }

    private void Validate()
    {
        if (string.IsNullOrWhiteSpace(Target))
            throw new ConfigurationException("actorhttp.access-log must be off, stdout or a file path.");
        if (Format is not (AccessLogFormat.CommonName or AccessLogFormat.CombinedName))
            throw new ConfigurationException($"actorhttp.access-log-format must be common or combined, not '{Format}'.");
        if (QueueSize < 1)
            throw new ConfigurationException($"actorhttp.access-log-queue-size must be at least 1, not {QueueSize}.");
        if (BatchSize < 1)
            throw new ConfigurationException($"actorhttp.access-log-batch-size must be at least 1, not {BatchSize}.");
        if (FlushInterval <= TimeSpan.Zero)
            throw new ConfigurationException($"actorhttp.access-log-flush-interval must be positive, not {FlushInterval}.");
    }
}
