using System.Net.WebSockets;
using System.Text;
using ActorHttp.Http;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Integration;

/// <summary>The built-in WebSocket echo (<c>/ws/echo</c>, a default route) over real sockets: .NET's ClientWebSocket and raw bytes.</summary>
public sealed class WebSocketIntegrationSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private const string Handshake = "GET /ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    private static readonly byte[] Key = { 1, 2, 3, 4 };

    private readonly TestWww _www = new();
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root));

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _www.Dispose();
    }

    private static CancellationToken Soon() => new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token;

    private async Task<ClientWebSocket> Open(string path = "/ws/echo")
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{_server.Port}{path}"), Soon());
        return socket;
    }

    private static async Task<(WebSocketMessageType Type, byte[] Data)> Receive(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, Soon());
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return (result.MessageType, message.ToArray());
        }
    }

    [Fact]
    public async Task A_text_message_comes_back()
    {
        using var socket = await Open();

        await socket.SendAsync(Encoding.UTF8.GetBytes("hello, caf\u00e9"), WebSocketMessageType.Text, true, Soon());
        var (type, data) = await Receive(socket);

        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal("hello, caf\u00e9", Encoding.UTF8.GetString(data));
    }

    [Fact]
    public async Task A_one_megabyte_binary_message_comes_back_whole()
    {
        using var socket = await Open();
        var payload = new byte[1024 * 1024];
        new Random(17).NextBytes(payload);

        await socket.SendAsync(payload, WebSocketMessageType.Binary, true, Soon());
        var (type, data) = await Receive(socket);

        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal(payload, data);
    }

    [Fact]
    public async Task Fragments_are_joined_into_one_message()
    {
        using var socket = await Open();

        await socket.SendAsync(Encoding.UTF8.GetBytes("frag"), WebSocketMessageType.Text, false, Soon());
        await socket.SendAsync(Encoding.UTF8.GetBytes("men"), WebSocketMessageType.Text, false, Soon());
        await socket.SendAsync(Encoding.UTF8.GetBytes("ted"), WebSocketMessageType.Text, true, Soon());

        Assert.Equal("fragmented", Encoding.UTF8.GetString((await Receive(socket)).Data));
    }

    [Fact]
    public async Task The_closing_handshake_ends_with_the_clients_code_echoed()
    {
        using var socket = await Open();

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", Soon());

        Assert.Equal(WebSocketState.Closed, socket.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }

    [Fact]
    public async Task A_chat_message_reaches_every_client_of_the_room()
    {
        using var alice = await Open("/ws/chat");
        using var bob = await Open("/ws/chat");
        // Bob has joined once his own message comes back to him.
        await bob.SendAsync(Encoding.UTF8.GetBytes("bob here"), WebSocketMessageType.Text, true, Soon());
        Assert.Equal("bob here", Encoding.UTF8.GetString((await Receive(bob)).Data));

        await alice.SendAsync(Encoding.UTF8.GetBytes("hi all"), WebSocketMessageType.Text, true, Soon());

        // Alice may see Bob's first message before her own, if she joined before he spoke.
        var seen = Encoding.UTF8.GetString((await Receive(alice)).Data);
        if (seen == "bob here") seen = Encoding.UTF8.GetString((await Receive(alice)).Data);
        Assert.Equal("hi all", seen);
        Assert.Equal("hi all", Encoding.UTF8.GetString((await Receive(bob)).Data));
    }

    [Fact]
    public void A_wrong_version_gets_426_naming_13_and_the_connection_closes()
    {
        using var client = _server.Connect();
        client.Send(Handshake.Replace("Version: 13", "Version: 8") + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");

        var response = client.ReadResponse();

        Assert.Equal(426, response.Status);
        Assert.Equal("13", response.Header("Sec-WebSocket-Version"));
        Assert.True(response.ClosesConnection);
        Assert.True(client.IsClosedByServer());
    }

    [Fact]
    public void Frames_sent_along_with_the_handshake_are_read_as_frames()
    {
        using var client = _server.Connect();
        client.Send(Encoding.ASCII.GetBytes(Handshake).Concat(WebSocketFrames.Encode(WebSocketOpcode.Text, "early"u8, mask: Key)).ToArray());

        Assert.Equal(101, client.ReadHead().Status);
        Assert.Equal(WebSocketFrames.EncodeText("early"), client.ReadBytes(7));
    }

    [Fact]
    public void A_request_pipelined_behind_the_upgrade_is_never_read_as_HTTP_it_fails_the_socket_with_1002()
    {
        using var client = _server.Connect();
        client.Send(Handshake + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");

        var head = client.ReadHead();
        Assert.Equal(101, head.Status);
        Assert.Equal("Upgrade", head.Header("Connection"));
        // "GE" is no masked frame: the close frame with 1002, then the server closes the connection.
        Assert.Equal(new byte[] { 0x88, 0x02, 0x03, 0xEA }, client.ReadBytes(4));
        Assert.True(client.IsClosedByServer());
    }

    [Fact]
    public async Task An_idle_socket_is_pinged_by_its_listeners_ticker_and_cut_when_it_does_not_answer()
    {
        await using var server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root,
            "actorhttp.websocket { keep-alive-interval = 200ms, keep-alive-timeout = 300ms }"));
        using var client = server.Connect();
        client.Send(Handshake);
        Assert.Equal(101, client.ReadHead().Status);

        Assert.Equal(new byte[] { 0x89, 0x00 }, client.ReadBytes(2)); // a ping, never answered

        Assert.True(client.IsClosedByServer());
    }

    [Fact]
    public void An_unmasked_frame_fails_the_socket_with_1002()
    {
        using var client = _server.Connect();
        client.Send(Handshake);
        Assert.Equal(101, client.ReadHead().Status);

        client.Send(WebSocketFrames.EncodeText("no mask"));

        Assert.Equal(new byte[] { 0x88, 0x02, 0x03, 0xEA }, client.ReadBytes(4));
        Assert.True(client.IsClosedByServer());
    }
}
