using System.Net;
using System.Net.Http;
using Akka.Actor;
using ActorHttp.Actors;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Integration;

/// <summary>Static files over real sockets: large downloads, ranges, disconnects and files changing on disk.</summary>
public sealed class StaticFileIntegrationSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private readonly TestWww _www = new();
    private readonly byte[] _big = RandomBytes(5 * 1024 * 1024 + 123, seed: 7);
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _www.Write("big.bin", _big);
        _server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _www.Dispose();
    }

    private static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task A_multi_megabyte_file_is_streamed_whole_and_byte_exact()
    {
        var response = await _server.Client.GetAsync("/big.bin");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_big.Length, response.Content.Headers.ContentLength);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(_big, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Eight_concurrent_range_requests_reassemble_to_the_exact_file()
    {
        const int parts = 8;
        var size = (_big.Length + parts - 1) / parts;
        var pieces = await Task.WhenAll(Enumerable.Range(0, parts).Select(async i =>
        {
            using var client = new HttpClient { BaseAddress = _server.Binding.BaseAddress };
            var request = new HttpRequestMessage(HttpMethod.Get, "/big.bin");
            var from = i * size;
            var to = Math.Min(_big.Length, from + size) - 1;
            request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(from, to);
            var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.Equal($"bytes {from}-{to}/{_big.Length}", response.Content.Headers.ContentRange?.ToString());
            return await response.Content.ReadAsByteArrayAsync();
        }));

        Assert.Equal(_big, pieces.SelectMany(p => p).ToArray());
    }

    [Fact]
    public void Head_of_a_large_file_gives_its_length_and_no_body_and_the_connection_goes_on()
    {
        using var raw = _server.Connect();
        raw.Send("HEAD /big.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /hello.html HTTP/1.1\r\nHost: x\r\n\r\n");

        var head = raw.ReadResponse(headRequest: true);
        Assert.Equal(200, head.Status);
        Assert.Equal(_big.Length.ToString(), head.Header("Content-Length"));
        Assert.Equal(TestWww.Hello, raw.ReadResponse().BodyText);
    }

    [Fact]
    public void A_large_file_and_then_a_pipelined_request_are_answered_in_order()
    {
        using var raw = _server.Connect();
        raw.Send("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /missing HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal(_big, raw.ReadResponse().Body);
        Assert.Equal(404, raw.ReadResponse().Status);
    }

    [Fact]
    public async Task A_client_that_disconnects_mid_download_is_cleaned_up()
    {
        using (var raw = _server.Connect())
        {
            raw.Send("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
            raw.ReadHead();
        }

        // The connection actor (and with it the file stream) goes away once the reset reaches it.
        await AwaitAssertAsync(async () =>
            Assert.Equal(0, await _server.Binding.Listener.Ask<int>(ListenerProtocol.GetOpenConnections.Instance, TimeSpan.FromSeconds(3))),
            TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task A_file_changed_on_disk_is_served_in_its_new_form_with_a_new_etag()
    {
        _www.Write("changing.txt", "first version"u8.ToArray());
        var first = await _server.Client.GetAsync("/changing.txt");
        Assert.Equal("first version", await first.Content.ReadAsStringAsync());

        var path = _www.Write("changing.txt", "the second, longer version"u8.ToArray());
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-1)); // a different modification time, too

        await AwaitAssertAsync(async () =>
        {
            var second = await _server.Client.GetAsync("/changing.txt");
            Assert.Equal("the second, longer version", await second.Content.ReadAsStringAsync());
            Assert.NotEqual(first.Headers.ETag, second.Headers.ETag);
        }, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task A_matching_if_none_match_gets_304_without_a_body()
    {
        var first = await _server.Client.GetAsync("/hello.html");
        var request = new HttpRequestMessage(HttpMethod.Get, "/hello.html");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        var second = await _server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public void A_path_escaping_the_root_is_never_served()
    {
        foreach (var target in new[] { "/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2Fetc%2Fpasswd", "/%2e%2e%5cetc%5cpasswd" })
        {
            using var raw = _server.Connect();
            raw.Send($"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n");
            var response = raw.ReadResponse();
            Assert.True(response.Status is 400 or 404, $"{target} gave {response.Status}");
            Assert.DoesNotContain("root:", response.BodyText);
        }
    }
}
