using System.Globalization;
using System.Text;

namespace ActorHttp.Http;

/// <summary>
/// HTTP-date formatting and parsing (RFC 9110 §5.6.7). <see cref="NowBytes"/> renders the current time
/// once per second and shares the bytes, so writing a <c>Date</c> header costs no formatting.
/// </summary>
public static class HttpDate
{
    private const string FixdateFormat = "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'";

    // §5.6.7: senders generate only IMF-fixdate; recipients must also accept the two obsolete forms,
    // rfc850-date and asctime-date. asctime pads a one-digit day with a space ("Nov  6"), which
    // AllowInnerWhite absorbs. .NET checks that the day name agrees with the date, so an inconsistent
    // value is invalid and the header carrying it is ignored, as §13.1.3/§13.1.4 require.
    private static readonly string[] AcceptedFormats =
    {
        FixdateFormat,
        "dddd, dd'-'MMM'-'yy HH':'mm':'ss 'GMT'",
        "ddd MMM d HH':'mm':'ss yyyy",
    };

    private sealed record Cached(long Second, byte[] Bytes);

    private static Cached _cached = new(-1, Array.Empty<byte>());

    /// <summary>The ASCII bytes of the current time as an IMF-fixdate, re-rendered when the second changes.</summary>
    public static byte[] NowBytes()
    {
        var now = DateTime.UtcNow;
        var second = now.Ticks / TimeSpan.TicksPerSecond;
        var cached = _cached;
        if (cached.Second == second) return cached.Bytes;
        var fresh = new Cached(second, Encoding.ASCII.GetBytes(Format(now)));
        _cached = fresh;
        return fresh.Bytes;
    }

    /// <summary>The IMF-fixdate form, e.g. <c>Sun, 06 Nov 1994 08:49:37 GMT</c>.</summary>
    public static string Format(DateTime utc) => utc.ToString(FixdateFormat, CultureInfo.InvariantCulture);

    /// <summary>Parses any of the three HTTP-date forms; false when the value is not a valid HTTP-date.</summary>
    public static bool TryParse(string? value, out DateTime utc)
    {
        utc = default;
        if (string.IsNullOrWhiteSpace(value)) return false;
        // The two-digit year of rfc850-date follows the invariant calendar's window (…2049), which
        // approximates §5.6.7's "more than 50 years in the future means the past" rule.
        return DateTime.TryParseExact(value.Trim(), AcceptedFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.AllowInnerWhite | DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out utc);
    }

    /// <summary>The instant truncated to whole seconds: the precision an HTTP-date can carry.</summary>
    public static DateTime TruncateToSeconds(DateTime utc) =>
        new(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
}
