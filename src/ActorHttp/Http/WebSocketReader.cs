using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace ActorHttp.Http;

/// <summary>What one step of <see cref="WebSocketReader.Next"/> found.</summary>
public enum WebSocketReadKind
{
    /// <summary>No whole frame in the input: nothing consumed.</summary>
    NeedMore,
    /// <summary>A frame of a message that is not finished yet: consumed, nothing to deliver.</summary>
    Fragment,
    Text,
    Binary,
    Ping,
    Pong,
    /// <summary>The peer's close frame: its code (1005 when it had none) and reason.</summary>
    Close,
    /// <summary>The peer broke the protocol or a limit: fail the connection with <c>CloseCode</c> (§7.1.7).</summary>
    Failed,
}

/// <summary>
/// One step's result. <c>PayloadLength</c> is a text or binary message's size as it came over the wire, all its fragments'
/// payloads together (RFC 6455 §5.2): the unit of max-message, UTF-8 bytes for text whatever length its string has.
/// </summary>
public readonly record struct WebSocketRead(WebSocketReadKind Kind, int Consumed = 0, byte[]? Payload = null, string? Text = null,
    ushort CloseCode = 0, string CloseReason = "", int PayloadLength = 0);

/// <summary>
/// Turns a client's frames into messages (RFC 6455 §5.4): fragments reassembled up to a limit on the whole message,
/// text checked to be UTF-8 (§8.1), control frames passed through between fragments, close frames checked (§5.5.1,
/// §7.4). Pure: the caller keeps the bytes received and hands their unread front to each call. Once failed it stays
/// failed: nothing after a protocol error is read.
/// </summary>
public sealed class WebSocketReader
{
    private readonly long _maxMessage;
    private ArrayBufferWriter<byte>? _fragments;  // the message being reassembled
    private WebSocketOpcode _fragmentsOpcode;
    private int _fragmentsValidated;              // of a text message: the bytes checked as whole UTF-8 characters
    private ushort _failedWith;

    /// <param name="maxMessage">Largest message, all its fragments together (1009 beyond it).</param>
    public WebSocketReader(long maxMessage) => _maxMessage = maxMessage;

    /// <summary>A fragmented message has begun and not ended.</summary>
    public bool InMessage => _fragments is not null;

    public WebSocketRead Next(ReadOnlySpan<byte> input)
    {
        if (_failedWith != 0) return new WebSocketRead(WebSocketReadKind.Failed, CloseCode: _failedWith);
        var room = _maxMessage - (_fragments?.WrittenCount ?? 0);
        var decoded = WebSocketFrames.Decode(input, room);
        if (decoded.Outcome == FrameOutcome.NeedMore) return new WebSocketRead(WebSocketReadKind.NeedMore);
        if (decoded.Outcome == FrameOutcome.Rejected) return Fail(decoded.CloseCode);
        var frame = decoded.Frame;
        var consumed = decoded.Consumed;
        switch (frame.Opcode)
        {
            case WebSocketOpcode.Ping: return new WebSocketRead(WebSocketReadKind.Ping, consumed, frame.Payload);
            case WebSocketOpcode.Pong: return new WebSocketRead(WebSocketReadKind.Pong, consumed, frame.Payload);
            case WebSocketOpcode.Close: return ReadClose(frame.Payload, consumed);
            case WebSocketOpcode.Continuation:
                // §5.4: a continuation belongs to a message begun by a text or binary frame.
                if (_fragments is null) return Fail(WebSocketCloseCodes.ProtocolError);
                _fragments.Write(frame.Payload);
                if (!frame.Fin) return Fragment(consumed);
                var whole = _fragments.WrittenSpan.ToArray();
                var checkedAlready = _fragmentsValidated;
                _fragments = null;
                return Deliver(_fragmentsOpcode, whole, consumed, checkedAlready);
            default:
                // §5.4: a new message may not start before the fragmented one ends.
                if (_fragments is not null) return Fail(WebSocketCloseCodes.ProtocolError);
                if (frame.Fin) return Deliver(frame.Opcode, frame.Payload, consumed);
                _fragments = new ArrayBufferWriter<byte>(Math.Max(256, frame.Payload.Length * 2));
                _fragmentsOpcode = frame.Opcode;
                _fragmentsValidated = 0;
                _fragments.Write(frame.Payload);
                return Fragment(consumed);
        }
    }

    /// <summary>
    /// A fragment taken into the message. Text is checked as it comes (§8.1 fails the connection "when an endpoint is
    /// to interpret a byte stream as UTF-8 but finds that the byte stream is not, in fact, a valid UTF-8 stream"): a
    /// bad byte in the first fragment fails it at once, not after megabytes more of the same message.
    /// </summary>
    private WebSocketRead Fragment(int consumed)
    {
        if (_fragmentsOpcode == WebSocketOpcode.Text)
        {
            var pending = _fragments!.WrittenSpan[_fragmentsValidated..];
            var whole = WholeCharacters(pending);
            // The characters complete so far must be UTF-8, and the bytes after them the start of one (F4 90 never is).
            if (!Utf8.IsValid(pending[..whole])
                || (whole < pending.Length && Rune.DecodeFromUtf8(pending[whole..], out _, out _) != OperationStatus.NeedMoreData))
                return Fail(WebSocketCloseCodes.InvalidPayload);
            _fragmentsValidated += whole;
        }
        return new WebSocketRead(WebSocketReadKind.Fragment, consumed);
    }

    /// <summary>
    /// The length of <paramref name="bytes"/> without a character cut off at its end: the last lead byte within the
    /// last three bytes, when the sequence it begins (RFC 3629 §3) runs past the end; else the whole length.
    /// </summary>
    private static int WholeCharacters(ReadOnlySpan<byte> bytes)
    {
        for (var back = 1; back <= Math.Min(3, bytes.Length); back++)
        {
            var b = bytes[^back];
            if ((b & 0xC0) == 0x80) continue; // a continuation byte: its lead is further back
            var length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return length > back ? bytes.Length - back : bytes.Length;
        }
        return bytes.Length;
    }

    private WebSocketRead Deliver(WebSocketOpcode opcode, byte[] payload, int consumed, int checkedAlready = 0)
    {
        if (opcode == WebSocketOpcode.Binary) return new WebSocketRead(WebSocketReadKind.Binary, consumed, payload, PayloadLength: payload.Length);
        // §8.1: a text message that is not valid UTF-8 fails the connection with 1007 (§7.4.1). The fragments checked
        // already end at a character boundary, so the rest is checked alone.
        if (!Utf8.IsValid(payload.AsSpan(checkedAlready))) return Fail(WebSocketCloseCodes.InvalidPayload);
        return new WebSocketRead(WebSocketReadKind.Text, consumed, Text: Encoding.UTF8.GetString(payload), PayloadLength: payload.Length);
    }

    /// <summary>§5.5.1: an empty body, or a two-byte code that may be sent, then a UTF-8 reason.</summary>
    private WebSocketRead ReadClose(byte[] payload, int consumed)
    {
        if (payload.Length == 0) return new WebSocketRead(WebSocketReadKind.Close, consumed, CloseCode: WebSocketCloseCodes.NoStatus);
        if (payload.Length == 1) return Fail(WebSocketCloseCodes.ProtocolError);
        var code = BinaryPrimitives.ReadUInt16BigEndian(payload);
        if (!WebSocketCloseCodes.MaySend(code)) return Fail(WebSocketCloseCodes.ProtocolError);
        var reason = payload.AsSpan(2);
        if (!Utf8.IsValid(reason)) return Fail(WebSocketCloseCodes.InvalidPayload);
        return new WebSocketRead(WebSocketReadKind.Close, consumed, CloseCode: code, CloseReason: Encoding.UTF8.GetString(reason));
    }

    private WebSocketRead Fail(ushort code)
    {
        _failedWith = code;
        _fragments = null;
        return new WebSocketRead(WebSocketReadKind.Failed, CloseCode: code);
    }
}
