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
/// The work is split as Kestrel splits it: <see cref="RequestHeadReader"/> and <see cref="RequestHeadSyntax"/> read
/// the head, <see cref="RequestSemantics"/> checks its meaning and chooses the body's framing, and one
/// <see cref="BodyDecoder"/> per framing (<see cref="ContentLengthBody"/>, <see cref="ChunkedBody"/>) reads the body.
/// This class runs them in turn and does the one thing the two body modes differ in: where the data goes.
/// </para>
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
    /// <summary>Where the current body's data goes.</summary>
    private enum BodyMode
    {
        /// <summary>A head-first parser reported the head; the caller has not chosen yet.</summary>
        Pending,
        /// <summary>Collected into one array, up to the body limit, and delivered with the request.</summary>
        Buffer,
        /// <summary>Handed out in parts as it arrives, with no size limit.</summary>
        Stream,
    }

    private readonly HttpLimits _limits;
    private readonly long _maxBufferedBody; // the body limit, and no more than one array can hold
    private readonly bool _headFirst;
    private readonly RequestHeadReader _headReader;
    private ContentLengthBody? _contentLengthBody; // made on first use and reused, like _chunkedBody
    private ChunkedBody? _chunkedBody;
    private BodyDecoder? _decoder;     // the current body's decoder; null while reading a head
    private BodyMode _bodyMode;
    private HttpRequest? _head;        // the request whose body is being read
    private byte[] _body = Array.Empty<byte>();
    private int _bodyLength;           // bytes of _body filled, never more than _maxBufferedBody
    private long _bodyCeiling;         // what _body may grow to: the Content-Length, or the body limit for chunks
    private bool _bodyLengthKnown;     // the ceiling is the Content-Length, the body's exact size

    public HttpRequestParser(HttpLimits limits) : this(limits, headFirst: false) { }

    /// <param name="limits">The limits; the body limit applies to buffered bodies only.</param>
    /// <param name="headFirst">Report heads with a body as <see cref="ParseOutcome.Head"/> so the caller can choose to stream the body.</param>
    public HttpRequestParser(HttpLimits limits, bool headFirst)
    {
        _limits = limits;
        // A buffered body is one array; the settings refuse a larger limit, a hand-made HttpLimits is held to it here.
        _maxBufferedBody = Math.Min(limits.MaxBodyBytes, Array.MaxLength);
        _headFirst = headFirst;
        _headReader = new RequestHeadReader(limits);
    }

    /// <summary>
    /// After <see cref="ParseOutcome.Head"/>: collect the body in memory, up to the body limit. Returns the
    /// rejection if the announced Content-Length is already over it (413 before any body byte is read).
    /// </summary>
    public RequestRejectionReason? BufferBody()
    {
        ChooseBodyMode(BodyMode.Buffer);
        return _decoder is ContentLengthBody && _bodyCeiling > _maxBufferedBody ? RequestRejectionReason.BodyTooLarge : null;
    }

    /// <summary>After <see cref="ParseOutcome.Head"/>: hand the body out in parts as it arrives, whatever its size.</summary>
    public void StreamBody() => ChooseBodyMode(BodyMode.Stream);

    private void ChooseBodyMode(BodyMode mode)
    {
        if (_decoder is null || _bodyMode != BodyMode.Pending) throw new InvalidOperationException("No request head is waiting for a body mode.");
        _bodyMode = mode;
    }

    /// <summary>
    /// True while the head of a request with <c>Expect: 100-continue</c> is parsed and none of its body has
    /// arrived: the caller should send <c>100 Continue</c> (RFC 9110 §10.1.1).
    /// </summary>
    public bool AwaitsContinue { get; private set; }

    /// <summary>True between a parsed head and the end of its body.</summary>
    public bool IsReadingBody => _decoder is not null;

    /// <summary>Parses as far as the input allows. See <see cref="ParseResult"/> for the contract.</summary>
    public ParseResult Parse(ReadOnlySpan<byte> input)
    {
        var consumed = 0;
        if (_decoder is null)
        {
            var head = _headReader.Read(input, out consumed, out var rejection);
            if (rejection is { } reason) return ParseResult.Reject(reason);
            if (head is null) return ParseResult.NeedMore(consumed);
            if (RequestSemantics.Check(head, out var framing) is { } meaning) return ParseResult.Reject(meaning);
            if (!framing.HasBody) return ParseResult.Complete(consumed, head);
            // A head-first caller may stream the body, so there the limit is checked when it chooses to buffer.
            if (!_headFirst && framing.ContentLength > _maxBufferedBody) return ParseResult.Reject(RequestRejectionReason.BodyTooLarge);
            StartBody(head, framing);
            if (_headFirst) return ParseResult.Head(consumed, head);
        }
        return _bodyMode switch
        {
            BodyMode.Buffer => CollectBody(input, consumed),
            BodyMode.Stream => NextBodyPart(input, consumed),
            _ => throw new InvalidOperationException("Call BufferBody or StreamBody after a Head outcome."),
        };
    }

    private void StartBody(HttpRequest head, RequestBodyFraming framing)
    {
        if (framing.IsChunked)
        {
            var chunked = _chunkedBody ??= new ChunkedBody(_limits);
            chunked.Start();
            _decoder = chunked;
            _bodyCeiling = _maxBufferedBody;
            _bodyLengthKnown = false;
        }
        else
        {
            var fixedLength = _contentLengthBody ??= new ContentLengthBody();
            fixedLength.Start(framing.ContentLength);
            _decoder = fixedLength;
            // Never reserve more than the Content-Length announced: a liar cannot make us reserve more.
            _bodyCeiling = framing.ContentLength;
            _bodyLengthKnown = true;
        }
        _bodyMode = _headFirst ? BodyMode.Pending : BodyMode.Buffer;
        _head = head;
        _body = Array.Empty<byte>();
        _bodyLength = 0;
        AwaitsContinue = RequestSemantics.ExpectsContinue(head);
    }

    /// <summary>Buffer mode: decodes all the input can give and appends the data, until the body ends.</summary>
    private ParseResult CollectBody(ReadOnlySpan<byte> input, int consumed)
    {
        while (true)
        {
            // _bodyLength never exceeds the limit, so the room cannot be negative, and a chunk size near long.MaxValue
            // is compared with it rather than added to _bodyLength, which could wrap.
            var step = _decoder!.Decode(input[consumed..], _maxBufferedBody - _bodyLength);
            if (step.Step == BodyStep.Rejected) return ParseResult.Reject(step.Rejection);
            consumed += step.Consumed;
            switch (step.Step)
            {
                case BodyStep.Data:
                    Append(input.Slice(consumed - step.DataLength, step.DataLength));
                    break;
                case BodyStep.NeedMore:
                    return ParseResult.NeedMore(consumed);
                default:
                    return Finish(consumed);
            }
        }
    }

    /// <summary>Stream mode: the next piece of data as a part, or the body's end once the last part went out.</summary>
    private ParseResult NextBodyPart(ReadOnlySpan<byte> input, int consumed)
    {
        var step = _decoder!.Decode(input[consumed..], long.MaxValue);
        consumed += step.Consumed;
        switch (step.Step)
        {
            case BodyStep.Data:
                AwaitsContinue = false;
                return ParseResult.Part(consumed, step.DataLength);
            case BodyStep.NeedMore:
                return ParseResult.NeedMore(consumed);
            case BodyStep.End:
                return Finish(consumed);
            default:
                return ParseResult.Reject(step.Rejection);
        }
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        AwaitsContinue = false;
        if (bytes.Length > _body.Length - _bodyLength)
        {
            // Grow by doubling, but never past the ceiling. The decoders keep the body within it, so needed fits an array.
            // A body of known length goes straight to it once an eighth has arrived: the arrays outgrown on the way
            // then add up to a quarter of the body instead of its whole size, and a client announcing more than it
            // sends still makes the server reserve at most eight times what it sent.
            var needed = _bodyLength + bytes.Length;
            var doubled = Math.Max(needed, Math.Max(1024L, 2L * _body.Length));
            var wanted = Math.Min(_bodyLengthKnown && needed >= _bodyCeiling / 8 ? _bodyCeiling : doubled, _bodyCeiling);
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
        _decoder = null;
        AwaitsContinue = false;
        return ParseResult.Complete(consumed, request);
    }
}
