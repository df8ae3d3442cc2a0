using System.Text;

namespace ActorHttp.Http;

/// <summary>What one call of <see cref="HttpRequestParser.Parse"/> found.</summary>
public enum ParseOutcome
{
    /// <summary>Not enough bytes yet; call again with more (after dropping <see cref="ParseResult.Consumed"/>).</summary>
    NeedMore,
    /// <summary>A whole request, body included, is in <see cref="ParseResult.Request"/>.</summary>
    Complete,
    /// <summary>The input is not an acceptable request; see <see cref="ParseResult.Rejection"/>.</summary>
    Rejected,
    /// <summary>
    /// Only from a parser made with <c>headFirst</c>: the head of a request whose body follows is in
    /// <see cref="ParseResult.Request"/>; call <see cref="HttpRequestParser.BufferBody"/> or
    /// <see cref="HttpRequestParser.StreamBody"/> before parsing on.
    /// </summary>
    Head,
    /// <summary>
    /// A piece of a streamed body: the last <see cref="ParseResult.PartLength"/> bytes of the consumed input
    /// (<see cref="ParseResult.PartOf"/>). Parse on, even with no input left: the body's end is reported as
    /// <see cref="Complete"/> with the head and no body.
    /// </summary>
    BodyPart,
}

/// <summary>
/// The result of one parse call. <see cref="Consumed"/> bytes at the start of the input were used up
/// (also on <see cref="ParseOutcome.NeedMore"/>: body bytes are taken into the parser as they come).
/// </summary>
public readonly record struct ParseResult(ParseOutcome Outcome, int Consumed, HttpRequest? Request, RequestRejectionReason Rejection)
{
    /// <summary>For <see cref="ParseOutcome.BodyPart"/>: how many of the consumed bytes, at their end, are body.</summary>
    public int PartLength { get; init; }

    /// <summary>The body bytes of a <see cref="ParseOutcome.BodyPart"/> within the input that was parsed.</summary>
    public ReadOnlySpan<byte> PartOf(ReadOnlySpan<byte> input) => input.Slice(Consumed - PartLength, PartLength);

    public static ParseResult NeedMore(int consumed) => new(ParseOutcome.NeedMore, consumed, null, default);
    public static ParseResult Complete(int consumed, HttpRequest request) => new(ParseOutcome.Complete, consumed, request, default);
    public static ParseResult Reject(RequestRejectionReason reason) => new(ParseOutcome.Rejected, 0, null, reason);
    public static ParseResult Head(int consumed, HttpRequest head) => new(ParseOutcome.Head, consumed, head, default);
    public static ParseResult Part(int consumed, int length) => new(ParseOutcome.BodyPart, consumed, null, default) { PartLength = length };
}

/// <summary>
/// An incremental HTTP/1.1 request parser (RFC 9112) with no I/O and no actors: feed it the bytes that
/// have arrived, starting where the previous call's <see cref="ParseResult.Consumed"/> ended, and it
/// reports <i>need more</i>, <i>a request</i> or <i>a rejection</i>. The head is parsed in one go once its
/// end is in the input; body bytes (Content-Length or chunked) are taken as they come, so a large body
/// is never scanned twice. One instance per connection; after a rejection the instance must not be reused.
/// <para>
/// Made with <c>headFirst</c>, the parser reports the head of a request with a body on its own
/// (<see cref="ParseOutcome.Head"/>), and the caller chooses per request: <see cref="BufferBody"/> (the body is
/// collected up to the body limit and comes with <see cref="ParseOutcome.Complete"/>, as without headFirst) or
/// <see cref="StreamBody"/> (the body comes out in <see cref="ParseOutcome.BodyPart"/>s as it arrives, with no
/// size limit, and <see cref="ParseOutcome.Complete"/> marks its end). Framing errors reject in both modes.
/// </para>
/// </summary>
public sealed class HttpRequestParser
{
    private const byte CR = (byte)'\r';
    private const byte LF = (byte)'\n';
    private const byte SP = (byte)' ';
    private const byte HTAB = (byte)'\t';
    private const byte Colon = (byte)':';

    /// <summary>
    /// RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line; we ignore a few
    /// and reject a longer run, counted across calls so the outcome does not depend on how the bytes arrive.
    /// </summary>
    private const int MaxLeadingEmptyLines = 8;

    private enum State { Head, FixedBody, ChunkSize, ChunkData, ChunkDataEnd, Trailers }

    private readonly HttpLimits _limits;
    private readonly long _maxBufferedBody; // the body limit, and no more than one array can hold
    private readonly bool _headFirst;
    private bool _bodyModePending;     // a Head was reported; BufferBody or StreamBody comes next
    private bool _streaming;           // the current body goes out in parts, not into _body
    private readonly List<HttpHeader> _fields = new(16); // reused for every head: only the final array is allocated
    private State _state = State.Head;
    private int _headScanned;          // bytes of the head already searched for its end, so a slow head is not rescanned
    private int _requestLineEnd = -1;  // index of the request line's LF once the scan has seen it
    private bool _requestLineChecked;  // the complete request line of a still incomplete head has been validated
    private int _emptyLinesSkipped;    // empty lines skipped before the current request line
    private HttpRequest? _head;        // the request whose body is being read
    private byte[] _body = Array.Empty<byte>();
    private int _bodyLength;           // bytes of _body filled, never more than _maxBufferedBody
    private long _remaining;           // of the Content-Length body, or of the current chunk
    private int _trailerBytes;
    private int _lineScanned;          // bytes of a pending chunk-size or trailer line already searched for its LF

    public HttpRequestParser(HttpLimits limits) : this(limits, headFirst: false) { }

    /// <param name="limits">The limits; the body limit applies to buffered bodies only.</param>
    /// <param name="headFirst">Report heads with a body as <see cref="ParseOutcome.Head"/> so the caller can choose to stream the body.</param>
    public HttpRequestParser(HttpLimits limits, bool headFirst)
    {
        _limits = limits;
        // A buffered body is one array; the settings refuse a larger limit, a hand-made HttpLimits is held to it here.
        _maxBufferedBody = Math.Min(limits.MaxBodyBytes, Array.MaxLength);
        _headFirst = headFirst;
    }

    /// <summary>
    /// After <see cref="ParseOutcome.Head"/>: collect the body in memory, up to the body limit. Returns the
    /// rejection if the announced Content-Length is already over it (413 before any body byte is read).
    /// </summary>
    public RequestRejectionReason? BufferBody()
    {
        EndBodyModeChoice();
        return _state == State.FixedBody && _remaining > _maxBufferedBody ? RequestRejectionReason.BodyTooLarge : null;
    }

    /// <summary>After <see cref="ParseOutcome.Head"/>: hand the body out in parts as it arrives, whatever its size.</summary>
    public void StreamBody()
    {
        EndBodyModeChoice();
        _streaming = true;
    }

    private void EndBodyModeChoice()
    {
        if (!_bodyModePending) throw new InvalidOperationException("No request head is waiting for a body mode.");
        _bodyModePending = false;
    }

    /// <summary>
    /// True while the head of a request with <c>Expect: 100-continue</c> is parsed and none of its body has
    /// arrived: the caller should send <c>100 Continue</c> (RFC 9110 §10.1.1).
    /// </summary>
    public bool AwaitsContinue { get; private set; }

    /// <summary>True between a parsed head and the end of its body.</summary>
    public bool IsReadingBody => _state != State.Head;

    /// <summary>Parses as far as the input allows. See <see cref="ParseResult"/> for the contract.</summary>
    public ParseResult Parse(ReadOnlySpan<byte> input)
    {
        if (_bodyModePending) throw new InvalidOperationException("Call BufferBody or StreamBody after a Head outcome.");
        var consumed = 0;
        if (_state == State.Head)
        {
            var head = ParseHead(input, out consumed, out var rejection);
            if (rejection is { } reason) return ParseResult.Reject(reason);
            if (head is null) return ParseResult.NeedMore(consumed);
            if (_state == State.Head) return ParseResult.Complete(consumed, head); // no body
            if (_headFirst)
            {
                _bodyModePending = true;
                return ParseResult.Head(consumed, head);
            }
        }
        return _streaming ? StreamBodyPart(input, consumed) : ParseBody(input, consumed);
    }

    // ---- head -------------------------------------------------------------------------------

    private HttpRequest? ParseHead(ReadOnlySpan<byte> input, out int consumed, out RequestRejectionReason? rejection)
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
        var request = ParseHeadBlock(input[..end], out rejection);
        if (request is null) return null;
        consumed += headLength;

        rejection = ValidateSemantics(request, out var framing, out var contentLength);
        if (rejection is not null) return null;

        switch (framing)
        {
            case Framing.None:
                return request;
            case Framing.ContentLength:
                if (contentLength == 0) return request;
                _state = State.FixedBody;
                _remaining = contentLength;
                break;
            case Framing.Chunked:
                _state = State.ChunkSize;
                break;
        }
        _head = request;
        _body = Array.Empty<byte>();
        _bodyLength = 0;
        _trailerBytes = 0;
        _lineScanned = 0;
        // RFC 9110 §10.1.1: a 100-continue expectation in an HTTP/1.0 request is ignored.
        AwaitsContinue = request.Version == HttpVersion.Http11 && ConnectionPersistence.HasToken(request.Headers.GetCombined("Expect"), "100-continue");
        return request;
    }

    /// <summary>
    /// The checks a complete head would fail whatever bytes follow, in the order <see cref="ParseHeadBlock"/>
    /// makes them, so a head fed in pieces is rejected for the same reason as the whole head at once:
    /// an over-long method (501), an over-long request line (414), an invalid request line, then an over-large
    /// header section (431). Uses only what <see cref="FindEndOfHead"/> recorded and the first bytes of the method;
    /// nothing else is rescanned.
    /// </summary>
    private RequestRejectionReason? CheckIncompleteHead(ReadOnlySpan<byte> input)
    {
        if (StartsWithOverlongMethod(input)) return RequestRejectionReason.MethodNotImplemented;
        if (_requestLineEnd < 0)
        {
            // The line may still end with the CR of its CRLF, which does not count towards the limit.
            var lineBytes = input.Length > 0 && input[^1] == CR ? input.Length - 1 : input.Length;
            return lineBytes > _limits.MaxRequestLineBytes ? RequestRejectionReason.RequestLineTooLong : null;
        }

        var line = TrimCr(input[.._requestLineEnd]);
        if (line.Length > _limits.MaxRequestLineBytes) return RequestRejectionReason.RequestLineTooLong;
        if (!_requestLineChecked)
        {
            if (!ParseRequestLine(line, out _, out _, out _, out _, out _, out var lineRejection)) return lineRejection;
            _requestLineChecked = true;
        }

        // The empty line ending the head starts at the earliest at the last pending byte, so the field lines
        // will be at least (pending - 1) bytes long.
        var pendingFields = input.Length - _requestLineEnd - 1;
        return pendingFields - 1 > _limits.MaxHeaderBytes ? RequestRejectionReason.HeadersTooLarge : null;
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
    /// True when the line starts with more token bytes than the longest method this server implements has: whatever
    /// follows, it is a method we do not implement (RFC 9110 §15.6.2) or no method at all. Checked before anything
    /// else on the request line, on the whole head and on a partial one alike, so such a line is refused as soon
    /// as those bytes are in rather than when it reaches the request-line limit, and with the same status either way.
    /// </summary>
    private static bool StartsWithOverlongMethod(ReadOnlySpan<byte> line)
    {
        if (line.Length <= KnownStrings.LongestMethod) return false;
        foreach (var b in line[..(KnownStrings.LongestMethod + 1)])
            if (!CharClasses.IsTokenChar(b)) return false;
        return true;
    }

    /// <summary>Parses the request line and field lines (syntax only, RFC 9112 §3 and §5).</summary>
    private HttpRequest? ParseHeadBlock(ReadOnlySpan<byte> head, out RequestRejectionReason? rejection)
    {
        rejection = null;
        if (StartsWithOverlongMethod(head)) { rejection = RequestRejectionReason.MethodNotImplemented; return null; }
        var lineEnd = head.IndexOf(LF);
        var line = TrimCr(head[..lineEnd]);
        if (line.Length > _limits.MaxRequestLineBytes) { rejection = RequestRejectionReason.RequestLineTooLong; return null; }
        if (!ParseRequestLine(line, out var method, out var target, out var path, out var query, out var version, out rejection))
            return null;

        var rest = head[(lineEnd + 1)..];
        if (rest.Length > _limits.MaxHeaderBytes) { rejection = RequestRejectionReason.HeadersTooLarge; return null; }
        var fields = _fields;
        fields.Clear();
        while (!rest.IsEmpty)
        {
            var lf = rest.IndexOf(LF);
            var fieldLine = TrimCr(rest[..lf]);
            rest = rest[(lf + 1)..];
            if (fieldLine.IsEmpty) break;
            if (fieldLine[0] is SP or HTAB)
            {
                // Obsolete line folding, or whitespace between the start line and the first field (RFC 9112 §2.2, §5.2).
                rejection = fields.Count == 0 ? RequestRejectionReason.InvalidHeaderLine : RequestRejectionReason.ObsoleteLineFolding;
                return null;
            }
            if (fields.Count == _limits.MaxHeaderCount) { rejection = RequestRejectionReason.TooManyHeaders; return null; }
            if (!ParseFieldLine(fieldLine, out var field)) { rejection = RequestRejectionReason.InvalidHeaderLine; return null; }
            fields.Add(field);
        }

        return new HttpRequest(method, target, path, query, version, new HttpHeaders(fields.ToArray()), ReadOnlyMemory<byte>.Empty);
    }

    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == CR ? line[..^1] : line;

    private static bool ParseRequestLine(ReadOnlySpan<byte> line, out string method, out string target, out string path,
        out string query, out HttpVersion version, out RequestRejectionReason? rejection)
    {
        method = target = path = query = "";
        version = HttpVersion.Http11;
        rejection = RequestRejectionReason.InvalidRequestLine;

        // RFC 9112 §3: exactly method SP request-target SP HTTP-version.
        var firstSpace = line.IndexOf(SP);
        if (firstSpace <= 0) return false;
        var methodBytes = line[..firstSpace];
        if (!IsToken(methodBytes)) { rejection = RequestRejectionReason.InvalidMethod; return false; }
        var afterMethod = line[(firstSpace + 1)..];
        var secondSpace = afterMethod.IndexOf(SP);
        if (secondSpace <= 0) return false;
        var targetBytes = afterMethod[..secondSpace];
        var versionBytes = afterMethod[(secondSpace + 1)..];
        if (versionBytes.IndexOf(SP) >= 0) return false;

        if (!ParseVersion(versionBytes, out version, out rejection)) return false;

        method = KnownStrings.Method(methodBytes);
        if (!ParseTarget(targetBytes, method, out target, out path, out query)) { rejection = RequestRejectionReason.InvalidRequestTarget; return false; }
        rejection = null;
        return true;
    }

    private static bool ParseVersion(ReadOnlySpan<byte> bytes, out HttpVersion version, out RequestRejectionReason? rejection)
    {
        version = HttpVersion.Http11;
        rejection = null;
        // HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3).
        if (bytes.Length != 8 || !bytes.StartsWith("HTTP/"u8) || !IsDigit(bytes[5]) || bytes[6] != (byte)'.' || !IsDigit(bytes[7]))
        {
            rejection = RequestRejectionReason.MalformedVersion;
            return false;
        }
        if (bytes[5] == (byte)'1' && bytes[7] == (byte)'1') { version = HttpVersion.Http11; return true; }
        if (bytes[5] == (byte)'1' && bytes[7] == (byte)'0') { version = HttpVersion.Http10; return true; }
        rejection = RequestRejectionReason.UnsupportedVersion;
        return false;
    }

    /// <summary>
    /// RFC 9112 §3.2: origin-form (<c>/path?query</c>), absolute-form (<c>http://host/path</c>, which a server
    /// MUST accept), asterisk-form (<c>*</c>, OPTIONS only) and authority-form (CONNECT only).
    /// </summary>
    private static bool ParseTarget(ReadOnlySpan<byte> bytes, string method, out string target, out string path, out string query)
    {
        target = path = query = "";
        foreach (var b in bytes)
            if (!CharClasses.IsTargetChar(b)) return false;

        if (bytes.Length == 1 && bytes[0] == (byte)'*')
        {
            if (method != "OPTIONS") return false;
            target = path = "*";
            return true;
        }

        ReadOnlySpan<byte> pathAndQuery;
        if (bytes[0] == (byte)'/')
        {
            pathAndQuery = bytes;
        }
        else if (method == "CONNECT")
        {
            target = path = Encoding.ASCII.GetString(bytes);
            return true;
        }
        else
        {
            var schemeEnd = bytes.IndexOf("://"u8);
            if (schemeEnd <= 0 || !IsScheme(bytes[..schemeEnd])) return false;
            var authorityAndPath = bytes[(schemeEnd + 3)..];
            var pathStart = authorityAndPath.IndexOfAny((byte)'/', (byte)'?');
            if (pathStart == 0) return false; // empty authority
            // RFC 9110 §4.2.4: userinfo is deprecated in http(s) URIs and its presence is to be treated as an error.
            // The rest of the authority is uri-host [ ":" port ], like a Host value (RFC 9112 §3.2.2).
            var authority = pathStart < 0 ? authorityAndPath : authorityAndPath[..pathStart];
            if (!CharClasses.IsValidHost(Encoding.ASCII.GetString(authority))) return false;
            pathAndQuery = pathStart < 0 ? "/"u8 : authorityAndPath[pathStart..];
        }

        target = bytes.Length == 1 ? "/" : Encoding.ASCII.GetString(bytes);
        var q = pathAndQuery.IndexOf((byte)'?');
        if (q < 0)
        {
            path = bytes[0] == (byte)'/' ? target : Encoding.ASCII.GetString(pathAndQuery);
        }
        else
        {
            path = q == 0 ? "/" : Encoding.ASCII.GetString(pathAndQuery[..q]);
            query = Encoding.ASCII.GetString(pathAndQuery[(q + 1)..]);
        }
        return true;
    }

    private static bool IsScheme(ReadOnlySpan<byte> scheme) =>
        scheme.SequenceEqual("http"u8) || scheme.SequenceEqual("https"u8) ||
        Ascii.EqualsIgnoreCase(scheme, "http"u8) || Ascii.EqualsIgnoreCase(scheme, "https"u8);

    /// <summary>field-line = field-name ":" OWS field-value OWS (RFC 9112 §5); no whitespace before the colon.</summary>
    private static bool ParseFieldLine(ReadOnlySpan<byte> line, out HttpHeader field)
    {
        field = default;
        var colon = line.IndexOf(Colon);
        if (colon <= 0) return false;
        var name = line[..colon];
        if (!IsToken(name)) return false; // also rejects "Name :" (RFC 9112 §5.1 requires 400)
        var value = line[(colon + 1)..];
        while (!value.IsEmpty && value[0] is SP or HTAB) value = value[1..];
        while (!value.IsEmpty && value[^1] is SP or HTAB) value = value[..^1];
        foreach (var b in value)
            if (!CharClasses.IsFieldValueChar(b)) return false; // NUL, bare CR, LF, other CTLs (RFC 9110 §5.5)
        field = new HttpHeader(KnownStrings.HeaderName(name), KnownStrings.HeaderValue(value));
        return true;
    }

    // ---- meaning ----------------------------------------------------------------------------

    private enum Framing { None, ContentLength, Chunked }

    /// <summary>Checks what the syntax allows but the semantics forbid (RFC 9110, RFC 9112 §3.2 and §6).</summary>
    private RequestRejectionReason? ValidateSemantics(HttpRequest request, out Framing framing, out long contentLength)
    {
        framing = Framing.None;
        contentLength = 0;

        if (!KnownStrings.IsKnownMethod(request.Method)) return RequestRejectionReason.MethodNotImplemented;

        // RFC 9112 §3.2: 400 for an HTTP/1.1 request without Host, or with more than one, or an invalid value.
        var hosts = 0;
        string? transferEncoding = null;
        string? contentLengthText = null;
        foreach (var field in request.Headers)
        {
            if (field.Name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                hosts++;
                if (!CharClasses.IsValidHost(field.Value)) return RequestRejectionReason.InvalidHost;
                // RFC 9112 §3.3: for an origin- or asterisk-form target the Host value is the target URI's authority,
                // and an "http" URI with an empty host is invalid (RFC 9110 §4.2.1). An absolute-form target carries
                // its own authority, which is used instead of Host (RFC 9112 §3.2.2).
                if (field.Value.Length == 0 && request.Target[0] is '/' or '*') return RequestRejectionReason.InvalidHost;
            }
            else if (field.Name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                transferEncoding = transferEncoding is null ? field.Value : transferEncoding + "," + field.Value;
            }
            else if (field.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                contentLengthText = contentLengthText is null ? field.Value : contentLengthText + "," + field.Value;
            }
        }
        if (hosts > 1 || (hosts == 0 && request.Version == HttpVersion.Http11)) return RequestRejectionReason.InvalidHost;

        // RFC 9110 §10.1.1: Expect = #expectation; 100-continue is the only one defined, anything else gets 417.
        if (request.Headers.GetCombined("Expect") is { } expect)
        {
            foreach (var range in expect.AsSpan().Split(','))
            {
                var expectation = expect.AsSpan()[range].Trim(" \t");
                if (!expectation.IsEmpty && !expectation.Equals("100-continue", StringComparison.OrdinalIgnoreCase))
                    return RequestRejectionReason.ExpectationFailed;
            }
        }

        if (transferEncoding is not null)
        {
            // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means faulty framing; §6.3 ¶3: with Content-Length it
            // is a smuggling attempt. We reject both rather than guess which length the sender meant.
            if (request.Version == HttpVersion.Http10) return RequestRejectionReason.InvalidTransferEncoding;
            if (contentLengthText is not null) return RequestRejectionReason.ContentLengthWithTransferEncoding;
            // The final coding decides first: unless it is chunked the body's length cannot be determined, which is
            // 400 and close (RFC 9112 §6.3 ¶4). Before it, chunked again is an error (applied once, §6.1) and any
            // other coding is one we do not understand, 501 (§6.1). chunked defines no parameters (§7.1):
            // "chunked;x=y" is not chunked, and reading it as chunked could disagree with a proxy that does not.
            string? finalCoding = null;
            var chunkedBefore = false;
            var otherBefore = false;
            foreach (var part in transferEncoding.Split(','))
            {
                var coding = part.Trim(' ', '\t');
                if (coding.Length == 0) continue; // empty list elements are ignored (RFC 9110 §5.6.1)
                if (finalCoding is not null)
                {
                    if (IsChunked(finalCoding)) chunkedBefore = true;
                    else otherBefore = true;
                }
                finalCoding = coding;
            }
            if (finalCoding is null || !IsChunked(finalCoding) || chunkedBefore) return RequestRejectionReason.InvalidTransferEncoding;
            if (otherBefore) return RequestRejectionReason.UnsupportedTransferCoding;
            framing = Framing.Chunked;
            return null;
        }

        if (contentLengthText is not null)
        {
            // RFC 9110 §8.6: 1*DIGIT; a list of identical values may be treated as one, different ones are an error.
            long? length = null;
            foreach (var part in contentLengthText.Split(','))
            {
                var text = part.Trim(' ', '\t');
                if (!TryParseDecimal(text, out var value)) return RequestRejectionReason.InvalidContentLength;
                if (length is not null && length != value) return RequestRejectionReason.InvalidContentLength;
                length = value;
            }
            // A head-first caller may stream the body, so there the limit is checked when it chooses to buffer.
            if (!_headFirst && length > _maxBufferedBody) return RequestRejectionReason.BodyTooLarge;
            framing = Framing.ContentLength;
            contentLength = length!.Value;
        }
        return null;
    }

    private static bool IsChunked(string coding) => coding.Equals("chunked", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// 1*DIGIT and nothing else: no sign, no hex, no inner whitespace. Leading zeros are allowed. A value past
    /// long.MaxValue is no length anyone can send, so it is not a valid value (400, RFC 9112 §6.3 ¶5) rather than
    /// a large one; RFC 9110 §8.6 asks recipients to guard against exactly this overflow.
    /// </summary>
    private static bool TryParseDecimal(string text, out long value)
    {
        value = 0;
        if (text.Length == 0) return false;
        foreach (var c in text)
        {
            if (c is < '0' or > '9') return false;
            var digit = c - '0';
            if (value > (long.MaxValue - digit) / 10) return false;
            value = value * 10 + digit;
        }
        return true;
    }

    // ---- body -------------------------------------------------------------------------------

    /// <summary>
    /// The streaming counterpart of <see cref="ParseBody"/>: the next piece of body data as a part, framing
    /// (chunk sizes, CRLFs, trailers) parsed exactly as there, and <see cref="Finish"/> once the body ended.
    /// </summary>
    private ParseResult StreamBodyPart(ReadOnlySpan<byte> input, int consumed)
    {
        while (true)
        {
            switch (_state)
            {
                case State.FixedBody when _remaining == 0:
                    return Finish(consumed); // the last part went out in the previous call
                case State.FixedBody:
                case State.ChunkData:
                {
                    var take = (int)Math.Min(_remaining, input.Length - consumed);
                    if (take == 0) return ParseResult.NeedMore(consumed);
                    AwaitsContinue = false;
                    consumed += take;
                    _remaining -= take;
                    if (_remaining == 0 && _state == State.ChunkData) _state = State.ChunkDataEnd;
                    return ParseResult.Part(consumed, take);
                }
                default:
                {
                    // Framing between data: ParseBody stops at chunk data (it sees _streaming) or at the end.
                    var result = ParseBody(input, consumed);
                    if (result.Outcome != ParseOutcome.NeedMore || _state != State.ChunkData) return result;
                    consumed = result.Consumed;
                    break;
                }
            }
        }
    }

    private ParseResult ParseBody(ReadOnlySpan<byte> input, int consumed)
    {
        while (true)
        {
            var rest = input[consumed..];
            switch (_state)
            {
                case State.FixedBody:
                {
                    var take = (int)Math.Min(_remaining, rest.Length);
                    Append(rest[..take]);
                    consumed += take;
                    _remaining -= take;
                    if (_remaining > 0) return ParseResult.NeedMore(consumed);
                    return Finish(consumed);
                }
                case State.ChunkSize:
                {
                    // chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF (RFC 9112 §7.1). The leniency of §2.2
                    // (a bare LF ends a line) covers the start line and field lines only; accepting it in chunk
                    // framing lets a proxy that is strict there and this server disagree on where a body ends.
                    var lf = FindLineEnd(rest);
                    if (lf < 0)
                    {
                        if (rest.Length > _limits.MaxRequestLineBytes) return ParseResult.Reject(RequestRejectionReason.InvalidChunk);
                        return ParseResult.NeedMore(consumed);
                    }
                    if (lf > _limits.MaxRequestLineBytes) return ParseResult.Reject(RequestRejectionReason.InvalidChunk);
                    if (lf == 0 || rest[lf - 1] != CR) return ParseResult.Reject(RequestRejectionReason.InvalidChunk);
                    if (!ParseChunkSizeLine(rest[..(lf - 1)], out var size)) return ParseResult.Reject(RequestRejectionReason.InvalidChunk);
                    consumed += lf + 1;
                    if (size == 0) { _state = State.Trailers; break; }
                    // The body is cut at the size line of the chunk that would take it past the limit, before any of
                    // its data is taken. A subtraction, because _bodyLength + size wraps negative for a size near
                    // long.MaxValue; _bodyLength never exceeds the limit, so this side cannot overflow.
                    if (!_streaming && size > _maxBufferedBody - _bodyLength) return ParseResult.Reject(RequestRejectionReason.BodyTooLarge);
                    _remaining = size;
                    _state = State.ChunkData;
                    if (_streaming) return ParseResult.NeedMore(consumed); // the data is StreamBodyPart's
                    break;
                }
                case State.ChunkData:
                {
                    var take = (int)Math.Min(_remaining, rest.Length);
                    Append(rest[..take]);
                    consumed += take;
                    _remaining -= take;
                    if (_remaining > 0) return ParseResult.NeedMore(consumed);
                    _state = State.ChunkDataEnd;
                    break;
                }
                case State.ChunkDataEnd:
                {
                    // The CRLF after chunk-data: strictly CRLF, as for the chunk-size line.
                    if (rest.IsEmpty) return ParseResult.NeedMore(consumed);
                    if (rest[0] != CR) return ParseResult.Reject(RequestRejectionReason.InvalidChunk);
                    if (rest.Length < 2) return ParseResult.NeedMore(consumed);
                    if (rest[1] != LF) return ParseResult.Reject(RequestRejectionReason.InvalidChunk);
                    consumed += 2;
                    _state = State.ChunkSize;
                    break;
                }
                case State.Trailers:
                {
                    // trailer-section = *( field-line CRLF ) CRLF; trailers are validated and dropped (RFC 9112 §7.1.2).
                    var lf = FindLineEnd(rest);
                    if (lf < 0)
                    {
                        if (rest.Length > _limits.MaxHeaderBytes - _trailerBytes) return ParseResult.Reject(RequestRejectionReason.HeadersTooLarge);
                        return ParseResult.NeedMore(consumed);
                    }
                    if (lf + 1 > _limits.MaxHeaderBytes - _trailerBytes) return ParseResult.Reject(RequestRejectionReason.HeadersTooLarge);
                    _trailerBytes += lf + 1;
                    var line = TrimCr(rest[..lf]);
                    consumed += lf + 1;
                    if (line.IsEmpty) return Finish(consumed);
                    if (line[0] is SP or HTAB) return ParseResult.Reject(RequestRejectionReason.ObsoleteLineFolding);
                    if (!ParseFieldLine(line, out _)) return ParseResult.Reject(RequestRejectionReason.InvalidHeaderLine);
                    break;
                }
                default:
                    throw new InvalidOperationException("Body parsing in head state.");
            }
        }
    }

    /// <summary>
    /// Index of the LF ending the body line (chunk size or trailer) at the start of <paramref name="rest"/>, or -1.
    /// A line that arrives slowly is searched only where new bytes came in; once found, the line is consumed.
    /// </summary>
    private int FindLineEnd(ReadOnlySpan<byte> rest)
    {
        var from = Math.Min(_lineScanned, rest.Length);
        var lf = rest[from..].IndexOf(LF);
        if (lf < 0)
        {
            _lineScanned = rest.Length;
            return -1;
        }
        _lineScanned = 0;
        return from + lf;
    }

    /// <summary>chunk-size [ chunk-ext ], without its CRLF; chunk-size = 1*HEXDIG (RFC 9112 §7.1).</summary>
    private static bool ParseChunkSizeLine(ReadOnlySpan<byte> line, out long size)
    {
        size = 0;
        var i = 0;
        for (; i < line.Length; i++)
        {
            var digit = HexValue(line[i]);
            if (digit < 0) break;
            if (size > (long.MaxValue >> 4)) return false; // overflow: not a size anyone can mean
            size = size * 16 + digit;
        }
        if (i == 0) return false;
        return IsChunkExtensionList(line[i..]);
    }

    /// <summary>
    /// chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ), chunk-ext-name = token,
    /// chunk-ext-val = token / quoted-string (RFC 9112 §7.1.1, RFC 9110 §5.6.4). Extensions are checked and
    /// ignored. Whitespace is allowed only where BWS stands, around ";" and "=": "5 " or "5;a " before the CRLF is
    /// refused, as a recipient that reads it differently would disagree with us on where the body ends.
    /// </summary>
    private static bool IsChunkExtensionList(ReadOnlySpan<byte> ext)
    {
        var i = 0;
        while (true)
        {
            if (i == ext.Length) return true;
            i = SkipWhitespace(ext, i);
            if (i == ext.Length || ext[i] != (byte)';') return false;
            i = SkipWhitespace(ext, i + 1);
            var nameStart = i;
            while (i < ext.Length && CharClasses.IsTokenChar(ext[i])) i++;
            if (i == nameStart) return false;
            var afterName = SkipWhitespace(ext, i);
            if (afterName == ext.Length || ext[afterName] != (byte)'=') continue; // whitespace after the name must lead to ";"
            i = SkipWhitespace(ext, afterName + 1);
            if (i < ext.Length && ext[i] == (byte)'"')
            {
                for (i++; ; i++)
                {
                    if (i == ext.Length) return false; // unterminated
                    var b = ext[i];
                    if (b == (byte)'"') { i++; break; }
                    if (b == (byte)'\\')
                    {
                        // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
                        if (++i == ext.Length || !CharClasses.IsFieldValueChar(ext[i])) return false;
                        continue;
                    }
                    // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
                    if (!CharClasses.IsFieldValueChar(b)) return false;
                }
            }
            else
            {
                var valueStart = i;
                while (i < ext.Length && CharClasses.IsTokenChar(ext[i])) i++;
                if (i == valueStart) return false;
            }
        }
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> bytes, int i)
    {
        while (i < bytes.Length && bytes[i] is SP or HTAB) i++;
        return i;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        AwaitsContinue = false;
        if (bytes.Length > _body.Length - _bodyLength)
        {
            // Grow by doubling, but never past the body limit, nor past what Content-Length announced: a liar cannot
            // make us reserve more. The callers checked that the body fits the limit, so needed fits an array.
            var needed = _bodyLength + bytes.Length;
            var ceiling = _state == State.FixedBody ? _bodyLength + _remaining : _maxBufferedBody;
            var wanted = Math.Min(Math.Max(needed, Math.Max(1024L, 2L * _body.Length)), ceiling);
            Array.Resize(ref _body, (int)wanted);
        }
        bytes.CopyTo(_body.AsSpan(_bodyLength));
        _bodyLength += bytes.Length;
    }

    private ParseResult Finish(int consumed)
    {
        var request = _head! with { Body = new ReadOnlyMemory<byte>(_body, 0, _bodyLength) };
        _head = null;
        _body = Array.Empty<byte>();
        _bodyLength = 0;
        _state = State.Head;
        _streaming = false;
        AwaitsContinue = false;
        return ParseResult.Complete(consumed, request);
    }

    // ---- character classes ------------------------------------------------------------------

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static bool IsToken(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return false;
        foreach (var b in bytes)
            if (!CharClasses.IsTokenChar(b)) return false;
        return true;
    }
}
