namespace ActorHttp.Observability;

/// <summary>
/// The <c>actorhttp.access-log*</c> keys, read and validated with the other settings by <c>ServerSettings.Create</c>;
/// the defaults are in reference.conf.
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

    /// <summary>True when nothing is logged.</summary>
    public bool IsOff => string.Equals(Target, Off, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when lines go to standard output.</summary>
    public bool IsStdout => string.Equals(Target, Stdout, StringComparison.OrdinalIgnoreCase);
}
