using System.Text;
using Akka.Actor;
using ActorHttp.Http;
using ActorHttp.Routing;
using ActorHttp.Tests.Support;
using static ActorHttp.Tests.Support.WebSocketWire;

namespace ActorHttp.Tests.Integration;

/// <summary>
/// RFC 6455 as Autobahn's fuzzing client checks a server, over a real socket and only by what goes over it: framing
/// (§5), the closing handshake (§5.5.1, §7), UTF-8 (§8.1), the opening handshake (§4.2) and hostile clients. Each
/// failure case asserts the close code on the wire and that the server then closes the TCP connection.
/// </summary>
public sealed class WebSocketConformanceSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private const int MaxMessage = 64 * 1024;

    private readonly TestWww _www = new();
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        var routes = new RouteBuilder()
            .WebSocket("/ws/closing", Props.Create<ClosingSocket>())
            .WebSocket("/ws/proto", Props.Create<SubprotocolSocket>(), "v2.chat", "v1.chat")
            .Build();
        _server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root,
            $"actorhttp.websocket {{ max-message = {MaxMessage}, max-outgoing-queue = 16, keep-alive-timeout = 3s }}"), routes);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _www.Dispose();
    }

    /// <summary>Closes when told "close", with 4000 and the reason "done", after the messages sent before it.</summary>
    private sealed class ClosingSocket : UntypedActor
    {
        private WebSocketChannel? _channel;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case WebSocketOpened opened: _channel = opened.Channel; break;
                case WebSocketMessage.Text { Content: "close" }: _channel!.SendText("bye"); _channel.Close(4000, "done"); break;
                case WebSocketMessage.Text text: _channel!.SendText(text.Content); break;
            }
        }
    }

    /// <summary>Says which subprotocol was agreed ("none" when none), as its first message.</summary>
    private sealed class SubprotocolSocket : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is WebSocketOpened opened) opened.Channel.SendText(opened.Subprotocol ?? "none");
        }
    }

    private void AssertFailsWith(ushort code, byte[] wire)
    {
        using var client = _server.OpenSocket();
        client.Send(wire);

        Assert.Equal(code, client.ReadClose().CloseCode);
        Assert.True(client.IsClosedByServer());
    }

    // ---- §5: framing ---------------------------------------------------------------------------------------

    public static TheoryData<string, byte[]> ProtocolErrors => new()
    {
        { "a ping of 126 bytes (§5.5)", Frame(WebSocketOpcode.Ping, new byte[126]) },
        { "a close of 126 bytes (§5.5)", Frame(8, new byte[] { 0x03, 0xE8 }.Concat(new byte[124]).ToArray()) },
        { "a fragmented pong (§5.5)", Frame(0xA, "p"u8, fin: false) },
        { "a fragmented ping (§5.5)", Frame(WebSocketOpcode.Ping, "p"u8, fin: false) },
        { "RSV1 without an extension (§5.2)", Frame(1, "x"u8, rsv: 4) },
        { "RSV2", Frame(1, "x"u8, rsv: 2) },
        { "RSV3", Frame(1, "x"u8, rsv: 1) },
        { "all three RSV bits on a ping", Frame(9, "x"u8, rsv: 7) },
        { "opcode 3", Frame(3, "x"u8) }, { "opcode 4", Frame(4, "x"u8) }, { "opcode 5", Frame(5, "x"u8) },
        { "opcode 6", Frame(6, "x"u8) }, { "opcode 7", Frame(7, "x"u8) }, { "opcode 0xB", Frame(0xB, "x"u8) },
        { "opcode 0xC", Frame(0xC, "x"u8) }, { "opcode 0xD", Frame(0xD, "x"u8) }, { "opcode 0xE", Frame(0xE, "x"u8) },
        { "opcode 0xF", Frame(0xF, "x"u8) },
        { "a continuation with no message begun (§5.4)", Frame(0, "x"u8) },
        { "a new text message inside a fragmented one (§5.4)", Join(Text("a", fin: false), Text("b")) },
        { "a new binary message inside a fragmented one", Join(Text("a", fin: false), Frame(2, "b"u8, fin: false)) },
        { "a 64-bit length with its top bit set (§5.2)",
            new byte[] { 0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4 } },
        { "a close of one byte (§5.5.1)", Frame(WebSocketOpcode.Close, new byte[] { 0x03 }) },
    };

    [Theory]
    [MemberData(nameof(ProtocolErrors))]
    public void A_frame_that_breaks_section_5_fails_the_socket_with_1002_and_the_server_closes_TCP(string name, byte[] wire)
    {
        Assert.NotNull(name);
        AssertFailsWith(WebSocketCloseCodes.ProtocolError, wire);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    public void A_length_in_a_longer_encoding_than_needed_is_accepted(int lengthBytes)
    {
        using var client = _server.OpenSocket();
        client.Send(Frame(1, "hello"u8, lengthBytes: lengthBytes));

        Assert.Equal("hello", client.ReadFrame().Text);
    }

    [Fact]
    public void A_ping_is_answered_with_a_pong_carrying_the_same_payload_even_between_the_fragments_of_a_message()
    {
        using var client = _server.OpenSocket();
        var payload = Enumerable.Range(0, 125).Select(i => (byte)i).ToArray();
        client.Send(Join(Text("frag", fin: false), Frame(WebSocketOpcode.Ping, payload), Frame(0, "ment"u8)));

        var pong = client.ReadFrame();
        Assert.Equal((int)WebSocketOpcode.Pong, pong.Opcode);
        Assert.Equal(payload, pong.Payload);
        Assert.Equal("fragment", client.ReadFrame().Text);
    }

    [Fact]
    public void An_unsolicited_pong_is_ignored()
    {
        using var client = _server.OpenSocket();
        client.Send(Join(Frame(WebSocketOpcode.Pong, "unasked"u8), Text("after")));

        var next = client.ReadFrame();
        Assert.Equal((int)WebSocketOpcode.Text, next.Opcode);
        Assert.Equal("after", next.Text);
    }

    [Fact]
    public void Frame_headers_trickled_one_byte_per_packet_are_read_whole()
    {
        using var client = _server.OpenSocket();
        foreach (var b in Frame(1, "trickled"u8, lengthBytes: 8)) client.Send(new[] { b });

        Assert.Equal("trickled", client.ReadFrame().Text);
    }

    [Fact]
    public void A_message_of_exactly_max_message_comes_back_and_one_byte_over_is_closed_with_1009()
    {
        using (var client = _server.OpenSocket())
        {
            client.Send(Join(Frame(2, new byte[MaxMessage / 2], fin: false), Frame(0, new byte[MaxMessage / 2])));
            Assert.Equal(MaxMessage, client.ReadFrame().Payload.Length);
        }
        AssertFailsWith(WebSocketCloseCodes.MessageTooBig, Join(Frame(2, new byte[MaxMessage / 2], fin: false), Frame(0, new byte[MaxMessage / 2 + 1])));
    }

    [Fact]
    public void A_text_message_of_exactly_max_message_UTF_8_bytes_split_inside_a_character_comes_back_and_one_byte_over_is_closed_with_1009()
    {
        // Four-byte characters (two UTF-16 chars each), the fragments split inside one: max-message counts the bytes.
        var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("\U0001D11E", MaxMessage / 4)));
        var half = MaxMessage / 2 + 1;
        using (var client = _server.OpenSocket())
        {
            client.Send(Join(Frame(1, text[..half], fin: false), Frame(0, text[half..])));
            Assert.Equal(text, client.ReadFrame().Payload);
        }
        AssertFailsWith(WebSocketCloseCodes.MessageTooBig, Join(Frame(1, text[..half], fin: false), Frame(0, text[half..].Append((byte)'x').ToArray())));
    }

    // ---- §5.5.1, §7: closing ---------------------------------------------------------------------------------

    public static TheoryData<ushort> CodesNoCloseFrameMayCarry => new() { 0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535 };

    [Theory]
    [MemberData(nameof(CodesNoCloseFrameMayCarry))]
    public void A_close_with_a_code_no_close_frame_may_carry_fails_the_socket_with_1002(ushort code) =>
        AssertFailsWith(WebSocketCloseCodes.ProtocolError, Close(code));

    [Theory]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(1003)]
    [InlineData(1007)]
    [InlineData(1011)]
    [InlineData(1014)]
    [InlineData(3000)]
    [InlineData(4999)]
    public void A_close_with_a_valid_code_is_answered_with_that_code_then_the_server_closes_TCP(ushort code)
    {
        using var client = _server.OpenSocket();
        client.Send(Close(code, "bye"u8.ToArray()));

        Assert.Equal(code, client.ReadClose().CloseCode);
        Assert.True(client.IsClosedByServer());
    }

    [Fact]
    public void A_close_reason_that_is_not_UTF_8_fails_the_socket_with_1007() =>
        AssertFailsWith(WebSocketCloseCodes.InvalidPayload, Close(1000, 0xCE, 0xBA, 0xFF));

    [Fact]
    public void Data_frames_after_the_clients_close_are_not_processed()
    {
        using var client = _server.OpenSocket();
        client.Send(Join(Close(1000), Text("late")));

        Assert.Equal((ushort)1000, client.ReadFrame().CloseCode); // the very next frame: no echo of "late" before or after it
        Assert.Empty(client.ReadToEnd());
    }

    [Fact]
    public void A_server_initiated_close_waits_for_the_clients_close_and_then_the_server_closes_TCP()
    {
        using var client = _server.OpenSocket("/ws/closing");
        client.Send(Text("close"));

        Assert.Equal("bye", client.ReadFrame().Text);
        var close = client.ReadFrame();
        Assert.Equal((ushort)4000, close.CloseCode);
        Assert.Equal("done", Encoding.UTF8.GetString(close.Payload, 2, close.Payload.Length - 2));
        // A text frame in flight when the server's close crossed it is discarded (§1.4), and the connection stays
        // open for the client's close: this one is not echoed, and the server has not closed TCP.
        client.Send(Text("in flight"));
        client.Send(Close(1000));
        Assert.Empty(client.ReadToEnd()); // a clean close, no reset

    }

    // ---- §8.1: UTF-8 -------------------------------------------------------------------------------------------

    /// <summary>Two-, three- and four-byte characters, so that every split falls inside one somewhere.</summary>
    private static readonly byte[] ValidText = Encoding.UTF8.GetBytes("κόσμε €\U0001D11E");

    /// <summary>The valid text with a code point above U+10FFFF (F4 90 80 80) in the middle.</summary>
    private static readonly byte[] InvalidText = ValidText[..5].Concat(new byte[] { 0xF4, 0x90, 0x80, 0x80 }).Concat(ValidText[5..]).ToArray();

    public static IEnumerable<object[]> SplitsOfValidText => Enumerable.Range(0, ValidText.Length + 1).Select(at => new object[] { at });

    public static IEnumerable<object[]> SplitsOfInvalidText => Enumerable.Range(0, InvalidText.Length + 1).Select(at => new object[] { at });

    [Theory]
    [MemberData(nameof(SplitsOfValidText))]
    public void Valid_UTF_8_split_across_two_fragments_at_any_byte_comes_back_whole(int at)
    {
        using var client = _server.OpenSocket();
        client.Send(Join(Frame(1, ValidText[..at], fin: false), Frame(0, ValidText[at..])));

        Assert.Equal(ValidText, client.ReadFrame().Payload);
    }

    [Theory]
    [MemberData(nameof(SplitsOfInvalidText))]
    public void Invalid_UTF_8_split_across_two_fragments_at_any_byte_fails_the_socket_with_1007(int at) =>
        AssertFailsWith(WebSocketCloseCodes.InvalidPayload, Join(Frame(1, InvalidText[..at], fin: false), Frame(0, InvalidText[at..])));

    [Fact]
    public void Invalid_UTF_8_in_the_first_fragment_fails_the_socket_at_once_without_waiting_for_the_message_to_end() =>
        AssertFailsWith(WebSocketCloseCodes.InvalidPayload, Frame(1, new byte[] { 0xCE, 0xBA, 0xFF }, fin: false));

    // ---- §4.2: the opening handshake ---------------------------------------------------------------------------

    [Theory]
    [InlineData("keep-alive, Upgrade", "websocket")] // what Firefox sends
    [InlineData("Upgrade", "WebSocket")]
    [InlineData("upgrade", "WEBSOCKET")]
    public void An_upgrade_with_tokens_in_any_case_among_others_is_accepted(string connection, string upgrade)
    {
        using var client = _server.Connect();
        client.Send(Handshake(connection: connection, upgrade: upgrade) + Encoding.Latin1.GetString(Text("hi")));

        var head = client.ReadHead();
        Assert.Equal(101, head.Status);
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", head.Header("Sec-WebSocket-Accept"));
        Assert.Equal("hi", client.ReadFrame().Text);
    }

    public static TheoryData<string, string> RefusedUpgrades => new()
    {
        { "a key of 15 bytes", Handshake().Replace("dGhlIHNhbXBsZSBub25jZQ==", Convert.ToBase64String(new byte[15])) },
        { "a key of 17 bytes", Handshake().Replace("dGhlIHNhbXBsZSBub25jZQ==", Convert.ToBase64String(new byte[17])) },
        { "a key that is not base64", Handshake().Replace("dGhlIHNhbXBsZSBub25jZQ==", "!!!!!!!!!!!!!!!!!!!!!!==") },
        { "HTTP/1.0", Handshake().Replace("HTTP/1.1", "HTTP/1.0") },
        { "a Content-Length body", Handshake(extraFields: "Content-Length: 5\r\n") + "hello" },
        { "a chunked body", Handshake(extraFields: "Transfer-Encoding: chunked\r\n") + "5\r\nhello\r\n0\r\n\r\n" },
    };

    [Theory]
    [MemberData(nameof(RefusedUpgrades))]
    public void An_upgrade_the_server_cannot_accept_is_answered_400_and_never_switches(string name, string request)
    {
        using var client = _server.Connect();
        client.Send(request);

        var response = client.ReadResponse();
        Assert.True(response.Status == 400, $"{name}: {response.StatusLine}");
        Assert.Null(response.Header("Sec-WebSocket-Accept"));
    }

    [Fact]
    public void Frames_sent_in_the_same_packet_as_the_handshake_are_all_processed()
    {
        using var client = _server.Connect();
        client.Send(Encoding.Latin1.GetBytes(Handshake()).Concat(Join(Text("one"), Frame(WebSocketOpcode.Ping, "p"u8), Text("two"))).ToArray());

        Assert.Equal(101, client.ReadHead().Status);
        // The pong is the server's own answer and may overtake the echoes, which the handler sends; those keep their order.
        var frames = Enumerable.Range(0, 3).Select(_ => client.ReadFrame()).ToList();
        Assert.Equal(new[] { "one", "two" }, frames.Where(f => f.Opcode == (int)WebSocketOpcode.Text).Select(f => f.Text));
        Assert.Equal("p", Assert.Single(frames, f => f.Opcode == (int)WebSocketOpcode.Pong).Text);
    }

    [Theory]
    [InlineData("v1.chat, v2.chat", "v2.chat")]   // the server's preference, not the client's order
    [InlineData("mqtt, v1.chat", "v1.chat")]
    [InlineData("mqtt", null)]
    [InlineData("V2.CHAT", null)]                   // §4.1: subprotocol names compare case-sensitively
    public void Only_a_subprotocol_the_client_offered_is_echoed(string offered, string? chosen)
    {
        using var client = _server.Connect();
        client.Send(Handshake("/ws/proto", $"Sec-WebSocket-Protocol: {offered}\r\n"));

        var head = client.ReadHead();
        Assert.Equal(101, head.Status);
        Assert.Equal(chosen, head.Header("Sec-WebSocket-Protocol"));
        Assert.Equal(chosen ?? "none", client.ReadFrame().Text);
    }

    // ---- hostile clients ------------------------------------------------------------------------------------

    [Fact]
    public void A_client_that_never_reads_while_its_echoes_pile_up_is_closed_not_buffered()
    {
        using var client = _server.OpenSocket();
        // 32 MiB of echoes asked for, far beyond the kernel's buffers and max-outgoing-queue (16) messages of 60 KiB.
        var message = Frame(2, new byte[60 * 1024]);
        var sent = 0;
        try
        {
            for (; sent < 550; sent++) client.Send(message);
        }
        catch (IOException)
        {
            // The server cut the connection while the client was still writing: what this spec wants.
        }

        Assert.True(sent < 550 || client.IsClosedByServer(), "the server kept a client that read nothing");
    }

    [Fact]
    public void A_flood_of_ten_thousand_pings_from_a_client_that_reads_is_answered_and_the_socket_stays_open()
    {
        using var client = _server.OpenSocket();
        var flood = Enumerable.Repeat(Frame(WebSocketOpcode.Ping, new byte[125]), 10_000).SelectMany(f => f).ToArray();
        // The client reads all along, on a thread of its own, until the first frame that is not a pong.
        var reading = Task.Run(() =>
        {
            var frames = new List<ServerFrame>();
            do frames.Add(client.ReadFrame()); while (frames[^1].Opcode == (int)WebSocketOpcode.Pong);
            return frames;
        });

        client.Send(flood);
        client.Send(Text("after the flood"));

        Assert.True(reading.Wait(TimeSpan.FromSeconds(30)), "the client read no frame but pongs");
        var frames = reading.Result;
        // §5.5.3: pongs may be fewer than the pings (only the latest needs one), but the socket is not failed.
        Assert.Equal("after the flood", frames[^1].Text);
        Assert.InRange(frames.Count - 1, 1, 10_000);
    }
}
