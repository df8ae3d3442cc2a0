using System.Text;
using ActorHttp.Http;

namespace ActorHttp.Tests.Http;

/// <summary>What a connection saw when it fed a byte stream through one parser.</summary>
/// <param name="Requests">Every complete request, in order.</param>
/// <param name="Rejection">The rejection that ended the stream, if any.</param>
/// <param name="MaxPending">The most bytes the connection ever held unconsumed after the parser asked for more.</param>
/// <param name="Consumed">The bytes the parser took from the stream before it ended (body bytes are taken as they arrive).</param>
internal sealed record ParseRun(IReadOnlyList<HttpRequest> Requests, RequestRejectionReason? Rejection, int MaxPending, long Consumed = 0)
{
    /// <summary>A comparable rendering of everything the parser reported (not how it was fed).</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        foreach (var request in Requests) text.AppendLine(ParserDriver.Describe(request));
        text.Append(Rejection is { } reason ? $"rejected {reason}" : "no rejection");
        return text.ToString();
    }
}

/// <summary>
/// Drives an <see cref="HttpRequestParser"/> the way a connection does: bytes arrive in pieces, are appended
/// to what is left over, the parser is called until it needs more, and <c>Consumed</c> bytes are dropped after
/// every call.
/// </summary>
internal static class ParserDriver
{
    public static ParseRun Run(HttpLimits limits, IEnumerable<ReadOnlyMemory<byte>> pieces)
    {
        var parser = new HttpRequestParser(limits);
        var requests = new List<HttpRequest>();
        var buffer = new byte[256];
        var pending = 0;
        var maxPending = 0;
        var consumed = 0L;
        foreach (var piece in pieces)
        {
            if (pending + piece.Length > buffer.Length) Array.Resize(ref buffer, Math.Max(buffer.Length * 2, pending + piece.Length));
            piece.Span.CopyTo(buffer.AsSpan(pending));
            pending += piece.Length;
            while (pending > 0)
            {
                var result = parser.Parse(buffer.AsSpan(0, pending));
                if (result.Consumed < 0 || result.Consumed > pending)
                    throw new InvalidOperationException($"Consumed {result.Consumed} of {pending} bytes.");
                if (result.Outcome == ParseOutcome.Rejected) return new ParseRun(requests, result.Rejection, maxPending, consumed);
                consumed += result.Consumed;
                if (result.Consumed > 0)
                {
                    buffer.AsSpan(result.Consumed, pending - result.Consumed).CopyTo(buffer);
                    pending -= result.Consumed;
                }
                if (result.Outcome == ParseOutcome.NeedMore)
                {
                    maxPending = Math.Max(maxPending, pending);
                    break;
                }
                if (result.Consumed == 0) throw new InvalidOperationException("A complete request consumed no bytes.");
                requests.Add(result.Request ?? throw new InvalidOperationException("Complete without a request."));
            }
        }
        return new ParseRun(requests, null, maxPending, consumed);
    }

    public static ParseRun Whole(HttpLimits limits, byte[] input) => Run(limits, new ReadOnlyMemory<byte>[] { input });

    public static ParseRun ByteByByte(HttpLimits limits, byte[] input) =>
        Run(limits, Enumerable.Range(0, input.Length).Select(i => new ReadOnlyMemory<byte>(input, i, 1)));

    public static ParseRun SplitAt(HttpLimits limits, byte[] input, int at) =>
        Run(limits, new[] { new ReadOnlyMemory<byte>(input, 0, at), new ReadOnlyMemory<byte>(input, at, input.Length - at) });

    /// <summary>The wire text of a test case: Latin-1, so "\xNN" escapes in C# strings become single bytes.</summary>
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    public static string Describe(HttpRequest request) =>
        $"{request.Method} {request.Target} path={request.Path} query={request.Query} {request.Version.ToText()} " +
        $"[{string.Join(" | ", request.Headers.Select(h => $"{h.Name}: {h.Value}"))}] body={Encoding.Latin1.GetString(request.Body.Span)}";
}
