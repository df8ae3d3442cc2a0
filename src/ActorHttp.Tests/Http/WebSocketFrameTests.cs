using System.Text;
using ActorHttp.Http;

namespace ActorHttp.Tests.Http;

/// <summary>Runs every row of <see cref="WebSocketFrameTable"/> whole, byte by byte, and split in two at every offset.</summary>
public sealed class WebSocketFrameTests
{
    /// <summary>What the reader delivered and how it ended, as one string to compare; the most bytes it left unread.</summary>
    private sealed record Run(string Describe, int MaxPending);

    /// <summary>Feeds the pieces as a session does: appended to what is left unread, read while whole frames are there.</summary>
    private static Run Drive(FrameCase row, IEnumerable<ArraySegment<byte>> pieces)
    {
        var reader = new WebSocketReader(row.MaxMessage);
        var pending = new List<byte>();
        var delivered = new List<string>();
        ushort? failed = null;
        var maxPending = 0;
        foreach (var piece in pieces)
        {
            pending.AddRange(piece);
            while (failed is null)
            {
                var read = reader.Next(pending.ToArray());
                pending.RemoveRange(0, read.Consumed);
                if (read.Kind == WebSocketReadKind.NeedMore) break;
                switch (read.Kind)
                {
                    case WebSocketReadKind.Text:
                        // A message's size is its payload on the wire (RFC 6455 §5.2), what max-message bounds: UTF-8 bytes.
                        Assert.Equal(Encoding.UTF8.GetByteCount(read.Text!), read.PayloadLength);
                        delivered.Add("text:" + read.Text);
                        break;
                    case WebSocketReadKind.Binary:
                        Assert.Equal(read.Payload!.Length, read.PayloadLength);
                        delivered.Add("binary:" + read.Payload!.Length);
                        break;
                    case WebSocketReadKind.Ping: delivered.Add("ping:" + Encoding.UTF8.GetString(read.Payload!)); break;
                    case WebSocketReadKind.Pong: delivered.Add("pong:" + Encoding.UTF8.GetString(read.Payload!)); break;
                    case WebSocketReadKind.Close: delivered.Add($"close:{read.CloseCode}:{read.CloseReason}"); break;
                    case WebSocketReadKind.Failed: failed = read.CloseCode; break;
                }
            }
            maxPending = Math.Max(maxPending, pending.Count);
            if (failed is not null) break;
        }
        return new Run(string.Join(" | ", delivered) + (failed is { } code ? $" || failed {code}" : ""), maxPending);
    }

    private static string Expected(FrameCase row) =>
        string.Join(" | ", row.Delivered) + (row.FailsWith is { } code ? $" || failed {code}" : "");

    [Theory]
    [MemberData(nameof(WebSocketFrameTable.Names), MemberType = typeof(WebSocketFrameTable))]
    public void Frames_read_in_one_piece_match_the_table(string name)
    {
        var row = WebSocketFrameTable.Find(name);

        Assert.Equal(Expected(row), Drive(row, new[] { new ArraySegment<byte>(row.Wire) }).Describe);
    }

    [Theory]
    [MemberData(nameof(WebSocketFrameTable.Names), MemberType = typeof(WebSocketFrameTable))]
    public void Frames_fed_one_byte_at_a_time_read_the_same(string name)
    {
        var row = WebSocketFrameTable.Find(name);
        var run = Drive(row, Enumerable.Range(0, row.Wire.Length).Select(i => new ArraySegment<byte>(row.Wire, i, 1)));

        Assert.Equal(Expected(row), run.Describe);
        // Nothing is held beyond one frame of the largest size allowed (a frame announcing more is refused from its header).
        Assert.InRange(run.MaxPending, 0, row.MaxMessage + WebSocketFrames.MaxHeaderLength);
    }

    [Theory]
    [MemberData(nameof(WebSocketFrameTable.Names), MemberType = typeof(WebSocketFrameTable))]
    public void Frames_split_in_two_at_any_offset_read_the_same(string name)
    {
        var row = WebSocketFrameTable.Find(name);
        // Every offset of a short wire; for the 64 KiB row every offset of its header and ends, and a stride between.
        var offsets = Enumerable.Range(0, row.Wire.Length + 1)
            .Where(at => row.Wire.Length <= 4096 || at < 64 || at > row.Wire.Length - 64 || at % 509 == 0);
        foreach (var at in offsets)
        {
            var run = Drive(row, new[] { new ArraySegment<byte>(row.Wire, 0, at), new ArraySegment<byte>(row.Wire, at, row.Wire.Length - at) });
            Assert.True(Expected(row) == run.Describe, $"Split at {at}: {run.Describe}");
        }
    }

    [Fact]
    public void The_servers_frames_are_the_unmasked_examples_of_RFC_6455_section_5_7()
    {
        Assert.Equal(Convert.FromHexString("810548656c6c6f"), WebSocketFrames.EncodeText("Hello"));
        Assert.Equal(Convert.FromHexString("890548656c6c6f"), WebSocketFrames.Encode(WebSocketOpcode.Ping, "Hello"u8));
        Assert.Equal(Convert.FromHexString("010348656c"), WebSocketFrames.Encode(WebSocketOpcode.Text, "Hel"u8, fin: false));
        Assert.Equal(Convert.FromHexString("80026c6f"), WebSocketFrames.Encode(WebSocketOpcode.Continuation, "lo"u8));
        Assert.Equal(Convert.FromHexString("827E0100"), WebSocketFrames.Encode(WebSocketOpcode.Binary, new byte[256])[..4]);
        Assert.Equal(Convert.FromHexString("827F0000000000010000"), WebSocketFrames.Encode(WebSocketOpcode.Binary, new byte[65536])[..10]);
        Assert.Equal(Convert.FromHexString("8a8537fa213d7f9f4d5158"),
            WebSocketFrames.Encode(WebSocketOpcode.Pong, "Hello"u8, mask: new byte[] { 0x37, 0xfa, 0x21, 0x3d }));
    }

    [Fact]
    public void A_close_frame_carries_its_code_and_a_reason_cut_to_fit_125_bytes_at_a_character_boundary()
    {
        var frame = WebSocketFrames.EncodeClose(WebSocketCloseCodes.GoingAway, new string('\u00e9', 100));

        Assert.Equal(0x88, frame[0]);
        Assert.Equal(124, frame[1]); // 2 bytes of code and 61 two-byte characters: a 62nd would pass 125
        Assert.Equal(new byte[] { 0x03, 0xE9 }, frame[2..4]);
        Assert.True(System.Text.Unicode.Utf8.IsValid(frame.AsSpan(4)));
        Assert.Equal(new byte[] { 0x88, 0x00 }, WebSocketFrames.EncodeClose(WebSocketCloseCodes.NoStatus));
    }
}
