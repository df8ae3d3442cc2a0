using Akka;
using Akka.IO;
using Akka.Streams.Dsl;
using ActorHttp.Files;
using ActorHttp.Http;

namespace ActorHttp.Tests.Files;

/// <summary>
/// Which of a handler's streamed bodies are compressed as they stream: compressible, not already coded, not a part,
/// not an event stream, asked for by an HTTP/1.1 client; Vary on every one that could be, a weak coded ETag.
/// </summary>
public sealed class HandlerCompressionSpec
{
    private static readonly CompressionSettings Settings = Support.TestSettings.Defaults.Files.Compression;
    private static readonly Source<ByteString, NotUsed> Body = Source.Single(ByteString.FromString("hello"));

    private static HttpResponse Streamed(string contentType = "text/plain; charset=utf-8", long? knownLength = null, int status = 200,
        params (string Name, string Value)[] extra) =>
        new(status, new HttpHeaders(new[] { new HttpHeader("Content-Type", contentType) }.Concat(extra.Select(h => new HttpHeader(h.Name, h.Value)))),
            new ResponseBody.Stream(Body, knownLength));

    private static HttpRequest Request(string? acceptEncoding = "br, gzip", HttpVersion version = HttpVersion.Http11) =>
        Requests.Make("GET", "/stream", "", acceptEncoding is null ? Array.Empty<(string, string)>() : new[] { ("Accept-Encoding", acceptEncoding) })
            with { Version = version };

    [Theory]
    [InlineData("br, gzip", ContentCoding.Brotli)]
    [InlineData("gzip", ContentCoding.Gzip)]
    public void A_compressible_stream_is_compressed_with_each_element_flushed_and_a_weak_coded_tag(string accept, ContentCoding coding)
    {
        var response = Streamed(extra: ("ETag", "\"v1\""));

        var compressed = HandlerCompression.Apply(Request(accept), response, Settings);

        Assert.Equal(coding.Token(), compressed.Headers.Get("Content-Encoding"));
        Assert.Equal("Accept-Encoding", compressed.Headers.Get("Vary"));
        Assert.Equal("W/" + EntityTags.WithCoding("\"v1\"", coding), compressed.Headers.Get("ETag"));
        Assert.Single(compressed.Headers.GetAll("ETag"));
        var body = Assert.IsType<ResponseBody.Compressed>(compressed.Body);
        Assert.Equal(new ResponseBody.Compressed(response.Body, coding, Settings.StreamLevel(coding), FlushEachElement: true), body);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("identity")]
    [InlineData("deflate")]
    public void Identity_chosen_leaves_the_body_and_adds_vary(string? accept)
    {
        var response = Streamed();

        var result = HandlerCompression.Apply(Request(accept), response, Settings);

        Assert.Same(response.Body, result.Body);
        Assert.Null(result.Headers.Get("Content-Encoding"));
        Assert.Equal("Accept-Encoding", result.Headers.Get("Vary"));
    }

    [Fact]
    public void An_http_1_0_client_gets_identity_with_vary()
    {
        var result = HandlerCompression.Apply(Request(version: HttpVersion.Http10), Streamed(), Settings);

        Assert.IsType<ResponseBody.Stream>(result.Body);
        Assert.Equal("Accept-Encoding", result.Headers.Get("Vary"));
    }

    [Fact]
    public void A_vary_of_the_handlers_own_is_extended_not_repeated()
    {
        var result = HandlerCompression.Apply(Request(), Streamed(extra: ("Vary", "Cookie")), Settings);

        Assert.Equal(new[] { "Cookie, Accept-Encoding" }, result.Headers.GetAll("Vary"));
        var already = HandlerCompression.Apply(Request(), Streamed(extra: ("Vary", "accept-encoding")), Settings);
        Assert.Equal(new[] { "accept-encoding" }, already.Headers.GetAll("Vary"));
    }

    public static TheoryData<string, HttpResponse> Untouched => new()
    {
        { "already coded", Streamed(extra: ("Content-Encoding", "gzip")) },
        { "a part", Streamed(status: 206, extra: ("Content-Range", "bytes 0-4/10")) },
        { "an image", Streamed("image/png") },
        { "no type", new HttpResponse(200, HttpHeaders.Empty, new ResponseBody.Stream(Body)) },
        { "an event stream", Streamed("text/event-stream") },
        { "known to be shorter than min-length", Streamed(knownLength: 5) },
        { "bytes in memory", HttpResponse.Text(200, "hello") },
        { "no body allowed", new HttpResponse(204, HttpHeaders.Empty, new ResponseBody.Stream(Body)) },
    };

    [Theory]
    [MemberData(nameof(Untouched))]
    public void Responses_that_are_not_compressed_are_returned_as_they_are(string why, HttpResponse response)
    {
        Assert.True(ReferenceEquals(response, HandlerCompression.Apply(Request(), response, Settings)), why);
    }

    [Fact]
    public void With_compression_off_nothing_changes()
    {
        var response = Streamed();

        Assert.Same(response, HandlerCompression.Apply(Request(), response, CompressionSettings.Off));
    }
}
