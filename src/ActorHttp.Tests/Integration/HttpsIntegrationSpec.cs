using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using ActorHttp.Observability;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Integration;

/// <summary>
/// HTTPS over real sockets, with HttpClient trusting the test certificate through a validation callback: the plain
/// port's guarantees (static files, large files, Range, uploads, keep-alive, graceful stop, the connection cap) hold
/// over TLS, failed handshakes are counted and cost nothing else, and redirect-http sends plain clients over.
/// </summary>
public sealed class HttpsIntegrationSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private readonly TestWww _www = new();
    private readonly byte[] _big = RandomBytes(8 * 1024 * 1024 + 77, seed: 16);
    private TestServer _server = null!;
    private HttpClient _https = null!;

    public async Task InitializeAsync()
    {
        _www.Write("big.bin", _big);
        _server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root, TestCertificate.Hocon + "\nactorhttp.sleep-delay = 500ms"));
        _https = Client(_server);
    }

    public async Task DisposeAsync()
    {
        _https.Dispose();
        await _server.DisposeAsync();
        _www.Dispose();
    }

    private static HttpClient Client(TestServer server, bool redirects = true) => new(new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = TestCertificate.Validate },
        AllowAutoRedirect = redirects,
    })
    {
        BaseAddress = server.Binding.TlsBaseAddress,
        Timeout = TimeSpan.FromSeconds(20),
    };

    private static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private ServerMetrics Metrics => ((ServerObserver)_server.Binding.Context.Observer).Metrics;

    [Fact]
    public async Task A_WebSocket_over_TLS_echoes_a_message_larger_than_a_record_and_closes_with_the_close_handshake()
    {
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.RemoteCertificateValidationCallback = TestCertificate.Validate;
        using var soon = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await socket.ConnectAsync(new Uri(new Uri(_server.Binding.TlsBaseAddress!.ToString().Replace("https://", "wss://")), "/ws/echo"), soon.Token);
        var sent = RandomBytes(100_000, seed: 17); // seven TLS records' worth

        await socket.SendAsync(sent, System.Net.WebSockets.WebSocketMessageType.Binary, endOfMessage: true, soon.Token);
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        System.Net.WebSockets.WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, soon.Token);
            received.Write(buffer, 0, result.Count);
        } while (!result.EndOfMessage);
        Assert.Equal(sent, received.ToArray());

        await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "bye", soon.Token);
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }

    [Fact]
    public async Task The_hello_page_is_served_over_https_beside_the_plain_port()
    {
        Assert.Equal("https", _server.Binding.TlsBaseAddress!.Scheme);
        Assert.NotEqual(_server.Port, _server.Binding.Tls!.LocalAddress.Port);

        Assert.Equal(TestWww.Hello, await _https.GetStringAsync("/"));
        Assert.Equal(TestWww.Hello, await _server.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task A_multi_megabyte_file_is_byte_identical_over_TLS()
    {
        using var response = await _https.GetAsync("/big.bin", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SHA256.HashData(_big), await SHA256.HashDataAsync(body));
    }

    [Fact]
    public async Task A_range_of_a_large_file_is_served_over_TLS()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/big.bin") { Headers = { Range = new(1_000_000, 1_099_999) } };

        using var response = await _https.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(_big.AsSpan(1_000_000, 100_000).ToArray(), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task An_upload_of_a_few_megabytes_is_echoed_whole_over_TLS_on_a_kept_alive_connection()
    {
        var upload = RandomBytes(3 * 1024 * 1024, seed: 3);

        for (var i = 0; i < 3; i++)
        {
            using var response = await _https.PostAsync("/echo", new ByteArrayContent(upload));
            Assert.Equal(upload, await response.Content.ReadAsByteArrayAsync());
        }

        Assert.Contains("actorhttp_tls_handshakes_total 1\n", Metrics.RenderPrometheus());
    }

    [Fact]
    public async Task A_header_section_over_the_limit_is_answered_431_over_TLS()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("X-Big", new string('a', 40 * 1024));

        using var response = await _https.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_request_head_that_stalls_after_the_handshake_is_answered_408_and_closed()
    {
        await using var server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root, TestCertificate.Hocon + "\nactorhttp.timeouts.request-header = 300ms"));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Binding.Tls!.LocalAddress.Port);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(TestCertificate.ClientOptions());

        await tls.WriteAsync("GET / HTTP/1.1\r\nHost: x\r\n"u8.ToArray()); // and never the empty line

        var answer = new StringBuilder();
        var buffer = new byte[1024];
        int read;
        while ((read = await tls.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10))) > 0)
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        Assert.StartsWith("HTTP/1.1 408 ", answer.ToString());
    }

    [Fact]
    public async Task A_failed_handshake_closes_only_its_connection_and_is_counted_as_a_protocol_failure()
    {
        using (var garbage = new TcpClient())
        {
            await garbage.ConnectAsync(IPAddress.Loopback, _server.Binding.Tls!.LocalAddress.Port);
            var stream = garbage.GetStream();
            await stream.WriteAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
            // The server closes: whatever it sends (an alert at most) ends in the end of the stream or a reset.
            var buffer = new byte[256];
            try
            {
                while (await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5)) > 0) { }
            }
            catch (IOException) { }
        }

        AwaitCondition(() => Metrics.RenderPrometheus().Contains("actorhttp_tls_handshake_failures_total{reason=\"protocol\"} 1\n"), TimeSpan.FromSeconds(5));
        Assert.Equal(TestWww.Hello, await _https.GetStringAsync("/"));
    }

    [Fact]
    public async Task A_request_in_flight_over_TLS_completes_when_the_server_stops()
    {
        // A GET / and a sleep pipelined in one TLS record: once the first answer is in, the server has read the sleep
        // too (a connection still in its handshake, or with no request read, is closed by a stop, as plain ones are).
        var tls = _server.Binding.TlsBaseAddress!;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(tls.Host, tls.Port);
        await using var stream = new SslStream(tcp.GetStream(), false, TestCertificate.Validate);
        await stream.AuthenticateAsClientAsync("localhost");
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /sleep HTTP/1.1\r\nHost: x\r\n\r\n"));
        var received = new StringBuilder();
        var buffer = new byte[16384];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!received.ToString().Contains(TestWww.Hello))
            received.Append(Encoding.ASCII.GetString(buffer, 0, await stream.ReadAsync(buffer, deadline.Token)));

        var stop = _server.Binding.StopAsync(TimeSpan.FromSeconds(5));

        int read;
        while ((read = await stream.ReadAsync(buffer, deadline.Token)) > 0) received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        var text = received.ToString();
        var second = text.IndexOf("HTTP/1.1 ", text.IndexOf(TestWww.Hello, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(second > 0, text);
        Assert.StartsWith("HTTP/1.1 200", text[second..]);
        Assert.Contains("Connection: close", text[second..], StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith(TestWww.Hello, text);
        await stop;
    }

    [Fact]
    public async Task The_access_log_names_the_scheme_of_each_request()
    {
        var entries = new List<CompletedExchange>();
        var observer = new RecordingObserver(entries);
        await using var server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root, TestCertificate.Hocon), observer: observer);
        using var https = Client(server);

        await https.GetStringAsync("/");
        await server.Client.GetStringAsync("/");

        AwaitCondition(() => { lock (entries) return entries.Count == 2; }, TimeSpan.FromSeconds(5));
        lock (entries) Assert.Equal(["http", "https"], entries.Select(e => e.Scheme).Order());
    }

    [Fact]
    public async Task Over_the_connection_cap_a_TLS_client_is_answered_503_after_its_handshake()
    {
        await using var server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root, TestCertificate.Hocon + "\nactorhttp.max-connections = 1"));
        using var first = Client(server);
        using var second = Client(server);
        Assert.Equal(TestWww.Hello, await first.GetStringAsync("/")); // keeps its connection open

        using var refused = await second.GetAsync("/");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
    }

    [Fact]
    public async Task With_redirect_http_the_plain_port_answers_308_to_the_same_path_over_https()
    {
        await using var server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root, TestCertificate.Hocon + "\nactorhttp.tls.redirect-http = on"));
        using var plain = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = server.Binding.BaseAddress };

        using var response = await plain.GetAsync("/hello.html?x=1");

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal($"https://127.0.0.1:{server.Binding.Tls!.LocalAddress.Port}/hello.html?x=1", response.Headers.Location?.ToString());
        using var https = Client(server);
        Assert.Equal(TestWww.Hello, await https.GetStringAsync(response.Headers.Location));
    }

    [Fact]
    public async Task With_redirect_http_the_plain_port_still_answers_health_and_metrics_for_balancers_and_scrapers()
    {
        await using var server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root,
            TestCertificate.Hocon + "\nactorhttp.tls.redirect-http = on\nactorhttp.metrics.path = \"/metrics\""));
        using var plain = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = server.Binding.BaseAddress };

        using var health = await plain.GetAsync("/health");
        using var metrics = await plain.GetAsync("/metrics");
        using var other = await plain.GetAsync("/health/x");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("# TYPE", await metrics.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.PermanentRedirect, other.StatusCode);
    }
}
