using System.Text;
using ActorHttp.Http;

namespace ActorHttp.Tests.Http;

/// <summary>
/// One row of the frame table: a client's bytes in, what the reader delivers out ("text:Hello", "binary:256",
/// "ping:Hello", "pong:", "close:1000:bye"), and the close code the connection fails with, if it does.
/// </summary>
public sealed record FrameCase(string Name, byte[] Wire, string[] Delivered, ushort? FailsWith = null, long MaxMessage = 1024);

/// <summary>
/// The behaviour of <see cref="WebSocketReader"/> (and so of <see cref="WebSocketFrames.Decode"/>) as data, RFC 6455's
/// own examples of §5.7 first. Every row runs whole, byte by byte and split at every offset (WebSocketFrameTests).
/// </summary>
public static class WebSocketFrameTable
{
    /// <summary>The masking key of the RFC's masked examples (§5.7).</summary>
    private static readonly byte[] Key = { 0x37, 0xfa, 0x21, 0x3d };

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    private static byte[] Masked(WebSocketOpcode opcode, byte[] payload, bool fin = true) => WebSocketFrames.Encode(opcode, payload, fin, Key);

    private static byte[] Masked(WebSocketOpcode opcode, string text, bool fin = true) => Masked(opcode, Encoding.UTF8.GetBytes(text), fin);

    private static byte[] Join(params byte[][] frames) => frames.SelectMany(f => f).ToArray();

    /// <summary>A masked frame header with the given first byte and a 64-bit length, no payload.</summary>
    private static byte[] Header64(byte first, ulong length)
    {
        var header = new byte[14];
        header[0] = first;
        header[1] = 0x80 | 127;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(2), length);
        Key.CopyTo(header, 10);
        return header;
    }

    /// <summary>1024 bytes (the rows' max-message) of four-byte characters: 256 of them, 512 UTF-16 chars.</summary>
    private static readonly byte[] FourByteText = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("\U0001D11E", 256)));

    private static FrameCase Ok(string name, byte[] wire, params string[] delivered) => new(name, wire, delivered);

    private static FrameCase Fail(string name, byte[] wire, ushort code, params string[] delivered) => new(name, wire, delivered, code);

    public static readonly IReadOnlyList<FrameCase> Cases = new[]
    {
        // ---- RFC 6455 §5.7, as a client sends them (masked) ---------------------------------------------
        Ok("§5.7 a single-frame masked text message", Hex("81 85 37fa213d 7f9f4d5158"), "text:Hello"),
        Ok("§5.7 a fragmented text message", Join(Masked(WebSocketOpcode.Text, "Hel", fin: false), Masked(WebSocketOpcode.Continuation, "lo")), "text:Hello"),
        Ok("§5.7 a masked pong", Hex("8a 85 37fa213d 7f9f4d5158"), "pong:Hello"),
        Ok("§5.7 a ping", Masked(WebSocketOpcode.Ping, "Hello"), "ping:Hello"),
        Ok("§5.7 256 bytes binary in a single frame (16-bit length)", Masked(WebSocketOpcode.Binary, new byte[256]), "binary:256"),
        new("§5.7 64 KiB binary in a single frame (64-bit length)", Masked(WebSocketOpcode.Binary, new byte[65536]), new[] { "binary:65536" }, MaxMessage: 65536),

        // ---- messages (§5.4, §5.6) -------------------------------------------------------------------
        Ok("an empty text message", Masked(WebSocketOpcode.Text, ""), "text:"),
        Ok("multi-byte UTF-8 split across fragments reassembles", Join(
            Masked(WebSocketOpcode.Text, new byte[] { 0xC3 }, fin: false), Masked(WebSocketOpcode.Continuation, new byte[] { 0xA9 })), "text:\u00e9"),
        Ok("a ping between fragments is delivered at once (§5.4)", Join(
            Masked(WebSocketOpcode.Text, "a", fin: false), Masked(WebSocketOpcode.Ping, "p"), Masked(WebSocketOpcode.Continuation, "b")), "ping:p", "text:ab"),
        Ok("two messages back to back", Join(Masked(WebSocketOpcode.Text, "one"), Masked(WebSocketOpcode.Binary, new byte[3])), "text:one", "binary:3"),
        Ok("a message exactly at max-message", Masked(WebSocketOpcode.Binary, new byte[1024]), "binary:1024"),
        Ok("a close with a code and a reason", Masked(WebSocketOpcode.Close, new byte[] { 0x03, 0xE8, (byte)'b', (byte)'y', (byte)'e' }), "close:1000:bye"),
        Ok("an empty close reports 1005", Masked(WebSocketOpcode.Close, Array.Empty<byte>()), "close:1005:"),
        Ok("an application's close code (4000-4999)", Masked(WebSocketOpcode.Close, new byte[] { 0x0F, 0xA0 }), "close:4000:"),

        // ---- limits: 1009 ----------------------------------------------------------------------------
        Fail("one frame over max-message", Masked(WebSocketOpcode.Binary, new byte[1025]), WebSocketCloseCodes.MessageTooBig),
        Fail("fragments that together pass max-message", Join(
            Masked(WebSocketOpcode.Binary, new byte[600], fin: false), Masked(WebSocketOpcode.Continuation, new byte[600])), WebSocketCloseCodes.MessageTooBig),
        Ok("a text message of exactly max-message UTF-8 bytes, split inside a four-byte character", Join(
            Masked(WebSocketOpcode.Text, FourByteText[..513], fin: false), Masked(WebSocketOpcode.Continuation, FourByteText[513..])),
            "text:" + Encoding.UTF8.GetString(FourByteText)),
        Fail("a text message one UTF-8 byte over max-message, split inside a four-byte character", Join(
            Masked(WebSocketOpcode.Text, FourByteText[..513], fin: false), Masked(WebSocketOpcode.Continuation, FourByteText[513..].Append((byte)'x').ToArray())),
            WebSocketCloseCodes.MessageTooBig),
        Fail("a 64-bit length near 2^63 is refused from the header, without overflow", Header64(0x82, long.MaxValue), WebSocketCloseCodes.MessageTooBig),
        Fail("a 64-bit length of 2^64-1 is refused: its top bit is set (§5.2)", Header64(0x82, ulong.MaxValue), WebSocketCloseCodes.ProtocolError),
        Fail("a continuation announcing 2^63-1 after a fragment is refused without overflow", Join(
            Masked(WebSocketOpcode.Binary, new byte[10], fin: false), Header64(0x80, long.MaxValue)), WebSocketCloseCodes.MessageTooBig),

        // ---- protocol errors: 1002 -------------------------------------------------------------------
        Fail("an unmasked client frame (§5.1)", Hex("81 05 48656c6c6f"), WebSocketCloseCodes.ProtocolError),
        Fail("RSV1 set without an extension (§5.2)", Hex("c1 85 37fa213d 7f9f4d5158"), WebSocketCloseCodes.ProtocolError),
        Fail("RSV3 set", Hex("91 85 37fa213d 7f9f4d5158"), WebSocketCloseCodes.ProtocolError),
        Fail("a reserved data opcode 3", Hex("83 80 37fa213d"), WebSocketCloseCodes.ProtocolError),
        Fail("a reserved control opcode B", Hex("8b 80 37fa213d"), WebSocketCloseCodes.ProtocolError),
        Fail("a fragmented ping (§5.5)", Masked(WebSocketOpcode.Ping, "p", fin: false), WebSocketCloseCodes.ProtocolError),
        Fail("a ping of 126 bytes (§5.5)", Masked(WebSocketOpcode.Ping, new byte[126]), WebSocketCloseCodes.ProtocolError),
        Fail("a continuation with no message begun (§5.4)", Masked(WebSocketOpcode.Continuation, "x"), WebSocketCloseCodes.ProtocolError),
        Fail("a new message before the fragmented one ended (§5.4)", Join(
            Masked(WebSocketOpcode.Text, "a", fin: false), Masked(WebSocketOpcode.Text, "b")), WebSocketCloseCodes.ProtocolError),
        Fail("a close of one byte (§5.5.1)", Masked(WebSocketOpcode.Close, new byte[] { 0x03 }), WebSocketCloseCodes.ProtocolError),
        Fail("a close with the reserved code 1005 (§7.4.1)", Masked(WebSocketOpcode.Close, new byte[] { 0x03, 0xED }), WebSocketCloseCodes.ProtocolError),
        Fail("a close with code 999", Masked(WebSocketOpcode.Close, new byte[] { 0x03, 0xE7 }), WebSocketCloseCodes.ProtocolError),
        Fail("nothing after a protocol error is read", Join(Hex("81 05 48656c6c6f"), Masked(WebSocketOpcode.Text, "late")), WebSocketCloseCodes.ProtocolError),

        // ---- invalid UTF-8: 1007 ---------------------------------------------------------------------
        Fail("a text message that is not UTF-8 (§8.1)", Masked(WebSocketOpcode.Text, new byte[] { 0xC3, 0x28 }), WebSocketCloseCodes.InvalidPayload),
        Fail("a text message ending inside a character", Join(
            Masked(WebSocketOpcode.Text, "ok", fin: false), Masked(WebSocketOpcode.Continuation, new byte[] { 0xE2, 0x82 })), WebSocketCloseCodes.InvalidPayload),
        Fail("an encoded surrogate (CESU) is not UTF-8", Masked(WebSocketOpcode.Text, new byte[] { 0xED, 0xA0, 0x80 }), WebSocketCloseCodes.InvalidPayload),
        Fail("a close reason that is not UTF-8", Masked(WebSocketOpcode.Close, new byte[] { 0x03, 0xE8, 0xFF }), WebSocketCloseCodes.InvalidPayload),
        Fail("invalid UTF-8 in the first fragment fails before the message ends (fail fast)",
            Masked(WebSocketOpcode.Text, new byte[] { 0xCE, 0xBA, 0xFF }, fin: false), WebSocketCloseCodes.InvalidPayload),
        Fail("a character broken across two fragments fails at the second, before the last",
            Join(Masked(WebSocketOpcode.Text, new byte[] { 0xE2, 0x82 }, fin: false), Masked(WebSocketOpcode.Continuation, new byte[] { 0x28 }, fin: false)),
            WebSocketCloseCodes.InvalidPayload),
        Fail("a code point above U+10FFFF fails as soon as its first byte arrives", Masked(WebSocketOpcode.Text, new byte[] { 0xF4, 0x90 }, fin: false),
            WebSocketCloseCodes.InvalidPayload),
        Ok("a four-byte character split over three fragments reassembles", Join(
            Masked(WebSocketOpcode.Text, new byte[] { 0xF0 }, fin: false), Masked(WebSocketOpcode.Continuation, new byte[] { 0x9D, 0x84 }, fin: false),
            Masked(WebSocketOpcode.Continuation, new byte[] { 0x9E })), "text:\U0001D11E"),
        Fail("messages before the bad one are delivered", Join(Masked(WebSocketOpcode.Text, "fine"), Masked(WebSocketOpcode.Text, new byte[] { 0xFF })),
            WebSocketCloseCodes.InvalidPayload, "text:fine"),
    };

    public static FrameCase Find(string name) => Cases.Single(c => c.Name == name);

    public static IEnumerable<object[]> Names => Cases.Select(c => new object[] { c.Name });
}
