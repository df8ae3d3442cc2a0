using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using Akka.Actor;
using ActorHttp.Routing;
using ActorHttp.Tests.Routing;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Integration;

/// <summary>
/// Uploads over real sockets to a route that streams its body, with the body limit at 1 MB: bodies many
/// times larger arrive whole, so they cannot have been buffered whole.
/// </summary>
public sealed class UploadIntegrationSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private const int MaxBody = 1_000_000;

    private readonly TestWww _www = new();
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        var routes = new RouteBuilder()
            .Map("PUT", "/files/{name}", Props.Create(() => new DigestUploadHandler(TestActor)), streamBody: true)
            .Map("PUT", "/stored/{name}", Props.Create(() => new FileUploadHandler(_www.Root)), streamBody: true)
            .Build();
        _server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root, $"actorhttp.limits.max-body = {MaxBody}"), routes);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _www.Dispose();
    }

    /// <summary>A deterministic body of any length, produced as it is read, with its expected digest.</summary>
    private sealed class GeneratedBody : Stream
    {
        private readonly long _length;
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _position;

        public GeneratedBody(long length) => _length = length;

        public string ExpectedReply => $"{_length} {Convert.ToHexString(_hash.GetCurrentHash()).ToLowerInvariant()}";

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, _length - _position);
            for (var i = 0; i < n; i++) buffer[offset + i] = (byte)((_position + i) * 7 % 251);
            _hash.AppendData(buffer, offset, n);
            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task A_50_MB_upload_with_Content_Length_reaches_the_handler_whole_past_a_1_MB_body_limit()
    {
        const long length = 50L * 1024 * 1024;
        var body = new GeneratedBody(length);
        var content = new StreamContent(body, 64 * 1024);
        content.Headers.ContentLength = length;

        var response = await _server.Client.PutAsync("/files/big.bin", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body.ExpectedReply, await response.Content.ReadAsStringAsync());
        Assert.Equal("big.bin", ExpectMsg<UploadStarted>().Head.RouteValue("name"));
        Assert.Equal(length, ExpectMsg<UploadEnded>().Count);
    }

    [Fact]
    public async Task A_chunked_upload_reaches_the_handler_whole_past_a_1_MB_body_limit()
    {
        var body = new GeneratedBody(8L * 1024 * 1024);
        var content = new StreamContent(body, 16 * 1024); // no length: HttpClient sends it chunked
        var request = new HttpRequestMessage(HttpMethod.Put, "/files/chunked.bin") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await _server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body.ExpectedReply, await response.Content.ReadAsStringAsync());
        Assert.Equal("chunked", ExpectMsg<UploadStarted>().Head.Headers.Get("Transfer-Encoding"));
    }

    [Fact]
    public void A_client_that_disconnects_mid_upload_fails_the_handlers_stream_and_leaves_nothing_behind()
    {
        var raw = _server.Connect();
        raw.Send("PUT /files/cut.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n");
        raw.Send(new byte[2 * MaxBody]);
        var started = ExpectMsg<UploadStarted>();
        Watch(started.Handler);
        Watch(started.Connection);

        raw.Dispose();

        var seen = ReceiveN(3, TimeSpan.FromSeconds(10)); // the failure and the two stops, in any order
        Assert.IsType<IOException>(Assert.Single(seen.OfType<UploadFailed>()).Cause);
        Assert.Equal(new HashSet<IActorRef> { started.Handler, started.Connection }, seen.OfType<Terminated>().Select(t => t.ActorRef).ToHashSet());
    }

    [Fact]
    public async Task The_readme_upload_handler_stores_a_body_in_a_file()
    {
        var bytes = Enumerable.Range(0, 3 * MaxBody).Select(i => (byte)i).ToArray();

        var response = await _server.Client.PutAsync("/stored/upload.bin", new ByteArrayContent(bytes));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(_www.Root, "upload.bin")));
    }

    [Fact]
    public void The_connection_serves_the_next_request_after_an_upload()
    {
        using var raw = _server.Connect();
        raw.Send("PUT /files/small HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
        var upload = raw.ReadResponse();
        Assert.Equal(200, upload.Status);
        Assert.StartsWith("3 ", upload.BodyText);
        raw.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(TestWww.Hello, raw.ReadResponse().BodyText);
    }
}
