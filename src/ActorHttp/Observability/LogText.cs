using System.Text;

namespace ActorHttp.Observability;

/// <summary>
/// Text from a request (or anything else) made safe for a log line, escaped as nginx escapes variables for
/// <c>log_format escape=default</c>: <c>"</c>, <c>\</c>, the C0 controls, DEL and every byte above 0x7F become
/// <c>\xHH</c> (upper-case hex). An escaped line is printable ASCII, so one event is one line whatever the
/// client sent: no CR or LF, no terminal escape sequence, no C1 control (NEL), no LINE or PARAGRAPH
/// SEPARATOR; a quoted field cannot be closed early, and a <c>\</c> the client sent (<c>\x5C</c>) can never
/// pass for an escape. Characters up to U+00FF are taken to be the byte they were decoded from (the parser
/// reads the request line and field values as ISO-8859-1, RFC 9110 §5.5 obs-text); anything above is written
/// as its UTF-8 bytes, and a lone surrogate as U+FFFD's. Both the access log and the stderr logger use it.
/// </summary>
public static class LogText
{
    private const string HexDigits = "0123456789ABCDEF";

    /// <summary>The value escaped; the same string when nothing in it needs escaping.</summary>
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value) || !NeedsEscaping(value)) return value ?? "";
        var sb = new StringBuilder(value.Length + 16);
        AppendEscaped(sb, value);
        return sb.ToString();
    }

    /// <summary>Appends the value escaped.</summary>
    public static void AppendEscaped(StringBuilder sb, string value)
    {
        if (!NeedsEscaping(value))
        {
            sb.Append(value);
            return;
        }
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (!NeedsEscaping(c)) sb.Append(c);
            else if (c <= 0xFF) AppendHexByte(sb, (byte)c);
            else
            {
                // A surrogate pair is one rune; a lone surrogate is written as U+FFFD's bytes.
                if (!Rune.TryGetRuneAt(value, i, out var rune)) rune = Rune.ReplacementChar;
                var count = rune.EncodeToUtf8(utf8);
                for (var b = 0; b < count; b++) AppendHexByte(sb, utf8[b]);
                if (rune.Utf16SequenceLength == 2) i++;
            }
        }
    }

    private static bool NeedsEscaping(string value)
    {
        foreach (var c in value)
            if (NeedsEscaping(c)) return true;
        return false;
    }

    private static bool NeedsEscaping(char c) => c is < (char)0x20 or >= (char)0x7F or '"' or '\\';

    private static void AppendHexByte(StringBuilder sb, byte b) =>
        sb.Append("\\x").Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xF]);
}
