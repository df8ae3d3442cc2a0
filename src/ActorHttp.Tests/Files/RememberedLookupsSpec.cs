using ActorHttp.Files;
using static ActorHttp.Tests.Files.Requests;

namespace ActorHttp.Tests.Files;

/// <summary>What paths resolved to is remembered within a byte budget, whatever paths a client sends.</summary>
public sealed class RememberedLookupsSpec : IDisposable
{
    private readonly TempTree _tree = new();
    private readonly string _root;

    public RememberedLookupsSpec()
    {
        _tree.Write("www/hello.html", "hello page");
        _tree.Write("www/docs/index.html", "docs index");
        _root = _tree.Full("www");
    }

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void A_flood_of_distinct_long_paths_keeps_the_remembered_lookups_within_their_byte_budget()
    {
        var files = Serve(_root, new ManualClock(Now));
        // 600 missing paths of about 8,000 characters (the default request line allows 8 KiB), each a 404 the
        // walk finds after one lstat: 9.6 MB of keys if each were remembered.
        var tail = string.Concat(Enumerable.Repeat("/" + new string('a', 250), 31));
        for (var i = 0; i < 600; i++)
            Assert.Null(files.TryServe(Get($"/docs/{i}{tail}")));

        var keys = files.RememberedPaths.ToArray();
        Assert.NotEmpty(keys);
        Assert.InRange(keys.Sum(k => 2L * k.Length), 0, StaticFiles.MaxRememberedBytes);
        Assert.InRange(files.RememberedPathBytes, 0, StaticFiles.MaxRememberedBytes);
    }

    [Fact]
    public void A_flood_of_random_missing_paths_keeps_the_remembered_lookups_within_their_byte_budget_and_files_are_still_found()
    {
        var files = Serve(_root, new ManualClock(Now));
        var random = new Random(7);
        for (var i = 0; i < 25_000; i++)
            Assert.Null(files.TryServe(Get("/" + random.NextInt64().ToString("x") + "/" + i)));

        Assert.InRange(files.RememberedPaths.Sum(k => 2L * k.Length), 0, StaticFiles.MaxRememberedBytes);
        Assert.InRange(files.RememberedPathBytes, StaticFiles.MaxRememberedBytes / 4, StaticFiles.MaxRememberedBytes);
        Assert.Equal("hello page", BodyText(files.TryServe(Get("/hello.html"))!));
    }
}
