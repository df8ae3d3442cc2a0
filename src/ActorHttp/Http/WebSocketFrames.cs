using System.Buffers.Binary;
using System.Text;

namespace ActorHttp.Http;

/// <summary>The frame opcodes of RFC 6455 §5.2; every other value is reserved and refused.</summary>
public enum WebSocketOpcode : byte
{
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
}

/// <summary>The close status codes this server sends or reports (RFC 6455 §7.4.1).</summary>
public static class WebSocketCloseCodes
{
    public const ushort NormalClosure = 1000;
    public const ushort GoingAway = 1001;
    public const ushort ProtocolError = 1002;
    public const ushort InvalidPayload = 1007;
    public const ushort PolicyViolation = 1008;
    public const ushort MessageTooBig = 1009;
    public const ushort InternalError = 1011;

    /// <summary>Reported when a close frame had no code; never sent (§7.4.1).</summary>
    public const ushort NoStatus = 1005;

    /// <summary>Reported when the connection ended without a close frame; never sent (§7.4.1).</summary>
    public const ushort Abnormal = 1006;

    /// <summary>
    /// A code an endpoint may put in a close frame: the defined ones that are not reserved for reporting (1004, 1005,
    /// 1006, 1015), and the ranges for libraries (3000-3999) and applications (4000-4999), §7.4.1 and §7.4.2.
    /// </summary>
    public static bool MaySend(int code) => code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);
}

/// <summary>One frame as read: the payload unmasked.</summary>
public readonly record struct WebSocketFrame(bool Fin, WebSocketOpcode Opcode, byte[] Payload);

/// <summary>What <see cref="WebSocketFrames.Decode"/> found at the start of its input.</summary>
public enum FrameOutcome
{
    /// <summary>The frame is not whole yet: nothing consumed.</summary>
    NeedMore,
    /// <summary>A whole frame, <c>Consumed</c> bytes long.</summary>
    Frame,
    /// <summary>The frame breaks the protocol or a limit; <c>CloseCode</c> says which (the connection fails, §7.1.7).</summary>
    Rejected,
}

public readonly record struct FrameDecode(FrameOutcome Outcome, int Consumed = 0, WebSocketFrame Frame = default, ushort CloseCode = 0);

/// <summary>
/// The WebSocket frame format (RFC 6455 §5.2): one frame decoded from the front of the bytes received, and frames
/// encoded for sending. Pure: no state, no I/O, no Akka. A frame is refused from its header alone, before its payload
/// arrives, when the header breaks a rule or announces more than the limit.
/// </summary>
public static class WebSocketFrames
{
    private const byte FinBit = 0x80;
    private const byte RsvBits = 0x70;
    private const byte OpcodeBits = 0x0F;
    private const byte MaskBit = 0x80;
    private const byte LengthBits = 0x7F;
    private const int Length16 = 126;
    private const int Length64 = 127;

    /// <summary>Largest payload of a control frame (§5.5).</summary>
    public const int MaxControlPayload = 125;

    /// <summary>Longest frame header: 2 bytes, a 64-bit length and a masking key.</summary>
    public const int MaxHeaderLength = 14;

    /// <summary>
    /// Decodes the frame at the start of <paramref name="input"/>. <paramref name="maxPayload"/> bounds a data frame's
    /// payload (1009 over it); a control frame is bounded by §5.5 instead. <paramref name="fromClient"/> demands the
    /// mask a client must set on every frame (§5.1: the server fails the connection on an unmasked one).
    /// </summary>
    public static FrameDecode Decode(ReadOnlySpan<byte> input, long maxPayload, bool fromClient = true)
    {
        if (input.Length < 2) return new FrameDecode(FrameOutcome.NeedMore);
        var first = input[0];
        var second = input[1];
        var opcode = (WebSocketOpcode)(first & OpcodeBits);
        var fin = (first & FinBit) != 0;
        var masked = (second & MaskBit) != 0;
        // §5.2: RSV bits are for extensions, and none is negotiated; opcodes 3-7 and B-F are reserved.
        if ((first & RsvBits) != 0 || !Enum.IsDefined(opcode)) return Refuse(WebSocketCloseCodes.ProtocolError);
        // §5.1: a client masks every frame; a server masks none.
        if (masked != fromClient) return Refuse(WebSocketCloseCodes.ProtocolError);
        var isControl = (byte)opcode >= 0x8;
        var length7 = second & LengthBits;
        // §5.5: control frames are never fragmented and carry at most 125 bytes (so a 7-bit length).
        if (isControl && (!fin || length7 > MaxControlPayload)) return Refuse(WebSocketCloseCodes.ProtocolError);

        var headerLength = 2 + (length7 == Length16 ? 2 : length7 == Length64 ? 8 : 0) + (masked ? 4 : 0);
        if (input.Length < headerLength) return new FrameDecode(FrameOutcome.NeedMore);
        ulong length = length7 switch
        {
            Length16 => BinaryPrimitives.ReadUInt16BigEndian(input[2..]),
            Length64 => BinaryPrimitives.ReadUInt64BigEndian(input[2..]),
            _ => (ulong)length7,
        };
        // §5.2: the most significant bit of a 64-bit length must be 0.
        if (length > long.MaxValue) return Refuse(WebSocketCloseCodes.ProtocolError);
        // Compared as unsigned 64-bit numbers before any arithmetic, so no announced length can overflow what follows.
        if (!isControl && length > (ulong)Math.Max(0, maxPayload)) return Refuse(WebSocketCloseCodes.MessageTooBig);
        if (length > (ulong)(int.MaxValue - headerLength)) return Refuse(WebSocketCloseCodes.MessageTooBig);
        var total = headerLength + (int)length;
        if (input.Length < total) return new FrameDecode(FrameOutcome.NeedMore);

        var payload = input.Slice(headerLength, (int)length).ToArray();
        if (masked) Unmask(payload, input.Slice(headerLength - 4, 4));
        return new FrameDecode(FrameOutcome.Frame, total, new WebSocketFrame(fin, opcode, payload));
    }

    private static FrameDecode Refuse(ushort code) => new(FrameOutcome.Rejected, CloseCode: code);

    /// <summary>§5.3: octet i of the payload is XORed with octet i mod 4 of the masking key (masking and unmasking alike).</summary>
    public static void Unmask(Span<byte> payload, ReadOnlySpan<byte> key)
    {
        for (var i = 0; i < payload.Length; i++) payload[i] ^= key[i & 3];
    }

    /// <summary>
    /// One frame: the shortest length encoding (§5.2), masked with <paramref name="mask"/> when given (a client's
    /// frame, for tests and clients; a server sends its frames unmasked).
    /// </summary>
    public static byte[] Encode(WebSocketOpcode opcode, ReadOnlySpan<byte> payload, bool fin = true, ReadOnlySpan<byte> mask = default)
    {
        var masked = mask.Length == 4;
        var lengthBytes = payload.Length <= MaxControlPayload ? 0 : payload.Length <= ushort.MaxValue ? 2 : 8;
        var headerLength = 2 + lengthBytes + (masked ? 4 : 0);
        var frame = new byte[headerLength + payload.Length];
        frame[0] = (byte)((fin ? FinBit : 0) | (byte)opcode);
        var maskBit = masked ? MaskBit : (byte)0;
        switch (lengthBytes)
        {
            case 0: frame[1] = (byte)(maskBit | payload.Length); break;
            case 2: frame[1] = (byte)(maskBit | Length16); BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length); break;
            default: frame[1] = (byte)(maskBit | Length64); BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)payload.Length); break;
        }
        payload.CopyTo(frame.AsSpan(headerLength));
        if (masked)
        {
            mask.CopyTo(frame.AsSpan(headerLength - 4));
            Unmask(frame.AsSpan(headerLength), mask);
        }
        return frame;
    }

    /// <summary>
    /// A close frame (§5.5.1): the code and a UTF-8 reason, cut at a character boundary to fit the 125-byte control
    /// payload. <see cref="WebSocketCloseCodes.NoStatus"/> gives an empty close frame, the answer to one.
    /// </summary>
    public static byte[] EncodeClose(ushort code, string reason = "", ReadOnlySpan<byte> mask = default)
    {
        if (code == WebSocketCloseCodes.NoStatus) return Encode(WebSocketOpcode.Close, ReadOnlySpan<byte>.Empty, mask: mask);
        Span<byte> payload = stackalloc byte[MaxControlPayload];
        BinaryPrimitives.WriteUInt16BigEndian(payload, code);
        var reasonLength = 0;
        foreach (var rune in reason.EnumerateRunes())
        {
            if (reasonLength + rune.Utf8SequenceLength > MaxControlPayload - 2) break;
            reasonLength += rune.EncodeToUtf8(payload[(2 + reasonLength)..]);
        }
        return Encode(WebSocketOpcode.Close, payload[..(2 + reasonLength)], mask: mask);
    }

    /// <summary>A text frame's payload: the string as UTF-8 (§5.6).</summary>
    public static byte[] EncodeText(string text) => Encode(WebSocketOpcode.Text, Encoding.UTF8.GetBytes(text));
}
