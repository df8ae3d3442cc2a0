using ActorHttp.Http;

namespace ActorHttp.Files;

/// <summary>What a Range header asks of a representation of a given length.</summary>
public enum RangeKind
{
    /// <summary>No usable Range: absent, syntactically invalid, another unit — serve the whole representation (200).</summary>
    Ignored,
    /// <summary>More than one range: this server serves the whole representation (200), see <see cref="ByteRanges"/>.</summary>
    Multiple,
    /// <summary>One satisfiable range: 206 with that part.</summary>
    Satisfiable,
    /// <summary>One range that selects no byte of the representation: 416.</summary>
    Unsatisfiable,
}

/// <summary>One resolved byte range: <see cref="Count"/> bytes starting at <see cref="Offset"/>.</summary>
public readonly record struct ByteRange(long Offset, long Count)
{
    /// <summary>The last byte position, as written in Content-Range.</summary>
    public long Last => Offset + Count - 1;

    /// <summary>The Content-Range value for a 206 (RFC 9110 §14.4): <c>bytes first-last/complete-length</c>.</summary>
    public string ToContentRange(long length) => "bytes " + Offset + "-" + Last + "/" + length;

    /// <summary>The Content-Range value for a 416 (RFC 9110 §14.4): <c>bytes */complete-length</c>.</summary>
    public static string Unsatisfied(long length) => "bytes */" + length;
}

/// <summary>
/// Range header parsing and arithmetic (RFC 9110 §14.1–§14.2).
/// A request for several ranges is answered with the whole file and status 200, as Kestrel does:
/// §14.2 lets a server ignore Range, a multipart/byteranges body would not fit the single-body
/// responses the connection actor writes, and a client asking for several parts of a static file
/// loses nothing but bandwidth by getting all of it.
/// </summary>
public static class ByteRanges
{
    /// <summary>Interprets a Range field value against a representation of <paramref name="length"/> bytes.</summary>
    public static RangeKind Parse(ReadOnlySpan<char> value, long length, out ByteRange range)
    {
        range = default;
        // ranges-specifier = range-unit "=" range-set; units compare case-insensitively (§14.1).
        const string unit = "bytes=";
        if (!value.StartsWith(unit, StringComparison.OrdinalIgnoreCase)) return RangeKind.Ignored;
        var set = value[unit.Length..];

        // range-set = 1#range-spec: a list, so OWS around commas and empty elements are allowed (§5.6.1).
        var specs = 0;
        long first = 0, last = 0;
        bool suffix = false, open = false;
        while (!set.IsEmpty)
        {
            var comma = set.IndexOf(',');
            var element = (comma < 0 ? set : set[..comma]).Trim(" \t");
            set = comma < 0 ? ReadOnlySpan<char>.Empty : set[(comma + 1)..];
            if (element.IsEmpty) continue;
            if (!TryParseSpec(element, out first, out last, out suffix, out open)) return RangeKind.Ignored;
            specs++;
        }
        if (specs == 0) return RangeKind.Ignored;
        if (specs > 1) return RangeKind.Multiple;

        if (suffix)
        {
            // A suffix-range is satisfiable when its length is non-zero (§14.1.1)…
            if (last == 0) return RangeKind.Unsatisfiable;
            // …but of an empty representation no part can be written as first-last in Content-Range,
            // so the (empty) whole is sent instead.
            if (length == 0) return RangeKind.Ignored;
            var count = Math.Min(last, length);
            range = new ByteRange(length - count, count);
            return RangeKind.Satisfiable;
        }

        // An int-range is satisfiable when first-pos is below the length; last-pos is clamped to it (§14.1.1).
        if (first >= length) return RangeKind.Unsatisfiable;
        var end = open || last >= length - 1 ? length - 1 : last;
        range = new ByteRange(first, end - first + 1);
        return RangeKind.Satisfiable;
    }

    // range-spec = int-range / suffix-range; int-range = first-pos "-" [ last-pos ]; suffix-range = "-" suffix-length.
    // Each number is 1*DIGIT; one too big for a long saturates, which keeps the arithmetic right (such a
    // first-pos is beyond any file, such a last-pos or suffix-length covers the rest of it).
    private static bool TryParseSpec(ReadOnlySpan<char> spec, out long first, out long last, out bool suffix, out bool open)
    {
        first = last = 0;
        suffix = open = false;
        var dash = spec.IndexOf('-');
        if (dash < 0) return false;
        var left = spec[..dash];
        var right = spec[(dash + 1)..];
        if (left.IsEmpty)
        {
            suffix = true;
            return Numerals.TryParseDecimal(right, out last, out _);
        }
        if (!Numerals.TryParseDecimal(left, out first, out _)) return false;
        if (right.IsEmpty)
        {
            open = true;
            return true;
        }
        // §14.1.1: an int-range whose last-pos is below its first-pos is invalid. Compared as numerals, since
        // two positions past long.MaxValue both saturate to it.
        return Numerals.TryParseDecimal(right, out last, out _) && CompareNumerals(right, left) >= 0;
    }

    // Orders two 1*DIGIT numerals by value, whatever their length: leading zeros dropped, then the longer is
    // larger, then the first differing digit decides.
    private static int CompareNumerals(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        a = a.TrimStart('0');
        b = b.TrimStart('0');
        return a.Length != b.Length ? a.Length.CompareTo(b.Length) : a.SequenceCompareTo(b);
    }
}
