using System.Runtime.InteropServices;
using System.Text;
using ActorHttp.Files;
using ActorHttp.Http;
using static ActorHttp.Tests.Files.Requests;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Files;

/// <summary>Conditional and range responses, cache revalidation, and small versus large bodies.</summary>
public sealed class StaticFilesResponseSpec : IDisposable
{
    private const string Digits = "0123456789";
    private const string LastModifiedText = "Wed, 01 May 2024 12:30:15 GMT";

    private readonly TempTree _tree = new();
    private readonly ManualClock _clock = new(Now);
    private readonly string _root;
    private readonly string _etag = EntityTags.ForFile(Digits.Length, FileTime);

    public StaticFilesResponseSpec()
    {
        _tree.Write("www/a.txt", Digits);
        _tree.Write("www/big.bin", Encoding.ASCII.GetBytes(new string('x', 100) + Digits));
        _root = _tree.Full("www");
    }

    public void Dispose() => _tree.Dispose();

    private StaticFiles Serve(long smallFileLimit = 64, long cacheMaxBytes = 1024) =>
        Requests.Serve(_root, _clock, smallFileLimit, cacheMaxBytes);

    // request headers as "Name: value" lines joined by '|', expected status
    public static TheoryData<string, string, int> ConditionalTable => new()
    {
        { "GET", "", 200 },
        { "GET", "If-None-Match: {etag}", 304 },
        { "HEAD", "If-None-Match: {etag}", 304 },
        { "GET", "If-None-Match: W/{etag}", 304 },
        { "GET", "If-None-Match: \"other\"", 200 },
        { "GET", "If-Modified-Since: " + LastModifiedText, 304 },
        { "GET", "If-Modified-Since: Wed, 01 May 2024 12:30:14 GMT", 200 },
        { "GET", "If-Modified-Since: garbage", 200 },
        { "GET", "If-None-Match: \"other\"|If-Modified-Since: " + LastModifiedText, 200 },
        { "GET", "If-Match: {etag}", 200 },
        { "GET", "If-Match: \"other\"", 412 },
        { "GET", "If-Match: *", 200 },
        { "GET", "If-Unmodified-Since: Wed, 01 May 2024 12:30:14 GMT", 412 },
        { "GET", "If-Unmodified-Since: " + LastModifiedText, 200 },
        { "GET", "If-Match: \"other\"|If-None-Match: {etag}", 412 },
    };

    [Theory]
    [MemberData(nameof(ConditionalTable))]
    public void Conditional_requests_get_304_412_or_the_file(string method, string headers, int status)
    {
        var fields = headers.Length == 0
            ? Array.Empty<(string, string)>()
            : headers.Replace("{etag}", _etag).Split('|').Select(h => (h[..h.IndexOf(':')], h[(h.IndexOf(':') + 2)..])).ToArray();

        var response = Serve().TryServe(Make(method, "/a.txt", "", fields))!;

        Assert.Equal(status, response.Status);
    }

    [Fact]
    public void A_304_carries_the_validators_and_no_body()
    {
        var response = Serve().TryServe(Get("/a.txt", ("If-None-Match", _etag)))!;

        Assert.Equal(304, response.Status);
        Assert.Equal(_etag, response.Headers.Get("ETag"));
        Assert.Equal(LastModifiedText, response.Headers.Get("Last-Modified"));
        Assert.IsType<ResponseBody.None>(response.Body);
    }

    // Range, If-Range ("{etag}" and "{date}" are replaced), expected status, Content-Range, body
    public static TheoryData<string, string?, int, string?, string> RangeTable => new()
    {
        { "bytes=2-5", null, 206, "bytes 2-5/10", "2345" },
        { "bytes=7-", null, 206, "bytes 7-9/10", "789" },
        { "bytes=-3", null, 206, "bytes 7-9/10", "789" },
        { "bytes=0-100", null, 206, "bytes 0-9/10", Digits },
        { "bytes=10-", null, 416, "bytes */10", "" },
        { "bytes=-0", null, 416, "bytes */10", "" },
        { "bytes=5-2", null, 200, null, Digits },
        { "lines=1-2", null, 200, null, Digits },
        { "bytes=0-1,4-5", null, 200, null, Digits },
        { "bytes=2-5", "{etag}", 206, "bytes 2-5/10", "2345" },
        { "bytes=2-5", "\"other\"", 200, null, Digits },
        { "bytes=2-5", "W/{etag}", 200, null, Digits },
        { "bytes=2-5", "{date}", 206, "bytes 2-5/10", "2345" },
        { "bytes=2-5", "Wed, 01 May 2024 12:30:16 GMT", 200, null, Digits },
        { "bytes=2-5", "not a validator", 200, null, Digits },
    };

    [Theory]
    [MemberData(nameof(RangeTable))]
    public void A_single_range_gets_206_an_unsatisfiable_one_416_and_anything_else_the_whole_file(
        string range, string? ifRange, int status, string? contentRange, string body)
    {
        var headers = new List<(string, string)> { ("Range", range) };
        if (ifRange is not null) headers.Add(("If-Range", ifRange.Replace("{etag}", _etag).Replace("{date}", LastModifiedText)));

        var response = Serve().TryServe(Get("/a.txt", headers.ToArray()))!;

        Assert.Equal(status, response.Status);
        Assert.Equal(contentRange, response.Headers.Get("Content-Range"));
        Assert.Equal(body, BodyText(response));
        if (status == 206) Assert.Equal(_etag, response.Headers.Get("ETag"));
    }

    [Fact]
    public void HEAD_ignores_range_because_only_GET_defines_it()
    {
        var response = Serve().TryServe(Head("/a.txt", ("Range", "bytes=2-5")))!;

        Assert.Equal(200, response.Status);
        Assert.Null(response.Headers.Get("Content-Range"));
    }

    [Fact]
    public void A_repeated_range_header_is_ignored() =>
        Assert.Equal(200, Serve().TryServe(Get("/a.txt", ("Range", "bytes=0-1"), ("Range", "bytes=2-3")))!.Status);

    [Fact]
    public void If_range_with_a_date_is_refused_while_the_file_is_less_than_a_second_old()
    {
        // §8.8.2.2: a file written within the last second could be written again within the same second.
        var clock = new ManualClock(new DateTimeOffset(FileTime.AddMilliseconds(500)));
        var files = new StaticFiles(TestSettings.Files(_root), clock);

        var response = files.TryServe(Get("/a.txt", ("Range", "bytes=2-5"), ("If-Range", LastModifiedText)))!;

        Assert.Equal(200, response.Status);
    }

    [Fact]
    public void A_small_file_is_served_from_memory_and_a_range_of_it_is_a_slice_of_the_same_bytes()
    {
        var files = Serve();

        var full = files.TryServe(Get("/a.txt"))!;
        var part = files.TryServe(Get("/a.txt", ("Range", "bytes=3-4")))!;

        var fullBytes = Assert.IsType<ResponseBody.Bytes>(full.Body).Content;
        var partBytes = Assert.IsType<ResponseBody.Bytes>(part.Body).Content;
        Assert.True(MemoryMarshal.TryGetArray(fullBytes, out var whole));
        Assert.True(MemoryMarshal.TryGetArray(partBytes, out var slice));
        Assert.Same(whole.Array, slice.Array);
        Assert.Equal(3, slice.Offset);
        Assert.Equal(2, slice.Count);
        Assert.Equal(1, files.Cache.Count);
    }

    [Fact]
    public void A_cached_small_file_is_served_without_allocating()
    {
        var files = Requests.Serve(_root, _clock);
        var request = Get("/a.txt", ("Host", "localhost"), ("Accept", "*/*"), ("User-Agent", "spec"));
        for (var i = 0; i < 1000; i++) files.TryServe(request);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) files.TryServe(request);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void A_large_file_is_streamed_from_disk_and_a_range_of_it_is_a_region_of_the_file()
    {
        var files = Serve(smallFileLimit: 64);

        var full = files.TryServe(Get("/big.bin"))!;
        var part = files.TryServe(Get("/big.bin", ("Range", "bytes=100-104")))!;

        var fullBody = Assert.IsType<ResponseBody.File>(full.Body);
        Assert.Equal((Path.Combine(files.Root, "big.bin"), 0L, 110L), (fullBody.Path, fullBody.Offset, fullBody.Count));
        Assert.Equal(new ResponseBody.File(Path.Combine(files.Root, "big.bin"), 100, 5), part.Body);
        Assert.Equal("01234", BodyText(part));
        Assert.Equal("bytes 100-104/110", part.Headers.Get("Content-Range"));
        Assert.Equal(0, files.Cache.Count);
    }

    [Fact]
    public void A_file_of_exactly_the_small_file_limit_is_still_cached()
    {
        var files = Serve(smallFileLimit: Digits.Length);

        Assert.IsType<ResponseBody.Bytes>(files.TryServe(Get("/a.txt"))!.Body);
    }

    [Fact]
    public void A_rewritten_file_is_served_in_its_new_form_with_a_new_etag_once_the_stat_lifetime_has_passed()
    {
        var files = Serve();
        var before = files.TryServe(Get("/a.txt"))!;

        _tree.Write("www/a.txt", "new content!", FileTime.AddSeconds(30));
        var stillCached = files.TryServe(Get("/a.txt"))!;
        _clock.Advance(StaticFiles.StatLifetime);
        var after = files.TryServe(Get("/a.txt"))!;

        Assert.Equal(Digits, BodyText(before));
        Assert.Equal(Digits, BodyText(stillCached));
        Assert.Equal("new content!", BodyText(after));
        Assert.NotEqual(before.Headers.Get("ETag"), after.Headers.Get("ETag"));
        Assert.Equal("Wed, 01 May 2024 12:30:45 GMT", after.Headers.Get("Last-Modified"));
    }

    [Fact]
    public void A_rewrite_of_the_same_length_is_noticed_through_the_modification_time()
    {
        var files = Serve();
        var before = files.TryServe(Get("/a.txt"))!;

        _tree.Write("www/a.txt", "9876543210", FileTime.AddTicks(1));
        _clock.Advance(TimeSpan.FromSeconds(1));
        var after = files.TryServe(Get("/a.txt", ("If-None-Match", before.Headers.Get("ETag")!)))!;

        Assert.Equal(200, after.Status);
        Assert.Equal("9876543210", BodyText(after));
    }

    [Fact]
    public void A_file_that_grows_past_the_small_file_limit_is_then_streamed()
    {
        var files = Serve(smallFileLimit: 64);
        Assert.IsType<ResponseBody.Bytes>(files.TryServe(Get("/a.txt"))!.Body);

        _tree.Write("www/a.txt", new string('y', 200), FileTime.AddSeconds(1));
        _clock.Advance(TimeSpan.FromSeconds(1));

        var body = Assert.IsType<ResponseBody.File>(files.TryServe(Get("/a.txt"))!.Body);
        Assert.Equal(200, body.Count);
    }

    [Fact]
    public void Files_created_or_deleted_on_disk_appear_or_disappear_after_the_stat_lifetime()
    {
        var files = Serve();
        Assert.Null(files.TryServe(Get("/late.txt")));
        Assert.NotNull(files.TryServe(Get("/a.txt")));

        _tree.Write("www/late.txt", "late");
        File.Delete(_tree.Full("www/a.txt"));
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("late", BodyText(files.TryServe(Get("/late.txt"))!));
        Assert.Null(files.TryServe(Get("/a.txt")));
    }

    [Fact]
    public void The_cache_stays_within_its_byte_budget_and_keeps_the_recently_used_files()
    {
        for (var i = 0; i < 10; i++) _tree.Write($"www/f{i}.txt", Digits);
        var files = Serve(smallFileLimit: 64, cacheMaxBytes: 35);

        for (var i = 0; i < 10; i++)
        {
            files.TryServe(Get("/f0.txt"));
            _clock.Advance(TimeSpan.FromMilliseconds(1));
            files.TryServe(Get($"/f{i}.txt"));
            _clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.InRange(files.Cache.Bytes, 0, 35);
        }

        Assert.NotNull(files.Cache.Get(Path.Combine(files.Root, "f0.txt"), Digits.Length, FileTime));
        Assert.NotNull(files.Cache.Get(Path.Combine(files.Root, "f9.txt"), Digits.Length, FileTime));
        Assert.Null(files.Cache.Get(Path.Combine(files.Root, "f1.txt"), Digits.Length, FileTime));
        // Every file is still served correctly, cached or not.
        for (var i = 0; i < 10; i++) Assert.Equal(Digits, BodyText(files.TryServe(Get($"/f{i}.txt"))!));
    }

    [Fact]
    public void With_no_cache_budget_small_files_are_read_on_every_request_and_still_served_from_memory()
    {
        var files = Serve(smallFileLimit: 64, cacheMaxBytes: 0);

        var response = files.TryServe(Get("/a.txt"))!;

        Assert.IsType<ResponseBody.Bytes>(response.Body);
        Assert.Equal(Digits, BodyText(response));
        Assert.Equal(0, files.Cache.Count);
    }

    [Fact]
    public void A_modification_time_in_the_future_is_sent_as_the_current_time()
    {
        _tree.Write("www/future.txt", "x", Now.UtcDateTime.AddDays(1));

        var response = Serve().TryServe(Get("/future.txt"))!;

        Assert.Equal(HttpDate.Format(Now.UtcDateTime), response.Headers.Get("Last-Modified"));
    }

    [Fact]
    public void An_empty_file_is_served_with_an_empty_body_and_a_suffix_range_gets_all_of_it()
    {
        _tree.Write("www/empty.txt", "");
        var files = Serve();

        var full = files.TryServe(Get("/empty.txt"))!;
        var suffix = files.TryServe(Get("/empty.txt", ("Range", "bytes=-5")))!;
        var from = files.TryServe(Get("/empty.txt", ("Range", "bytes=0-")))!;

        Assert.Equal((200, 0L), (full.Status, full.Body.Length!.Value));
        Assert.Equal(200, suffix.Status);
        Assert.Equal(416, from.Status);
        Assert.Equal("bytes */0", from.Headers.Get("Content-Range"));
    }

    [Fact]
    public void A_root_given_through_a_symbolic_link_serves_its_files()
    {
        _tree.DirLink("www-link", _root);

        var files = Requests.Serve(_tree.Full("www-link"), _clock);

        Assert.Equal(Digits, BodyText(files.TryServe(Get("/a.txt"))!));
        Assert.Equal(_root, files.Root);
    }

    [Fact]
    public void A_root_that_does_not_exist_is_refused_at_start() =>
        Assert.Throws<DirectoryNotFoundException>(() => Requests.Serve(_tree.Full("nope"), _clock));
}
