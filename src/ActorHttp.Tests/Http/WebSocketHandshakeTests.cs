using ActorHttp.Http;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Http;

/// <summary>The opening handshake of RFC 6455 §4.2.1 and §4.2.2 as a table: the request's fields in, the status out.</summary>
public sealed class WebSocketHandshakeTests
{
    /// <summary>The sample key of §1.3 and the accept value it gives.</summary>
    private const string SampleKey = "dGhlIHNhbXBsZSBub25jZQ==";
    private const string SampleAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private static readonly (string, string)[] Valid =
    {
        ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Version", "13"), ("Sec-WebSocket-Key", SampleKey),
    };

    /// <summary>The valid fields with <paramref name="name"/> replaced by <paramref name="value"/> (removed when null), then <paramref name="extra"/>.</summary>
    private static (string, string)[] With(string name, string? value, params (string, string)[] extra) =>
        Valid.Where(f => f.Item1 != name).Concat(value is null ? Array.Empty<(string, string)>() : new[] { (name, value) }).Concat(extra).ToArray();

    public static readonly TheoryData<string, string, (string, string)[], int> Rows = new()
    {
        { "a valid handshake", "GET", Valid, 101 },
        { "tokens in any case, among others (§4.2.1)", "GET", With("Connection", "keep-alive, UPGRADE", ("Upgrade", "h2c")), 101 },
        { "Upgrade: WebSocket in another case", "GET", With("Upgrade", "WebSocket"), 101 },
        { "a POST", "POST", Valid, 400 },
        { "a HEAD", "HEAD", Valid, 400 },
        { "no Upgrade field", "GET", With("Upgrade", null), 400 },
        { "Upgrade names another protocol", "GET", With("Upgrade", "h2c"), 400 },
        { "no Connection field", "GET", With("Connection", null), 400 },
        { "Connection without upgrade", "GET", With("Connection", "keep-alive"), 400 },
        { "no version (§4.2.2: 426)", "GET", With("Sec-WebSocket-Version", null), 426 },
        { "version 8 (hybi drafts)", "GET", With("Sec-WebSocket-Version", "8"), 426 },
        { "two version fields", "GET", With("Sec-WebSocket-Version", "13", ("Sec-WebSocket-Version", "8")), 426 },
        { "no key", "GET", With("Sec-WebSocket-Key", null), 400 },
        { "a key that is not base64", "GET", With("Sec-WebSocket-Key", "not base64 at all!!!!!!!"), 400 },
        { "a key of 15 bytes", "GET", With("Sec-WebSocket-Key", Convert.ToBase64String(new byte[15])), 400 },
        { "a key of 17 bytes", "GET", With("Sec-WebSocket-Key", Convert.ToBase64String(new byte[17])), 400 },
        { "two keys", "GET", With("Sec-WebSocket-Key", SampleKey, ("Sec-WebSocket-Key", SampleKey)), 400 },
        { "a handshake announcing a body", "GET", With("Content-Length", "5"), 400 },
        { "a handshake with a chunked body", "GET", With("Transfer-Encoding", "chunked"), 400 },
        { "Content-Length: 0 is no body", "GET", With("Content-Length", "0"), 101 },
        { "an allowed origin", "GET", With("Origin", "https://chat.example"), 101 },
        { "an allowed origin in another case", "GET", With("Origin", "HTTPS://CHAT.EXAMPLE"), 101 },
        { "an origin not allowed (§10.2)", "GET", With("Origin", "https://evil.example"), 403 },
        { "the origin null", "GET", With("Origin", "null"), 403 },
        { "two origins", "GET", With("Origin", "https://chat.example", ("Origin", "https://evil.example")), 403 },
        { "no origin: not a browser", "GET", Valid, 101 },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void A_handshake_is_answered_as_the_table_says(string name, string method, (string, string)[] fields, int status)
    {
        var request = Requests.Build(method, "/ws", ReadOnlyMemory<byte>.Empty, fields);

        var result = WebSocketHandshake.Check(request, new[] { "https://chat.example" }, Array.Empty<string>());

        Assert.True(status == result.Status, $"{name}: {result.Status} ({result.Why})");
    }

    [Fact]
    public void The_accept_value_is_the_one_of_section_1_3()
    {
        var result = WebSocketHandshake.Check(Requests.Build("GET", "/ws", ReadOnlyMemory<byte>.Empty, Valid), Array.Empty<string>(), Array.Empty<string>());
        var response = WebSocketHandshake.Response(result);

        Assert.Equal(101, response.Status);
        Assert.Equal(SampleAccept, response.Headers.Get("Sec-WebSocket-Accept"));
        Assert.Equal("websocket", response.Headers.Get("Upgrade"));
        Assert.Null(response.Headers.Get("Sec-WebSocket-Protocol"));
    }

    [Fact]
    public void A_101_says_Connection_Upgrade_and_carries_no_length()
    {
        var response = WebSocketHandshake.Response(new WebSocketHandshakeResult(101, "accepted", SampleAccept));
        var head = System.Text.Encoding.ASCII.GetString(ResponseWriter.Encode(response, HttpVersion.Http11, keepAlive: true, headOnly: false));

        Assert.StartsWith("HTTP/1.1 101 Switching Protocols\r\n", head);
        Assert.Contains("\r\nConnection: Upgrade\r\n", head);
        Assert.Contains("\r\nUpgrade: websocket\r\n", head);
        Assert.DoesNotContain("Content-Length", head);
        Assert.EndsWith("\r\n\r\n", head);
    }

    [Fact]
    public void A_wrong_version_is_told_the_version_spoken()
    {
        var response = WebSocketHandshake.Response(new WebSocketHandshakeResult(426, "not version 13"));

        Assert.Equal("13", response.Headers.Get("Sec-WebSocket-Version"));
    }

    [Theory]
    [InlineData("chat, superchat", "superchat,chat", "superchat")] // the server's preference wins
    [InlineData("v2.json", "chat", null)]
    [InlineData("chat", "Chat", null)] // subprotocol names compare exactly
    public void The_subprotocol_is_the_servers_first_choice_the_client_offered(string offered, string supported, string? chosen)
    {
        var request = Requests.Build("GET", "/ws", ReadOnlyMemory<byte>.Empty, With("Sec-WebSocket-Protocol", offered));

        var result = WebSocketHandshake.Check(request, Array.Empty<string>(), supported.Split(','));

        Assert.Equal(chosen, result.Subprotocol);
        Assert.Equal(chosen, WebSocketHandshake.Response(result).Headers.Get("Sec-WebSocket-Protocol"));
    }
}
