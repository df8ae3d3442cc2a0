namespace ActorHttp.Http;

/// <summary>
/// A chunked body (RFC 9112 §7.1): chunk-size lines with their extensions, the data of each chunk, the CRLF after
/// it, and the trailer section after the last chunk. Extensions and trailers are checked and dropped. A chunk-size
/// line may be as long as a request line, the trailer section as large as a header section.
/// </summary>
internal sealed class ChunkedBody : BodyDecoder
{
    private const byte CR = (byte)'\r';
    private const byte LF = (byte)'\n';
    private const byte SP = (byte)' ';
    private const byte HTAB = (byte)'\t';

    private enum State { Size, Data, DataEnd, Trailers }

    private readonly HttpLimits _limits;
    private State _state;
    private long _remaining;     // of the current chunk's data
    private int _trailerBytes;
    private int _lineScanned;    // bytes of a pending chunk-size or trailer line already searched for its LF

    public ChunkedBody(HttpLimits limits) => _limits = limits;

    /// <summary>Begins a body: its first chunk-size line comes next.</summary>
    public void Start()
    {
        _state = State.Size;
        _remaining = 0;
        _trailerBytes = 0;
        _lineScanned = 0;
    }

    public override BodyDecodeResult Decode(ReadOnlySpan<byte> input, long room)
    {
        var consumed = 0;
        while (true)
        {
            var rest = input[consumed..];
            switch (_state)
            {
                case State.Size:
                {
                    // chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF (RFC 9112 §7.1). The leniency of §2.2
                    // (a bare LF ends a line) covers the start line and field lines only; accepting it in chunk
                    // framing lets a proxy that is strict there and this server disagree on where a body ends.
                    var lf = FindLineEnd(rest);
                    if (lf < 0)
                    {
                        if (rest.Length > _limits.MaxRequestLineBytes) return BodyDecodeResult.Reject(RequestRejectionReason.InvalidChunk);
                        return BodyDecodeResult.NeedMore(consumed);
                    }
                    if (lf > _limits.MaxRequestLineBytes) return BodyDecodeResult.Reject(RequestRejectionReason.InvalidChunk);
                    if (lf == 0 || rest[lf - 1] != CR) return BodyDecodeResult.Reject(RequestRejectionReason.InvalidChunk);
                    if (!ParseChunkSizeLine(rest[..(lf - 1)], out var size)) return BodyDecodeResult.Reject(RequestRejectionReason.InvalidChunk);
                    consumed += lf + 1;
                    if (size == 0) { _state = State.Trailers; break; }
                    // The body is cut at the size line of the chunk that would take it past the caller's room, before
                    // any of its data is taken.
                    if (size > room) return BodyDecodeResult.Reject(RequestRejectionReason.BodyTooLarge);
                    _remaining = size;
                    _state = State.Data;
                    break;
                }
                case State.Data:
                {
                    var take = (int)Math.Min(_remaining, rest.Length);
                    if (take == 0) return BodyDecodeResult.NeedMore(consumed);
                    _remaining -= take;
                    if (_remaining == 0) _state = State.DataEnd;
                    return BodyDecodeResult.Data(consumed + take, take);
                }
                case State.DataEnd:
                {
                    // The CRLF after chunk-data: strictly CRLF, as for the chunk-size line.
                    if (rest.IsEmpty) return BodyDecodeResult.NeedMore(consumed);
                    if (rest[0] != CR) return BodyDecodeResult.Reject(RequestRejectionReason.InvalidChunk);
                    if (rest.Length < 2) return BodyDecodeResult.NeedMore(consumed);
                    if (rest[1] != LF) return BodyDecodeResult.Reject(RequestRejectionReason.InvalidChunk);
                    consumed += 2;
                    _state = State.Size;
                    break;
                }
                case State.Trailers:
                {
                    // trailer-section = *( field-line CRLF ) CRLF; trailers are validated and dropped (RFC 9112 §7.1.2).
                    var lf = FindLineEnd(rest);
                    if (lf < 0)
                    {
                        if (rest.Length > _limits.MaxHeaderBytes - _trailerBytes) return BodyDecodeResult.Reject(RequestRejectionReason.HeadersTooLarge);
                        return BodyDecodeResult.NeedMore(consumed);
                    }
                    if (lf + 1 > _limits.MaxHeaderBytes - _trailerBytes) return BodyDecodeResult.Reject(RequestRejectionReason.HeadersTooLarge);
                    _trailerBytes += lf + 1;
                    var line = RequestHeadSyntax.TrimCr(rest[..lf]);
                    consumed += lf + 1;
                    if (line.IsEmpty) return BodyDecodeResult.End(consumed);
                    if (RequestHeadSyntax.StartsWithWhitespace(line)) return BodyDecodeResult.Reject(RequestRejectionReason.ObsoleteLineFolding);
                    if (!RequestHeadSyntax.ParseFieldLine(line, out _)) return BodyDecodeResult.Reject(RequestRejectionReason.InvalidHeaderLine);
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Index of the LF ending the line (chunk size or trailer) at the start of <paramref name="rest"/>, or -1.
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

    /// <summary>
    /// chunk-size [ chunk-ext ], without its CRLF; chunk-size = 1*HEXDIG (RFC 9112 §7.1). A size past long.MaxValue is
    /// not one anyone can mean, so it is invalid rather than wrapped.
    /// </summary>
    private static bool ParseChunkSizeLine(ReadOnlySpan<byte> line, out long size)
    {
        size = 0;
        var i = 0;
        for (; i < line.Length; i++)
        {
            var digit = CharClasses.HexValue(line[i]);
            if (digit < 0) break;
            if (size > (long.MaxValue >> 4)) return false;
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
            var nameLength = CharClasses.TokenLength(ext[i..]);
            if (nameLength == 0) return false;
            i += nameLength;
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
                var valueLength = CharClasses.TokenLength(ext[i..]);
                if (valueLength == 0) return false;
                i += valueLength;
            }
        }
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> bytes, int i)
    {
        while (i < bytes.Length && bytes[i] is SP or HTAB) i++;
        return i;
    }
}
