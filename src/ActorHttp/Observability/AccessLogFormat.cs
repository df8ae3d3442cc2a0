using System.Text;

namespace ActorHttp.Observability;

/// <summary>
/// Renders <see cref="AccessLogEntry"/> values as Apache's Common and Combined Log Format lines
/// (<c>%h %l %u %t "%r" %&gt;s %b</c>, Combined adding <c>"%{Referer}i" "%{User-agent}i"</c>).
/// Lines carry no line terminator; the writer adds it.
/// </summary>
public static class AccessLogFormat
{
    /// <summary>The configuration value selecting <see cref="Common"/>.</summary>
    public const string CommonName = "common";

    /// <summary>The configuration value selecting <see cref="Combined"/>.</summary>
    public const string CombinedName = "combined";

    private static readonly string[] MonthNames =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    private const string HexDigits = "0123456789abcdef";

    // Formatting runs on the log stream's single thread, so one builder per thread is reused for every line.
    [ThreadStatic] private static StringBuilder? _builder;

    /// <summary>
    /// <c>127.0.0.1 - - [23/Nov/2026:13:25:31 +0000] "GET / HTTP/1.1" 200 176</c>; the byte count is <c>-</c>
    /// when no body bytes were sent, as Apache's <c>%b</c> does.
    /// </summary>
    public static string Common(AccessLogEntry e) => Render(e, combined: false);

    /// <summary>The Common line followed by <c> "referer" "user-agent"</c>, each <c>-</c> when absent.</summary>
    public static string Combined(AccessLogEntry e) => Render(e, combined: true);

    /// <summary>The formatter a configuration value names (<c>common</c> or <c>combined</c>).</summary>
    /// <exception cref="ArgumentException">The name is neither.</exception>
    public static Func<AccessLogEntry, string> ByName(string name) => name.ToLowerInvariant() switch
    {
        CommonName => Common,
        CombinedName => Combined,
        _ => throw new ArgumentException($"Unknown access log format '{name}'; expected 'common' or 'combined'.", nameof(name)),
    };

    private static string Render(in AccessLogEntry e, bool combined)
    {
        var sb = _builder ??= new StringBuilder(256);
        sb.Clear();
        AppendCommon(sb, e);
        if (combined)
        {
            sb.Append(' ');
            AppendQuotedOrDash(sb, e.Referer);
            sb.Append(' ');
            AppendQuotedOrDash(sb, e.UserAgent);
        }
        var line = sb.ToString();
        // A pathological request must not pin a huge builder to the thread for the life of the process.
        if (sb.Capacity > 8192) _builder = null;
        return line;
    }

    private static void AppendCommon(StringBuilder sb, in AccessLogEntry e)
    {
        // %h: the address; %l (identd) and %u (authenticated user) are never known here, so '-' as Apache writes.
        sb.Append(string.IsNullOrEmpty(e.RemoteAddress) ? "-" : e.RemoteAddress).Append(" - - ");
        AppendTime(sb, e.Time);
        sb.Append(" \"");
        AppendEscaped(sb, e.Method);
        sb.Append(' ');
        AppendEscaped(sb, e.Target);
        sb.Append(' ');
        AppendEscaped(sb, e.Version);
        sb.Append("\" ").Append(e.Status).Append(' ');
        if (e.BodyBytes > 0) sb.Append(e.BodyBytes);
        else sb.Append('-');
    }

    /// <summary>Apache's <c>%t</c>: <c>[dd/Mon/yyyy:HH:mm:ss +hhmm]</c>, English month names whatever the culture.</summary>
    private static void AppendTime(StringBuilder sb, DateTimeOffset t)
    {
        sb.Append('[');
        Append2(sb, t.Day);
        sb.Append('/').Append(MonthNames[t.Month - 1]).Append('/');
        Append2(sb, t.Year / 100);
        Append2(sb, t.Year % 100);
        sb.Append(':');
        Append2(sb, t.Hour);
        sb.Append(':');
        Append2(sb, t.Minute);
        sb.Append(':');
        Append2(sb, t.Second);
        sb.Append(' ');
        var offset = t.Offset;
        sb.Append(offset < TimeSpan.Zero ? '-' : '+');
        var minutes = (int)Math.Abs(offset.TotalMinutes);
        Append2(sb, minutes / 60);
        Append2(sb, minutes % 60);
        sb.Append(']');
    }

    private static void Append2(StringBuilder sb, int value) =>
        sb.Append((char)('0' + value / 10)).Append((char)('0' + value % 10));

    private static void AppendQuotedOrDash(StringBuilder sb, string? value)
    {
        sb.Append('"');
        if (string.IsNullOrEmpty(value)) sb.Append('-');
        else AppendEscaped(sb, value);
        sb.Append('"');
    }

    /// <summary>
    /// Escapes as Apache does for <c>%r</c> and <c>%i</c> (since 2.0.46), so a client cannot forge log lines or
    /// break the quoting: <c>"</c> and <c>\</c> get a backslash; control characters and anything outside
    /// printable ASCII become <c>\xhh</c>. Characters up to U+00FF are taken to be the wire byte they were
    /// decoded from (ISO-8859-1, RFC 9110 §5.5 obs-text); anything above is written as its UTF-8 bytes.
    /// </summary>
    private static void AppendEscaped(StringBuilder sb, string value)
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
            if (c is '"' or '\\') sb.Append('\\').Append(c);
            else if (c >= 0x20 && c < 0x7F) sb.Append(c);
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
            if (c is < (char)0x20 or >= (char)0x7F or '"' or '\\') return true;
        return false;
    }

    private static void AppendHexByte(StringBuilder sb, byte b) =>
        sb.Append("\\x").Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xF]);
}
