namespace ActorHttp.Http;

/// <summary>The one decimal numeral reader: Content-Length (RFC 9110 §8.6) and byte ranges (RFC 9110 §14.1.1) both use it.</summary>
internal static class Numerals
{
    /// <summary>
    /// 1*DIGIT and nothing else: no sign, no hex, no whitespace; leading zeros allowed. False for anything else.
    /// A numeral past long.MaxValue gives long.MaxValue with <paramref name="capped"/> set, never a wrapped value
    /// (RFC 9110 §8.6 asks recipients to guard against exactly this overflow); each caller decides what such a
    /// numeral means. Every value a long holds is read exactly.
    /// </summary>
    public static bool TryParseDecimal(ReadOnlySpan<char> text, out long value, out bool capped)
    {
        value = 0;
        capped = false;
        if (text.IsEmpty) return false;
        foreach (var c in text)
        {
            if (c is < '0' or > '9') return false;
            var digit = c - '0';
            if (value > (long.MaxValue - digit) / 10)
            {
                value = long.MaxValue;
                capped = true;
            }
            else
            {
                value = value * 10 + digit;
            }
        }
        return true;
    }
}
