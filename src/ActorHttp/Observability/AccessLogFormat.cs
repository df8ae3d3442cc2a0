using System.Text;

namespace ActorHttp.Observability;

/// <summary>
/// Renders <see cref="AccessLogEntry"/> values as JSON lines (<see cref="Json"/>) or Apache's Common and Combined Log Format lines
/// (<c>%h %l %u %t "%r" %&gt;s %b</c>, Combined adding <c>"%{Referer}i" "%{User-agent}i"</c>).
/// Request-derived fields are escaped as nginx escapes them (<see cref="LogText"/>), so a line is printable
/// ASCII and one request is one line. Lines carry no line terminator; the writer adds it.
/// </summary>
public static class AccessLogFormat
{
    /// <summary>The configuration value selecting <see cref="Common"/>.</summary>
    public const string CommonName = "common";

    /// <summary>The configuration value selecting <see cref="Combined"/>.</summary>
    public const string CombinedName = "combined";

    /// <summary>The configuration value selecting <see cref="Json"/>.</summary>
    public const string JsonName = "json";

    private static readonly string[] MonthNames =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    // Formatting runs on the log stream's single thread, so one builder per thread is reused for every line.
    [ThreadStatic] private static StringBuilder? _builder;

    /// <summary>
    /// <c>127.0.0.1 - - [23/Nov/2026:13:25:31 +0000] "GET / HTTP/1.1" 200 176</c>; the byte count is <c>-</c>
    /// when no body bytes were sent, as Apache's <c>%b</c> does.
    /// </summary>
    public static string Common(AccessLogEntry e) => Render(e, combined: false);

    /// <summary>The Common line followed by <c> "referer" "user-agent"</c>, each <c>-</c> when absent.</summary>
    public static string Combined(AccessLogEntry e) => Render(e, combined: true);

    /// <summary>
    /// One JSON object (RFC 8259) per line: <c>time</c> (ISO 8601 with offset), <c>remote</c>, <c>method</c>,
    /// <c>target</c>, <c>protocol</c>, <c>status</c>, <c>bytes</c>, <c>duration_ms</c>, <c>user_agent</c>,
    /// <c>referer</c> (null when absent), <c>request_id</c>, <c>request_line</c> for a request the parser refused
    /// (its line as far as read; method and target are then <c>-</c>), and <c>trace_id</c> and <c>span_id</c> when the
    /// request was traced. Strings are escaped by <see cref="JsonText"/>: a line stays one line whatever the
    /// client sent.
    /// </summary>
    public static string Json(AccessLogEntry e)
    {
        var sb = _builder ??= new StringBuilder(256);
        sb.Clear();
        sb.Append("{\"time\":\"").Append(e.Time.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture)).Append('"');
        AppendJsonField(sb, "remote", string.IsNullOrEmpty(e.RemoteAddress) ? "-" : e.RemoteAddress);
        AppendJsonField(sb, "method", e.Method);
        AppendJsonField(sb, "target", e.Target);
        AppendJsonField(sb, "protocol", e.Version);
        AppendJsonField(sb, "scheme", e.Scheme);
        if (e.RejectedLine is not null) AppendJsonField(sb, "request_line", e.RejectedLine);
        sb.Append(",\"status\":").Append(e.Status);
        sb.Append(",\"bytes\":").Append(e.BodyBytes);
        sb.Append(",\"duration_ms\":").Append(e.Duration.TotalMilliseconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture));
        AppendJsonField(sb, "user_agent", e.UserAgent);
        AppendJsonField(sb, "referer", e.Referer);
        AppendJsonField(sb, "request_id", e.RequestId);
        if (e.TraceId is not null)
        {
            AppendJsonField(sb, "trace_id", e.TraceId);
            AppendJsonField(sb, "span_id", e.SpanId);
        }
        sb.Append('}');
        var line = sb.ToString();
        if (sb.Capacity > 8192) _builder = null;
        return line;
    }

    /// <summary>The formatter a configuration value names (<c>common</c>, <c>combined</c> or <c>json</c>).</summary>
    /// <exception cref="ArgumentException">The name is none of them.</exception>
    public static Func<AccessLogEntry, string> ByName(string name) => name.ToLowerInvariant() switch
    {
        CommonName => Common,
        CombinedName => Combined,
        JsonName => Json,
        _ => throw new ArgumentException($"Unknown access log format '{name}'; expected 'common', 'combined' or 'json'.", nameof(name)),
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
        // nginx's $scheme, as a last field: a request over plain HTTP adds nothing, so a server without TLS writes
        // the formats as they are, and analysers that read them from the start of the line read these too.
        if (e.Scheme != "http") sb.Append(' ').Append(e.Scheme);
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
        if (e.RejectedLine is not null)
        {
            LogText.AppendEscaped(sb, e.RejectedLine);
        }
        else
        {
            LogText.AppendEscaped(sb, e.Method);
            sb.Append(' ');
            LogText.AppendEscaped(sb, e.Target);
            sb.Append(' ');
            LogText.AppendEscaped(sb, e.Version);
        }
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

    /// <summary><c>,"name":"value"</c>, or <c>null</c> for a missing value; the name is a constant that needs no escaping.</summary>
    private static void AppendJsonField(StringBuilder sb, string name, string? value)
    {
        sb.Append(",\"").Append(name).Append("\":");
        JsonText.AppendStringOrNull(sb, value);
    }

    private static void AppendQuotedOrDash(StringBuilder sb, string? value)
    {
        sb.Append('"');
        if (string.IsNullOrEmpty(value)) sb.Append('-');
        else LogText.AppendEscaped(sb, value);
        sb.Append('"');
    }
}
