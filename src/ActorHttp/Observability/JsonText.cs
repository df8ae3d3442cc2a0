using System.Text;

namespace ActorHttp.Observability;

/// <summary>
/// Text written as a JSON string (RFC 8259 §7) that keeps a log line one line and ASCII: <c>"</c> and <c>\</c>
/// escaped with a backslash, every other character outside printable ASCII (the C0 controls as <c>\u00XX</c>,
/// DEL, C1 controls such as NEL, LINE and PARAGRAPH SEPARATOR, everything above) as the <c>\uXXXX</c> escapes
/// of its UTF-16 code units. A lone surrogate becomes <c>\ufffd</c>, so the line is always valid JSON.
/// </summary>
public static class JsonText
{
    private const string HexDigits = "0123456789abcdef";

    /// <summary>Appends <c>"value"</c>, escaped.</summary>
    public static void AppendString(StringBuilder sb, string value)
    {
        sb.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is '"' or '\\') sb.Append('\\').Append(c);
            else if (c is >= (char)0x20 and < (char)0x7F) sb.Append(c);
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                AppendUnicodeEscape(sb, c);
                AppendUnicodeEscape(sb, value[++i]);
            }
            else AppendUnicodeEscape(sb, char.IsSurrogate(c) ? '\uFFFD' : c);
        }
        sb.Append('"');
    }

    /// <summary>Appends the escaped string, or <c>null</c> when there is none.</summary>
    public static void AppendStringOrNull(StringBuilder sb, string? value)
    {
        if (value is null) sb.Append("null");
        else AppendString(sb, value);
    }

    private static void AppendUnicodeEscape(StringBuilder sb, char c) =>
        sb.Append("\\u").Append(HexDigits[c >> 12]).Append(HexDigits[(c >> 8) & 0xF]).Append(HexDigits[(c >> 4) & 0xF]).Append(HexDigits[c & 0xF]);
}
