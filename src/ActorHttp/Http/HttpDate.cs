using System.Globalization;
using System.Text;

namespace ActorHttp.Http;

/// <summary>
/// IMF-fixdate (RFC 9110 §5.6.7) rendering and parsing. <see cref="NowBytes"/> renders the current time
/// once per second and shares the bytes, so writing a <c>Date</c> header costs no formatting.
/// </summary>
public static class HttpDate
{
    private const string FixdateFormat = "ddd, dd MMM yyyy HH:mm:ss 'GMT'";

    private sealed record Cached(long Second, byte[] Bytes);

    private static Cached _cached = new(-1, Array.Empty<byte>());

    /// <summary>The ASCII bytes of the current time as an IMF-fixdate, re-rendered when the second changes.</summary>
    public static byte[] NowBytes(TimeProvider? clock = null)
    {
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        var second = now.ToUnixTimeSeconds();
        var cached = _cached;
        if (cached.Second == second) return cached.Bytes;
        var fresh = new Cached(second, Encoding.ASCII.GetBytes(Render(now)));
        _cached = fresh;
        return fresh.Bytes;
    }

    /// <summary>Renders an instant as an IMF-fixdate, e.g. <c>Sun, 06 Nov 1994 08:49:37 GMT</c>.</summary>
    public static string Render(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString(FixdateFormat, CultureInfo.InvariantCulture);

    /// <summary>The IMF-fixdate form of a UTC time, e.g. <c>Sun, 06 Nov 1994 08:49:37 GMT</c>.</summary>
    public static string Format(DateTime utc) => utc.ToString(FixdateFormat, CultureInfo.InvariantCulture);

    /// <summary>The instant truncated to whole seconds: the precision an HTTP-date can carry.</summary>
    public static DateTime TruncateToSeconds(DateTime utc) =>
        new(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    /// <summary>
    /// Parses an HTTP-date: IMF-fixdate, and the obsolete RFC 850 and asctime forms a recipient must
    /// accept (RFC 9110 §5.6.7).
    /// </summary>
    public static bool TryParse(string? text, out DateTimeOffset instant) => TryParse(text, TimeProvider.System.GetUtcNow(), out instant);

    private const string Rfc850Format = "dd-MMM-yy HH:mm:ss 'GMT'"; // after the day name and ", "
    private const string AsctimeFormat = "ddd MMM d HH:mm:ss yyyy";

    /// <summary>
    /// <see cref="TryParse(string?, out DateTimeOffset)"/> relative to <paramref name="now"/>, which decides the
    /// century of an RFC 850 two-digit year: a year that would be more than 50 years in the future is the most
    /// recent past year with those digits (RFC 9110 §5.6.7).
    /// </summary>
    internal static bool TryParse(string? text, DateTimeOffset now, out DateTimeOffset instant)
    {
        instant = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        const DateTimeStyles styles = DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal;
        var trimmed = text.Trim();
        if (DateTime.TryParseExact(trimmed, FixdateFormat, CultureInfo.InvariantCulture, styles, out var parsed)
            || DateTime.TryParseExact(trimmed, AsctimeFormat, CultureInfo.InvariantCulture, styles | DateTimeStyles.AllowInnerWhite, out parsed))
        {
            instant = new DateTimeOffset(parsed, TimeSpan.Zero);
            return true;
        }
        // rfc850-date = day-name-l "," SP date2 SP time-of-day SP GMT; the weekday is checked after the century
        // is chosen, since the culture's own two-digit-year rule may pick a different one.
        var comma = trimmed.IndexOf(", ", StringComparison.Ordinal);
        if (comma > 0 && DateTime.TryParseExact(trimmed[(comma + 2)..], Rfc850Format, CultureInfo.InvariantCulture, styles, out parsed))
        {
            var year = now.Year - now.Year % 100 + parsed.Year % 100;
            if (year > now.Year + 50) year -= 100;
            var date = parsed.AddYears(year - parsed.Year);
            if (!trimmed[..comma].Equals(date.DayOfWeek.ToString(), StringComparison.Ordinal)) return false;
            instant = new DateTimeOffset(date, TimeSpan.Zero);
            return true;
        }
        return false;
    }
}
