using System.IO.Compression;
using System.Text;
using ActorHttp.Files;
using ActorHttp.Http;
using static ActorHttp.Tests.Files.Requests;

namespace ActorHttp.Tests.Files;

/// <summary>
/// Which representation of a file is sent for an Accept-Encoding: a copy compressed on the fly, a precompressed
/// sibling, or the file itself; each with its own ETag, honoured by If-None-Match, and Vary on every one of them.
/// </summary>
public sealed class CompressionSpec : IDisposable
{
    private static readonly string Script = string.Concat(Enumerable.Repeat("console.log('compress me');\n", 200));
    private static readonly DateTime Later = FileTime.AddMinutes(1);

    private readonly TempTree _tree = new();
    private readonly ManualClock _clock = new(Now);
    private readonly string _root;

    public CompressionSpec()
    {
        _tree.Write("www/app.js", Script);
        _tree.Write("www/tiny.js", "x();");
        _tree.Write("www/photo.png", new byte[4096]);
        _tree.Write("www/big.js", Script + Script);
        _root = _tree.Full("www");
    }

    public void Dispose() => _tree.Dispose();

    private StaticFiles Serve(long smallFileLimit = 64 * 1024, CompressionSettings? compression = null)
    {
        var defaults = Support.TestSettings.Files(_root);
        return new StaticFiles(defaults with
        {
            SmallFileLimit = smallFileLimit,
            CacheMaxBytes = 1024 * 1024,
            Compression = compression ?? defaults.Compression,
        }, _clock);
    }

    private static HttpResponse Get(StaticFiles files, string path, params (string, string)[] headers) =>
        files.TryServe(Requests.Get(path, headers))!;

    private static byte[] Body(HttpResponse response) => response.Body switch
    {
        ResponseBody.Bytes b => b.Content.ToArray(),
        ResponseBody.File f => File.ReadAllBytes(f.Path).AsSpan((int)f.Offset, (int)f.Count).ToArray(),
        _ => Array.Empty<byte>(),
    };

    private static string Decode(HttpResponse response)
    {
        var coded = new MemoryStream(Body(response));
        Stream decoder = response.Headers.Get("Content-Encoding") switch
        {
            "br" => new BrotliStream(coded, CompressionMode.Decompress),
            "gzip" => new GZipStream(coded, CompressionMode.Decompress),
            null => coded,
            var other => throw new InvalidOperationException(other),
        };
        using var reader = new StreamReader(decoder, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [Theory]
    [InlineData("br", "br", "-br")]
    [InlineData("gzip", "gzip", "-gz")]
    [InlineData("gzip, br", "br", "-br")]
    public void A_small_compressible_file_is_compressed_on_the_fly_with_a_tag_of_its_own(string accept, string coding, string suffix)
    {
        var files = Serve();
        var identity = Get(files, "/app.js");

        var response = Get(files, "/app.js", ("Accept-Encoding", accept));

        Assert.Equal(200, response.Status);
        Assert.Equal(coding, response.Headers.Get("Content-Encoding"));
        Assert.Equal("Accept-Encoding", response.Headers.Get("Vary"));
        Assert.Equal(identity.Headers.Get("Content-Type"), response.Headers.Get("Content-Type"));
        Assert.Equal(identity.Headers.Get("ETag")![..^1] + suffix + "\"", response.Headers.Get("ETag"));
        Assert.True(Body(response).Length < Script.Length);
        Assert.Equal(Script, Decode(response));
    }

    [Fact]
    public void Identity_chosen_for_a_negotiable_file_still_carries_vary_and_no_content_encoding()
    {
        var response = Get(Serve(), "/app.js", ("Accept-Encoding", "identity"));

        Assert.Null(response.Headers.Get("Content-Encoding"));
        Assert.Equal("Accept-Encoding", response.Headers.Get("Vary"));
        Assert.Equal(Script, Decode(response));
    }

    [Theory]
    [InlineData("/tiny.js")]
    [InlineData("/photo.png")]
    public void A_file_under_min_length_or_of_a_type_not_compressed_is_sent_as_is_without_vary(string path)
    {
        var response = Get(Serve(), path, ("Accept-Encoding", "br, gzip"));

        Assert.Null(response.Headers.Get("Content-Encoding"));
        Assert.Null(response.Headers.Get("Vary"));
    }

    [Fact]
    public void With_compression_off_nothing_is_compressed_and_nothing_varies()
    {
        var response = Get(Serve(compression: CompressionSettings.Off), "/app.js", ("Accept-Encoding", "br"));

        Assert.Null(response.Headers.Get("Content-Encoding"));
        Assert.Null(response.Headers.Get("Vary"));
    }

    [Fact]
    public void If_none_match_compares_against_the_tag_of_the_chosen_coding()
    {
        var files = Serve();
        var brTag = Get(files, "/app.js", ("Accept-Encoding", "br")).Headers.Get("ETag")!;
        var identityTag = Get(files, "/app.js").Headers.Get("ETag")!;

        var notModified = Get(files, "/app.js", ("Accept-Encoding", "br"), ("If-None-Match", brTag));
        Assert.Equal(304, notModified.Status);
        Assert.Equal(brTag, notModified.Headers.Get("ETag"));
        Assert.Equal("Accept-Encoding", notModified.Headers.Get("Vary"));

        // The br tag does not validate the gzip or the identity representation, nor the identity tag the br one.
        Assert.Equal(200, Get(files, "/app.js", ("Accept-Encoding", "gzip"), ("If-None-Match", brTag)).Status);
        Assert.Equal(200, Get(files, "/app.js", ("If-None-Match", brTag)).Status);
        Assert.Equal(200, Get(files, "/app.js", ("Accept-Encoding", "br"), ("If-None-Match", identityTag)).Status);
        Assert.Equal(304, Get(files, "/app.js", ("If-None-Match", identityTag)).Status);
    }

    [Fact]
    public void A_range_request_gets_a_part_of_the_file_itself_with_vary()
    {
        var response = Get(Serve(), "/app.js", ("Accept-Encoding", "br"), ("Range", "bytes=0-9"));

        Assert.Equal(206, response.Status);
        Assert.Null(response.Headers.Get("Content-Encoding"));
        Assert.Equal("Accept-Encoding", response.Headers.Get("Vary"));
        Assert.Equal(Script[..10], BodyText(response));
    }

    [Fact]
    public void Head_gets_the_headers_get_gets()
    {
        var files = Serve();
        var get = Get(files, "/app.js", ("Accept-Encoding", "gzip"));
        var head = files.TryServe(Requests.Head("/app.js", ("Accept-Encoding", "gzip")))!;

        Assert.Equal(get.Headers.ToArray(), head.Headers.ToArray());
        Assert.Equal(Body(get).Length, Body(head).Length);
    }

    [Fact]
    public void A_compressed_copy_is_made_once_and_counted_against_the_cache_budget()
    {
        var files = Serve();
        Get(files, "/app.js");
        var identityBytes = files.Cache.Bytes;

        var first = Get(files, "/app.js", ("Accept-Encoding", "br"));
        var second = Get(files, "/app.js", ("Accept-Encoding", "br"));

        // The second request is answered from the same cached array.
        Assert.True(((ResponseBody.Bytes)first.Body).Content.Equals(((ResponseBody.Bytes)second.Body).Content));
        Assert.Equal(identityBytes + Body(first).Length, files.Cache.Bytes);
        Assert.Equal(2, files.Cache.Count);
    }

    [Fact]
    public void A_fresh_sibling_is_sent_unchanged_with_the_originals_type_and_its_own_length_and_tag()
    {
        var sibling = Encoding.ASCII.GetBytes("not really brotli, but served as is");
        _tree.Write("www/app.js.br", sibling, Later);
        var files = Serve();
        var identity = Get(files, "/app.js");

        var response = Get(files, "/app.js", ("Accept-Encoding", "br"));

        Assert.Equal("br", response.Headers.Get("Content-Encoding"));
        Assert.Equal(identity.Headers.Get("Content-Type"), response.Headers.Get("Content-Type"));
        Assert.Equal(sibling, Body(response));
        Assert.Equal(EntityTags.WithCoding(EntityTags.ForFile(sibling.Length, Later), ContentCoding.Brotli), response.Headers.Get("ETag"));
        Assert.NotEqual(identity.Headers.Get("ETag"), response.Headers.Get("ETag"));
        Assert.Equal("Accept-Encoding", identity.Headers.Get("Vary"));
        // gzip has no sibling: made on the fly.
        Assert.Equal(Script, Decode(Get(files, "/app.js", ("Accept-Encoding", "gzip"))));
    }

    [Fact]
    public void A_sibling_older_than_the_file_is_ignored()
    {
        _tree.Write("www/app.js.gz", Encoding.ASCII.GetBytes("stale"), FileTime.AddMinutes(-1));

        var response = Get(Serve(), "/app.js", ("Accept-Encoding", "gzip"));

        Assert.Equal("gzip", response.Headers.Get("Content-Encoding"));
        Assert.Equal(Script, Decode(response));
    }

    [Fact]
    public void A_large_file_goes_out_as_its_sibling_when_there_is_one_and_is_compressed_as_it_streams_otherwise()
    {
        var sibling = Encoding.ASCII.GetBytes("gzip bytes made ahead of time");
        _tree.Write("www/big.js.gz", sibling, Later);
        var files = Serve(smallFileLimit: 1024);

        var chosen = Get(files, "/big.js", ("Accept-Encoding", "gzip"));
        Assert.Equal("gzip", chosen.Headers.Get("Content-Encoding"));
        Assert.Equal(sibling, Body(chosen));

        var streamed = Get(files, "/big.js", ("Accept-Encoding", "br"));
        Assert.Equal("br", streamed.Headers.Get("Content-Encoding"));
        Assert.IsType<ResponseBody.Compressed>(streamed.Body);
    }

    [Theory]
    [InlineData("br", ContentCoding.Brotli)]
    [InlineData("gzip", ContentCoding.Gzip)]
    public void A_large_compressible_file_is_compressed_as_it_streams_under_a_weak_tag_of_its_own(string accept, ContentCoding coding)
    {
        var files = Serve(smallFileLimit: 1024);
        var identity = Get(files, "/big.js");

        var response = Get(files, "/big.js", ("Accept-Encoding", accept));

        Assert.Equal(200, response.Status);
        Assert.Equal(accept, response.Headers.Get("Content-Encoding"));
        Assert.Equal("Accept-Encoding", response.Headers.Get("Vary"));
        Assert.Equal("Accept-Encoding", identity.Headers.Get("Vary"));
        var compressed = Assert.IsType<ResponseBody.Compressed>(response.Body);
        Assert.Null(compressed.Length); // chunked: the coded length is known only at the end
        Assert.Equal(new ResponseBody.File(_tree.Full("www/big.js"), 0, 2 * Script.Length), compressed.Content);
        Assert.Equal(coding, compressed.Coding);
        var defaults = Support.TestSettings.Defaults.Files.Compression;
        Assert.Equal(coding == ContentCoding.Brotli ? defaults.StreamBrotliQuality : defaults.StreamGzipLevel, compressed.Level);
        Assert.False(compressed.FlushEachElement);
        // Another encoder setting makes other bytes from the same file: the tag is weak, and unlike identity's.
        Assert.Equal("W/" + EntityTags.WithCoding(identity.Headers.Get("ETag")!, coding), response.Headers.Get("ETag"));
    }

    [Fact]
    public void If_none_match_with_the_streamed_codings_tag_gets_304_with_that_tag_and_vary()
    {
        var files = Serve(smallFileLimit: 1024);
        var brTag = Get(files, "/big.js", ("Accept-Encoding", "br")).Headers.Get("ETag")!;

        var notModified = Get(files, "/big.js", ("Accept-Encoding", "br"), ("If-None-Match", brTag));

        Assert.Equal(304, notModified.Status);
        Assert.Equal(brTag, notModified.Headers.Get("ETag"));
        Assert.Equal("Accept-Encoding", notModified.Headers.Get("Vary"));
        Assert.Equal(200, Get(files, "/big.js", ("Accept-Encoding", "gzip"), ("If-None-Match", brTag)).Status);
        Assert.Equal(200, Get(files, "/big.js", ("If-None-Match", brTag)).Status);
    }

    [Fact]
    public void A_range_request_for_a_large_file_gets_a_part_of_the_file_itself()
    {
        var response = Get(Serve(smallFileLimit: 1024), "/big.js", ("Accept-Encoding", "br"), ("Range", "bytes=10-19"));

        Assert.Equal(206, response.Status);
        Assert.Null(response.Headers.Get("Content-Encoding"));
        Assert.Equal("Accept-Encoding", response.Headers.Get("Vary"));
        Assert.Equal(new ResponseBody.File(_tree.Full("www/big.js"), 10, 10), response.Body);
    }

    [Fact]
    public void An_http_1_0_client_which_cannot_take_chunks_gets_a_large_file_as_it_is_on_disk()
    {
        var request = Requests.Get("/big.js", ("Accept-Encoding", "br, gzip")) with { Version = HttpVersion.Http10 };

        var response = Serve(smallFileLimit: 1024).TryServe(request)!;

        Assert.Null(response.Headers.Get("Content-Encoding"));
        Assert.Equal("Accept-Encoding", response.Headers.Get("Vary"));
        Assert.IsType<ResponseBody.File>(response.Body);
    }

    [Fact]
    public void A_large_file_of_a_type_not_compressed_is_sent_as_it_is_without_vary()
    {
        _tree.Write("www/big.png", new byte[8192]);

        var response = Get(Serve(smallFileLimit: 1024), "/big.png", ("Accept-Encoding", "br"));

        Assert.Null(response.Headers.Get("Content-Encoding"));
        Assert.Null(response.Headers.Get("Vary"));
    }

    [Fact]
    public void A_sibling_requested_by_its_own_url_is_an_ordinary_file_without_content_encoding()
    {
        _tree.Write("www/app.js.gz", Encoding.ASCII.GetBytes("gz"), Later);

        var response = Get(Serve(), "/app.js.gz", ("Accept-Encoding", "gzip"));

        Assert.Equal(200, response.Status);
        Assert.Null(response.Headers.Get("Content-Encoding"));
        Assert.Equal("gz", BodyText(response));
    }

    [Fact]
    public void A_sibling_that_appears_later_makes_a_small_files_responses_vary()
    {
        var files = Serve();
        Assert.Null(Get(files, "/tiny.js").Headers.Get("Vary"));

        _tree.Write("www/tiny.js.br", Encoding.ASCII.GetBytes("b"), Later);
        _clock.Advance(StaticFiles.StatLifetime);

        Assert.Equal("Accept-Encoding", Get(files, "/tiny.js").Headers.Get("Vary"));
        Assert.Equal("b", BodyText(Get(files, "/tiny.js", ("Accept-Encoding", "br"))));
    }

    [Fact]
    public void Error_pages_are_never_compressed()
    {
        _tree.Write("www/404.html", Script);

        var page = Serve().ServeFileAs("404.html", 404, Requests.Get("/missing", ("Accept-Encoding", "br")))!;

        Assert.Null(page.Headers.Get("Content-Encoding"));
        Assert.Equal(Script, BodyText(page));
    }
}
