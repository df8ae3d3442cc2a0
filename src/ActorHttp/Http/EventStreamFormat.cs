using System.Text;

namespace ActorHttp.Http;

/// <summary>
/// The <c>text/event-stream</c> wire format (WHATWG HTML §9.2.5 and §9.2.6): an event as field lines ended by a blank
/// line, and the comment line sent as a heartbeat. Pure: no I/O, no Akka.
/// </summary>
public static class EventStreamFormat
{
    /// <summary>The media type; the format is always UTF-8 (§9.2.5), so no charset parameter is needed.</summary>
    public const string ContentType = "text/event-stream";

    /// <summary>
    /// A comment line and the blank line after it: the client ignores it (§9.2.6, a line starting with a colon), but
    /// proxies and load balancers that close idle connections see traffic.
    /// </summary>
    public static readonly byte[] Heartbeat = ": \n\n"u8.ToArray();

    /// <summary>
    /// Why <paramref name="sent"/> cannot be sent as it is, or null. A line break in the type or id would end the
    /// field and let its remainder be read as fields of its own (an injected <c>data:</c> or <c>retry:</c>); an id
    /// with NUL is ignored by the client (§9.2.6, "id"); a negative retry is not the digits §9.2.6 requires. Data may
    /// hold line breaks: each line becomes a <c>data:</c> line of its own, which the client joins back with LF.
    /// </summary>
    public static string? Problem(ServerSentEvent sent) =>
        sent.Data is null ? "has no data (use an empty string)"
        : HasLineBreak(sent.Event) ? "has a line break in its event type"
        : HasLineBreak(sent.Id) ? "has a line break in its id"
        : sent.Id is not null && sent.Id.Contains('\0') ? "has NUL in its id"
        : sent.Retry is < 0 ? "has a negative retry"
        : null;

    /// <summary>
    /// The event's bytes: <c>event:</c>, <c>id:</c>, <c>retry:</c> when given, then one <c>data:</c> line per line of
    /// the data (split at CRLF, CR or LF, the line ends of §9.2.5), then a blank line that dispatches it. A space
    /// follows each colon, since the client strips exactly one (§9.2.6), so values that start with a space keep it.
    /// Throws <see cref="ArgumentException"/> for an event with a <see cref="Problem"/>.
    /// </summary>
    public static byte[] Encode(ServerSentEvent sent)
    {
        if (Problem(sent) is { } problem) throw new ArgumentException($"The event {problem}.", nameof(sent));
        var text = new StringBuilder(sent.Data.Length + 32);
        if (!string.IsNullOrEmpty(sent.Event)) text.Append("event: ").Append(sent.Event).Append('\n');
        if (sent.Id is not null) text.Append("id: ").Append(sent.Id).Append('\n');
        if (sent.Retry is { } retry) text.Append("retry: ").Append(retry.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        var data = sent.Data.AsSpan();
        while (true)
        {
            var end = data.IndexOfAny('\r', '\n');
            text.Append("data: ").Append(end < 0 ? data : data[..end]).Append('\n');
            if (end < 0) break;
            var next = end + (data[end] == '\r' && end + 1 < data.Length && data[end + 1] == '\n' ? 2 : 1);
            data = data[next..];
        }
        text.Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static bool HasLineBreak(string? value) => value is not null && value.AsSpan().IndexOfAny('\r', '\n') >= 0;
}
