namespace ActorHttp.Http;

/// <summary>
/// The limits the parser enforces on one request (<c>actorhttp.limits</c>; the defaults, Kestrel's, are in
/// reference.conf). A buffered body is one array, so the parser never buffers more than
/// <see cref="Array.MaxLength"/> bytes whatever <see cref="MaxBodyBytes"/> says.
/// </summary>
public sealed record HttpLimits(int MaxRequestLineBytes, int MaxHeaderBytes, int MaxHeaderCount, long MaxBodyBytes);

/// <summary>
/// A floor on how fast a client sends or reads data: at least <paramref name="BytesPerSecond"/> on average,
/// measured once <paramref name="GracePeriod"/> has passed (Kestrel's <c>MinDataRate</c>). Zero bytes per
/// second turns the floor off.
/// </summary>
public sealed record MinDataRate(double BytesPerSecond, TimeSpan GracePeriod)
{
    public bool IsOff => BytesPerSecond <= 0;

    /// <summary>Time <paramref name="bytes"/> may take at this rate, at least the grace period.</summary>
    public TimeSpan Allowance(long bytes) =>
        IsOff ? TimeSpan.MaxValue : Max(GracePeriod, TimeSpan.FromSeconds(Math.Min(bytes / BytesPerSecond, TimeSpan.MaxValue.TotalSeconds / 2)));

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
