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

    /// <summary>
    /// Parses an HTTP-date: IMF-fixdate, and the obsolete RFC 850 and asctime forms a recipient must
    /// accept (RFC 9110 §5.6.7).
    /// </summary>
    public static bool TryParse(string? text, out DateTimeOffset instant)
    {
        instant = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        string[] formats = { FixdateFormat, "dddd, dd-MMM-yy HH:mm:ss 'GMT'", "ddd MMM d HH:mm:ss yyyy" };
        if (DateTime.TryParseExact(text.Trim(), formats, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowInnerWhite, out var parsed))
        {
            instant = new DateTimeOffset(parsed, TimeSpan.Zero);
            return true;
        }
        return false;
    }
}
