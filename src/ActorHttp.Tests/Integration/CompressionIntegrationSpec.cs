using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Text;
using Akka.Actor;
using ActorHttp.Routing;
using ActorHttp.Tests.Routing;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Integration;

/// <summary>
/// Compressed static files and handler streams over real sockets: decoded by real clients, a large file compressed as
/// it streams included, and Vary, ETag and 304 per coding on the wire.
/// </summary>
public sealed class CompressionIntegrationSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private static readonly byte[] Page = Encoding.UTF8.GetBytes(
        string.Concat(Enumerable.Range(0, 400).Select(i => $"<p>line {i}: the quick brown fox jumps over the lazy dog</p>\n")));

    // A few MiB of text: over files.small-file-limit, so compressed chunk by chunk as it streams.
    private static readonly byte[] LargeText = Encoding.UTF8.GetBytes(string.Concat(
        Enumerable.Range(0, 60_000).Select(i => $"{i:x8} the quick brown fox {i % 97} jumps over the lazy dog {i * 7919 % 10007}\n")));

    private readonly TestWww _www = new();
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _www.Write("page.html", Page);
        _www.Write("large.txt", LargeText);
        var routes = new RouteBuilder().Get("/stream", Props.Create<StreamingHandler>()).Build();
        _server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root), routes);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _www.Dispose();
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task HttpClient_decodes_each_coding_to_the_files_bytes(string coding)
    {
        using var client = DecompressingClient();

        var response = await GetAccepting(client, "/page.html", coding);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.Equal(Page, await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task HttpClient_decodes_a_large_file_compressed_as_it_streams_and_a_handlers_stream(string coding)
    {
        using var client = DecompressingClient();
        foreach (var path in new[] { "/large.txt", "/stream" })
        {
            var response = await GetAccepting(client, path, coding);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.TransferEncodingChunked);
            Assert.Contains("Accept-Encoding", response.Headers.Vary);
            var expected = path == "/stream"
                ? Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, 50).Select(i => $"line {i}\n")))
                : LargeText;
            Assert.Equal(expected, await response.Content.ReadAsByteArrayAsync());
        }
    }

    private HttpClient DecompressingClient() =>
        new(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.All })
        {
            BaseAddress = _server.Binding.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    // Only the coding under test, so that the handler's own preference does not decide.
    private static Task<HttpResponseMessage> GetAccepting(HttpClient client, string path, string coding)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptEncoding.Clear();
        request.Headers.AcceptEncoding.ParseAdd(coding);
        return client.SendAsync(request);
    }

    [Fact]
    public void Each_coding_has_its_own_etag_and_304_on_one_connection()
    {
        using var raw = _server.Connect();
        var tags = new Dictionary<string, string>();
        foreach (var coding in new[] { "br", "gzip", "identity" })
        {
            raw.Send($"GET /page.html HTTP/1.1\r\nHost: x\r\nAccept-Encoding: {coding}\r\n\r\n");
            var response = raw.ReadResponse();
            Assert.Equal(200, response.Status);
            Assert.Equal("Accept-Encoding", response.Header("Vary"));
            Assert.Equal(coding == "identity" ? null : coding, response.Header("Content-Encoding"));
            Assert.Equal(response.Body.Length.ToString(), response.Header("Content-Length"));
            tags[coding] = response.Header("ETag")!;
        }
        Assert.Equal(3, tags.Values.Distinct().Count());

        foreach (var (coding, tag) in tags)
        {
            raw.Send($"GET /page.html HTTP/1.1\r\nHost: x\r\nAccept-Encoding: {coding}\r\nIf-None-Match: {tag}\r\n\r\n");
            var notModified = raw.ReadResponse();
            Assert.Equal(304, notModified.Status);
            Assert.Equal(tag, notModified.Header("ETag"));
            Assert.Equal("Accept-Encoding", notModified.Header("Vary"));
        }

        raw.Send($"GET /page.html HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nIf-None-Match: {tags["br"]}\r\n\r\n");
        Assert.Equal(200, raw.ReadResponse().Status);
    }

    private const string Curl = InstalledPrograms.Curl;

    [FactNeeding(DebianPackage.Curl)]
    public async Task Curl_compressed_gets_the_files_bytes()
    {
        var (headers, body) = await CurlCompressed("/page.html");

        Assert.Matches("(?im)^content-encoding: (br|gzip)\r?$", headers);
        Assert.Equal(Page, body);
    }

    [FactNeeding(DebianPackage.Curl)]
    public async Task Curl_compressed_gets_br_for_a_large_text_file_and_its_bytes_once_decoded()
    {
        var (headers, body) = await CurlCompressed("/large.txt");

        Assert.Matches("(?im)^content-encoding: br\r?$", headers);
        Assert.Matches("(?im)^transfer-encoding: chunked\r?$", headers);
        Assert.Equal(LargeText, body);
    }

    private async Task<(string Headers, byte[] Body)> CurlCompressed(string path)
    {
        var output = Path.Combine(_www.Root, "curl-out");
        var start = new ProcessStartInfo(Curl,
            new[] { "--silent", "--show-error", "--compressed", "--max-time", "10", "-D", "-", "-o", output,
                new Uri(_server.Binding.BaseAddress, path).ToString() })
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var curl = Process.Start(start)!;
        var headers = await curl.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await curl.WaitForExitAsync(timeout.Token);

        Assert.Equal(0, curl.ExitCode);
        return (headers, await File.ReadAllBytesAsync(output));
    }
}
