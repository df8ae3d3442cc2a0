using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using ActorHttp.Observability;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Integration;

/// <summary>
/// The HTTPS port against clients that break the TLS conversation: over SslStream on a TcpClient, or raw bytes. Each
/// case costs its own connection only; the server goes on serving others.
/// </summary>
public sealed class HttpsHostileClientSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private readonly TestWww _www = new();
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _www.Write("big.bin", new byte[8 * 1024 * 1024]);
        _server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root, TestCertificate.Hocon + "\nactorhttp.tls.handshake-timeout = 500ms"));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _www.Dispose();
    }

    private int TlsPort => _server.Binding.Tls!.LocalAddress.Port;

    private ServerMetrics Metrics => ((ServerObserver)_server.Binding.Context.Observer).Metrics;

    private static CancellationToken Soon() => new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token;

    private async Task<(TcpClient Tcp, SslStream Tls)> Handshake(SslClientAuthenticationOptions? options = null, Func<Stream, Stream>? wrap = null)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, TlsPort);
        var tls = new SslStream(wrap is null ? tcp.GetStream() : wrap(tcp.GetStream()));
        await tls.AuthenticateAsClientAsync(options ?? TestCertificate.ClientOptions(), Soon());
        return (tcp, tls);
    }

    /// <summary>Reads until the end of the stream; a reset counts as an end too.</summary>
    private static async Task<long> ReadToEnd(Stream stream)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, Soon())) > 0) total += read;
        }
        catch (IOException)
        {
        }
        return total;
    }

    private async Task AssertStillServing()
    {
        var (tcp, tls) = await Handshake();
        await AssertServes(tcp, tls);
    }

    /// <summary>A GET of the hello page over the connection is answered 200; the connection is disposed after.</summary>
    private static async Task AssertServes(TcpClient tcp, SslStream tls)
    {
        using (tcp)
        await using (tls)
        {
            await tls.WriteAsync("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8.ToArray(), Soon());
            using var reader = new StreamReader(tls);
            Assert.StartsWith("HTTP/1.1 200 ", await reader.ReadLineAsync(Soon()));
        }
    }

    /// <summary>Writes every byte in a write of its own (with Nagle off, a TCP segment of its own).</summary>
    private sealed class OneBytePerWrite(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            for (var i = 0; i < buffer.Length; i++) await inner.WriteAsync(buffer.Slice(i, 1), cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    [Fact]
    public async Task A_ClientHello_trickled_one_byte_per_packet_completes_the_handshake()
    {
        var (tcp, tls) = await Handshake(wrap: inner => new OneBytePerWrite(inner));
        await AssertServes(tcp, tls);
    }

    [Fact]
    public async Task A_handshake_left_incomplete_is_cut_at_the_handshake_timeout_and_counted()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, TlsPort);
        // The head of a handshake record announcing a 512-byte ClientHello, and a few bytes of it: then nothing.
        await tcp.GetStream().WriteAsync(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03 }, Soon());

        Assert.Equal(0, await ReadToEnd(tcp.GetStream()));
        AwaitCondition(() => Metrics.RenderPrometheus().Contains("actorhttp_tls_handshake_failures_total{reason=\"timeout\"} 1\n"), TimeSpan.FromSeconds(10));
        await AssertStillServing();
    }

    [Fact]
    public async Task Plain_HTTP_sent_to_the_TLS_port_is_answered_400_in_plain_text_then_the_connection_closes_and_is_counted()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, TlsPort);
        await tcp.GetStream().WriteAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), Soon());

        // As nginx: a 400 a person can read, saying what went wrong, then EOF (not a reset: the answer is not lost).
        var answer = new MemoryStream();
        await tcp.GetStream().CopyToAsync(answer, Soon());
        var text = Encoding.Latin1.GetString(answer.ToArray());
        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", text);
        Assert.Contains("\r\nConnection: close\r\n", text);
        Assert.Contains("plain HTTP request was sent to the HTTPS port", text);
        Assert.Contains("https://", text);
        AwaitCondition(() => Metrics.RenderPrometheus().Contains("actorhttp_tls_handshake_failures_total{reason=\"protocol\"} 1\n"), TimeSpan.FromSeconds(10));
        await AssertStillServing();
    }

    [Theory]
    [InlineData("under_score.example")]
    [InlineData("a-label-of-the-longest-length-dns-allows-sixty-three-characters.example")]
    [InlineData("1.2.3.4.example")]
    [InlineData("localhost.")]
    public async Task An_unusual_server_name_in_SNI_is_served_with_the_one_certificate(string serverName)
    {
        var options = TestCertificate.ClientOptions();
        options.TargetHost = serverName;
        var (tcp, tls) = await Handshake(options);
        await AssertServes(tcp, tls);
    }

    [Fact]
    public async Task A_close_notify_from_the_client_mid_response_ends_the_connection_and_others_are_served()
    {
        var (tcp, tls) = await Handshake();
        using (tcp)
        await using (tls)
        {
            await tls.WriteAsync("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), Soon());
            var buffer = new byte[64 * 1024];
            var read = 0;
            while (read < 256 * 1024) read += await tls.ReadAsync(buffer, Soon());

            await tls.ShutdownAsync(); // close_notify: the client sends nothing more (RFC 8446 §6.1)

            // The server may finish the response it began (TLS 1.3 closes each direction on its own), then it closes.
            var rest = await ReadToEnd(tls);
            Assert.InRange(read + rest, 256 * 1024, 8 * 1024 * 1024 + 4096);
        }
        await AssertStillServing();
    }

    [Fact]
    public async Task A_client_that_resets_mid_record_costs_only_its_own_connection()
    {
        for (var i = 0; i < 3; i++)
        {
            var (tcp, tls) = await Handshake();
            await tls.WriteAsync("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), Soon());
            await tls.ReadExactlyAsync(new byte[1000], Soon());
            // Some raw bytes more: the client now stands inside a TLS record, and resets.
            await tcp.GetStream().ReadExactlyAsync(new byte[7], Soon());
            tcp.LingerState = new LingerOption(true, 0);
            tcp.Close();
        }
        // And one that resets half way through sending a record of its own.
        var (half, _) = await Handshake();
        await half.GetStream().WriteAsync(new byte[] { 0x17, 0x03, 0x03, 0x40, 0x00 }.Concat(new byte[100]).ToArray(), Soon());
        half.LingerState = new LingerOption(true, 0);
        half.Close();

        await AssertStillServing();
    }
}
