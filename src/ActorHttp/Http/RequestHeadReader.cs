namespace ActorHttp.Http;

/// <summary>
/// Finds a request head in bytes that arrive in pieces: skips the empty lines allowed before it, searches for the
/// empty line that ends it without rescanning what earlier calls searched, refuses early what a complete head would
/// fail whatever bytes follow, and hands the complete head to <see cref="RequestHeadSyntax"/>. One per connection.
/// </summary>
internal sealed class RequestHeadReader
{
    private const byte CR = (byte)'\r';
    private const byte LF = (byte)'\n';

    /// <summary>
    /// RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line; we ignore a few
    /// and reject a longer run, counted across calls so the outcome does not depend on how the bytes arrive.
    /// </summary>
    private const int MaxLeadingEmptyLines = 8;

    private readonly HttpLimits _limits;
    private readonly List<HttpHeader> _fields = new(16); // reused for every head: only the final array is allocated
    private int _headScanned;          // bytes of the head already searched for its end, so a slow head is not rescanned
    private int _requestLineEnd = -1;  // index of the request line's LF once the scan has seen it
    private bool _requestLineChecked;  // the complete request line of a still incomplete head has been validated
    private int _emptyLinesSkipped;    // empty lines skipped before the current request line

    public RequestHeadReader(HttpLimits limits) => _limits = limits;

    /// <summary>
    /// The head at the start of <paramref name="input"/> (syntax checked, meaning not yet), or null when it is
    /// incomplete or rejected. <paramref name="consumed"/> counts skipped empty lines and, once complete, the head
    /// with its final empty line; an incomplete head itself is not consumed.
    /// </summary>
    public HttpRequest? Read(ReadOnlySpan<byte> input, out int consumed, out RequestRejectionReason? rejection)
    {
        consumed = 0;
        rejection = null;

        // Skip empty lines before the request line (RFC 9112 §2.2); they count as consumed. Skipping only
        // happens while no byte of the request line is pending, so the scan state below starts afresh.
        var skipped = 0;
        while (true)
        {
            var lineLength = input.Length > skipped && input[skipped] == LF ? 1
                : input.Length > skipped + 1 && input[skipped] == CR && input[skipped + 1] == LF ? 2
                : 0;
            if (lineLength == 0) break;
            if (_emptyLinesSkipped == MaxLeadingEmptyLines) { rejection = RequestRejectionReason.InvalidRequestLine; return null; }
            _emptyLinesSkipped++;
            skipped += lineLength;
        }
        if (skipped > 0)
        {
            _headScanned = 0;
            _requestLineEnd = -1;
            input = input[skipped..];
            consumed = skipped;
        }

        var end = FindEndOfHead(input, out var headLength);
        if (end < 0)
        {
            // Fail early on an over-long request line or header section: never buffer beyond the limits.
            rejection = CheckIncompleteHead(input);
            return null;
        }

        _headScanned = 0;
        _requestLineEnd = -1;
        _requestLineChecked = false;
        _emptyLinesSkipped = 0;
        var request = RequestHeadSyntax.ParseHead(input[..end], _limits, _fields, out rejection);
        if (request is not null) consumed += headLength;
        return request;
    }

    /// <summary>
    /// Index of the empty line ending the head (the head is input[..index]), or -1. Accepts CRLF or a bare LF
    /// as line terminator (RFC 9112 §2.2 lets a recipient recognise a single LF).
    /// </summary>
    private int FindEndOfHead(ReadOnlySpan<byte> input, out int headLength)
    {
        headLength = 0;
        var start = Math.Max(0, _headScanned - 2);
        while (true)
        {
            var lf = input[start..].IndexOf(LF);
            if (lf < 0) { _headScanned = input.Length; return -1; }
            var i = start + lf;
            if (_requestLineEnd < 0) _requestLineEnd = i; // every LF before _headScanned has been seen once
            if (i + 1 < input.Length && input[i + 1] == LF) { headLength = i + 2; return i + 1; }
            if (i + 2 < input.Length && input[i + 1] == CR && input[i + 2] == LF) { headLength = i + 3; return i + 1; }
            if (i + 2 >= input.Length) { _headScanned = i; return -1; }
            start = i + 1;
        }
    }

    /// <summary>
    /// The checks a complete head would fail whatever bytes follow, in the order <see cref="RequestHeadSyntax.ParseHead"/>
    /// makes them, so a head fed in pieces is rejected for the same reason as the whole head at once:
    /// an over-long method (501), an over-long request line (414), an invalid request line, then an over-large
    /// header section (431). Uses only what <see cref="FindEndOfHead"/> recorded and the first bytes of the method;
    /// nothing else is rescanned.
    /// </summary>
    private RequestRejectionReason? CheckIncompleteHead(ReadOnlySpan<byte> input)
    {
        if (RequestHeadSyntax.StartsWithOverlongMethod(input)) return RequestRejectionReason.MethodNotImplemented;
        if (_requestLineEnd < 0)
        {
            // The line may still end with the CR of its CRLF, which does not count towards the limit.
            var lineBytes = input.Length > 0 && input[^1] == CR ? input.Length - 1 : input.Length;
            return lineBytes > _limits.MaxRequestLineBytes ? RequestRejectionReason.RequestLineTooLong : null;
        }

        var line = RequestHeadSyntax.TrimCr(input[.._requestLineEnd]);
        if (line.Length > _limits.MaxRequestLineBytes) return RequestRejectionReason.RequestLineTooLong;
        if (!_requestLineChecked)
        {
            if (!RequestHeadSyntax.ParseRequestLine(line, out _, out _, out _, out _, out _, out var lineRejection)) return lineRejection;
            _requestLineChecked = true;
        }

        // The empty line ending the head starts at the earliest at the last pending byte, so the field lines
        // will be at least (pending - 1) bytes long.
        var pendingFields = input.Length - _requestLineEnd - 1;
        return pendingFields - 1 > _limits.MaxHeaderBytes ? RequestRejectionReason.HeadersTooLarge : null;
    }
}
