using System.Buffers.Binary;
using System.Text;
using ActorHttp.Http;

namespace ActorHttp.Tests.Support;

/// <summary>A frame as the server sent it: its flags, opcode and payload (a close frame's code read out).</summary>
public sealed record ServerFrame(bool Fin, int Opcode, byte[] Payload)
{
    public bool IsClose => Opcode == (int)WebSocketOpcode.Close;

    /// <summary>The close frame's status code, or null for an empty close (or another frame).</summary>
    public ushort? CloseCode => IsClose && Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : null;

    public string Text => Encoding.UTF8.GetString(Payload);
}

/// <summary>
/// WebSocket bytes as a hostile or conformance-testing client writes them (the frames Autobahn's suite sends): any
/// opcode, reserved bits, a length in a longer encoding than needed, and an upgrade over a <see cref="RawClient"/>.
/// Black-box: it knows the wire and nothing of the server's classes but the frame format.
/// </summary>
public static class WebSocketWire
{
    /// <summary>The masking key of the client's frames (its value does not matter; §5.3 makes the server unmask).</summary>
    private static readonly byte[] Key = { 0x37, 0xfa, 0x21, 0x3d };

    /// <summary>A valid opening handshake for <paramref name="path"/>, the sample key of §1.3, <paramref name="extraFields"/> before the end.</summary>
    public static string Handshake(string path = "/ws/echo", string extraFields = "", string connection = "Upgrade", string upgrade = "websocket") =>
        $"GET {path} HTTP/1.1\r\nHost: x\r\nUpgrade: {upgrade}\r\nConnection: {connection}\r\n" +
        $"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n{extraFields}\r\n";

    /// <summary>Connects, upgrades, and checks the 101; the socket is then open for frames.</summary>
    public static RawClient OpenSocket(this TestServer server, string path = "/ws/echo", string extraFields = "")
    {
        var client = server.Connect();
        client.Send(Handshake(path, extraFields));
        var head = client.ReadHead();
        if (head.Status != 101) throw new InvalidOperationException($"The upgrade was answered {head.StatusLine}.");
        return client;
    }

    /// <summary>
    /// A masked client frame. <paramref name="rsv"/> sets the reserved bits (1 = RSV1 … 4 = RSV3);
    /// <paramref name="lengthBytes"/> forces the length encoding (0: 7-bit, 2: 16-bit, 8: 64-bit; null: the shortest).
    /// </summary>
    public static byte[] Frame(int opcode, ReadOnlySpan<byte> payload, bool fin = true, int rsv = 0, int? lengthBytes = null)
    {
        var encoding = lengthBytes ?? (payload.Length <= 125 ? 0 : payload.Length <= ushort.MaxValue ? 2 : 8);
        var header = new List<byte> { (byte)((fin ? 0x80 : 0) | (rsv << 4) | opcode) };
        switch (encoding)
        {
            case 0: header.Add((byte)(0x80 | payload.Length)); break;
            case 2: header.Add(0x80 | 126); header.Add((byte)(payload.Length >> 8)); header.Add((byte)payload.Length); break;
            default:
                header.Add(0x80 | 127);
                var length = new byte[8];
                BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
                header.AddRange(length);
                break;
        }
        header.AddRange(Key);
        var masked = payload.ToArray();
        for (var i = 0; i < masked.Length; i++) masked[i] ^= Key[i & 3];
        return header.Concat(masked).ToArray();
    }

    public static byte[] Frame(WebSocketOpcode opcode, ReadOnlySpan<byte> payload, bool fin = true) => Frame((int)opcode, payload, fin);

    public static byte[] Text(string text, bool fin = true) => Frame(WebSocketOpcode.Text, Encoding.UTF8.GetBytes(text), fin);

    /// <summary>A close frame carrying <paramref name="code"/> and <paramref name="reason"/> bytes as they are (valid or not).</summary>
    public static byte[] Close(ushort code, params byte[] reason)
    {
        var payload = new byte[2 + reason.Length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, code);
        reason.CopyTo(payload, 2);
        return Frame(WebSocketOpcode.Close, payload);
    }

    public static byte[] Join(params byte[][] frames) => frames.SelectMany(f => f).ToArray();

    /// <summary>Reads the next whole frame the server sent (unmasked, as a server's are, §5.1).</summary>
    public static ServerFrame ReadFrame(this RawClient client)
    {
        var head = client.ReadBytes(2);
        if ((head[1] & 0x80) != 0) throw new InvalidDataException("The server masked a frame (RFC 6455 §5.1 forbids it).");
        long length = head[1] & 0x7F;
        if (length == 126) length = BinaryPrimitives.ReadUInt16BigEndian(client.ReadBytes(2));
        else if (length == 127) length = checked((long)BinaryPrimitives.ReadUInt64BigEndian(client.ReadBytes(8)));
        return new ServerFrame((head[0] & 0x80) != 0, head[0] & 0x0F, client.ReadBytes(checked((int)length)));
    }

    /// <summary>The server's close frame, skipping the pongs and pings it sent before it; throws on a data frame.</summary>
    public static ServerFrame ReadClose(this RawClient client)
    {
        while (true)
        {
            var frame = client.ReadFrame();
            if (frame.IsClose) return frame;
            if (frame.Opcode < 0x8) throw new InvalidDataException($"A data frame (opcode {frame.Opcode}, \"{frame.Text}\") came before the close.");
        }
    }
}
