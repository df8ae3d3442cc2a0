using Akka.IO;
using ActorHttp.Configuration;
using ActorHttp.Http;

namespace ActorHttp.Actors;

/// <summary>What one step of <see cref="RequestReader.Next"/> found.</summary>
internal enum ReadKind
{
    /// <summary>Nothing more can be read now: more bytes are needed, or no new request may start.</summary>
    Nothing,
    /// <summary>A whole request, body included.</summary>
    Request,
    /// <summary>The head of a request whose body follows: the caller chooses to buffer or stream the body.</summary>
    Head,
    /// <summary>The bytes are not an acceptable request; nothing more is read.</summary>
    Rejected,
}

internal readonly record struct ReadStep(ReadKind Kind, HttpRequest? Request = null, RequestRejectionReason Rejection = default);

/// <summary>What <see cref="RequestReader.ReadStreamedBody"/> found of a body that streams to its handler.</summary>
internal enum BodyRead { More, Ended, Rejected }

/// <summary>
/// Turns the bytes a connection receives into requests: the unparsed input, the parser, the pipelining limits
/// (how many requests and how many request-body bytes may be in flight before no new request is read) and
/// the 100-continue decision. No actors and no I/O: the connection actor feeds it bytes and acts on each step.
/// </summary>
internal sealed class RequestReader
{
    private readonly InputBuffer _input = new();
    private readonly HttpRequestParser _parser;
    private readonly int _maxInFlight;
    private readonly long _maxBodyBytesInFlight;
    private int _inFlight;          // requests read and not yet answered
    private long _bodyBytesInFlight; // their request-body bytes, held until they are answered
    private bool _continueSent;

    public RequestReader(ServerSettings settings, bool headFirst)
    {
        _parser = new HttpRequestParser(settings.Limits, headFirst);
        _maxInFlight = settings.MaxPipelinedRequests;
        _maxBodyBytesInFlight = settings.MaxPipelinedBodyBytes;
    }

    /// <summary>Nothing received is left unparsed.</summary>
    public bool IsEmpty => _input.IsEmpty;

    /// <summary>Between a request's head and the end of its body.</summary>
    public bool IsReadingBody => _parser.IsReadingBody;

    /// <summary>Some request head has been read on this connection (its first request is no longer awaited).</summary>
    public bool HasReadAHead { get; private set; }

    /// <summary>No new request is read any more (a rejection, or a shutdown drain); a body being read is read to its end.</summary>
    public bool Stopped { get; private set; }

    /// <summary>A client that sent <c>Expect: 100-continue</c> waits for the server before sending its body.</summary>
    public bool AwaitsContinue => _parser.AwaitsContinue && !_continueSent;

    /// <summary>
    /// A new request may be read: not while enough requests are in flight, nor while those in flight hold more
    /// request-body bytes than the budget. So what one connection buffers is at most one body being read plus
    /// that budget, however deep the client pipelines.
    /// </summary>
    public bool MayStartRequest =>
        !Stopped && _inFlight < _maxInFlight && (_inFlight == 0 || _bodyBytesInFlight < _maxBodyBytesInFlight);

    /// <summary>Reading the socket should pause: nothing received could be used now.</summary>
    public bool WantsSuspend => !_parser.IsReadingBody && !MayStartRequest;

    public void Append(ByteString data) => _input.Append(data);

    /// <summary>The next request, head or rejection in the input, if one may be read now.</summary>
    public ReadStep Next()
    {
        if (!_parser.IsReadingBody && (_input.IsEmpty || !MayStartRequest)) return new ReadStep(ReadKind.Nothing);
        var result = _parser.Parse(_input.Span);
        _input.Consume(result.Consumed);
        switch (result.Outcome)
        {
            case ParseOutcome.NeedMore:
                if (_parser.IsReadingBody) HasReadAHead = true;
                _input.Spill();
                return new ReadStep(ReadKind.Nothing);
            case ParseOutcome.Rejected:
                return new ReadStep(ReadKind.Rejected, Rejection: result.Rejection);
            case ParseOutcome.Head:
                HasReadAHead = true;
                return new ReadStep(ReadKind.Head, result.Request);
            default:
                HasReadAHead = true;
                _continueSent = false;
                _inFlight++;
                _bodyBytesInFlight += result.Request!.Body.Length;
                return new ReadStep(ReadKind.Request, result.Request);
        }
    }

    /// <summary>After a <see cref="ReadKind.Head"/>: collect the body; the rejection if it is already too large.</summary>
    public RequestRejectionReason? BufferBody() => _parser.BufferBody();

    /// <summary>After a <see cref="ReadKind.Head"/>: the body streams to a handler; the request is in flight from now.</summary>
    public void StreamBody()
    {
        _parser.StreamBody();
        _inFlight++;
    }

    /// <summary>
    /// Reads what has arrived of a streamed body into <paramref name="data"/> (null if nothing new; the input
    /// buffer is reused, so it is copied). <see cref="BodyRead.Ended"/> once its last byte was read.
    /// </summary>
    public BodyRead ReadStreamedBody(bool keep, out ByteString? data, out RequestRejectionReason rejection)
    {
        data = null;
        rejection = default;
        while (true)
        {
            var input = _input.Span;
            var result = _parser.Parse(input);
            switch (result.Outcome)
            {
                case ParseOutcome.BodyPart:
                    if (keep)
                    {
                        var part = ByteString.FromBytes(result.PartOf(input).ToArray());
                        data = data is null ? part : data.Concat(part);
                    }
                    _input.Consume(result.Consumed);
                    break;
                case ParseOutcome.NeedMore:
                    _input.Consume(result.Consumed);
                    return BodyRead.More;
                case ParseOutcome.Rejected:
                    rejection = result.Rejection;
                    return BodyRead.Rejected;
                default:
                    _input.Consume(result.Consumed);
                    _continueSent = false;
                    return BodyRead.Ended;
            }
        }
    }

    /// <summary>
    /// RFC 9110 §10.1.1: true once, when the client holding its body back for a 100 Continue should get it,
    /// because its request is next in line (<paramref name="nextInLine"/>).
    /// </summary>
    public bool TakeContinue(bool nextInLine)
    {
        if (!AwaitsContinue || !nextInLine) return false;
        _continueSent = true;
        return true;
    }

    /// <summary>A request read earlier was answered: its place and its body bytes are free again.</summary>
    public void Answered(HttpRequest? request)
    {
        if (request is null) return; // a rejection, never counted
        _inFlight--;
        _bodyBytesInFlight -= request.Body.Length;
    }

    /// <summary>
    /// The first line of the request being read, as far as it was read and at most <paramref name="limit"/> bytes
    /// (ISO-8859-1, one char per byte), for the access log of a request the parser refused: nginx logs such a
    /// request's line raw, escaped. Empty lines before it are skipped, as the parser skips them (RFC 9112 §2.2).
    /// Null while a body is read: its request's line went with its head.
    /// </summary>
    public string? RequestLineSoFar(int limit)
    {
        if (_parser.IsReadingBody) return null;
        var input = _input.Span;
        var start = 0;
        while (start < input.Length && input[start] is (byte)'\r' or (byte)'\n') start++;
        var line = input[start..];
        var end = line.IndexOfAny((byte)'\r', (byte)'\n');
        if (end >= 0) line = line[..end];
        return System.Text.Encoding.Latin1.GetString(line[..Math.Min(line.Length, limit)]);
    }

    /// <summary>No new request will be read; <paramref name="discardInput"/> drops what is buffered (after a rejection).</summary>
    public void Stop(bool discardInput)
    {
        Stopped = true;
        if (discardInput) _input.Clear();
    }

    /// <summary>The bytes received and not read as requests, handed over (to a WebSocket after its upgrade) and cleared.</summary>
    public ByteString TakeInput()
    {
        var rest = ByteString.FromBytes(_input.Span.ToArray());
        _input.Clear();
        return rest;
    }

    /// <summary>Keeps what is left of the last frame in the reader's own buffer before more arrives.</summary>
    public void Spill() => _input.Spill();
}
