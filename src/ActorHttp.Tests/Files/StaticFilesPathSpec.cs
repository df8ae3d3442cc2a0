using ActorHttp.Files;
using ActorHttp.Http;
using static ActorHttp.Tests.Files.Requests;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Files;

/// <summary>
/// A document root "www" beside a folder "outside" holding a secret, with links pointing in and out.
/// Shared by every test in <see cref="StaticFilesPathSpec"/>; none of them changes it.
/// </summary>
public sealed class TraversalTree : IDisposable
{
    private readonly TempTree _tree = new();

    public TraversalTree()
    {
        _tree.Write("outside/secret.txt", "secret");
        _tree.Write("outside/dir/secret.txt", "secret");
        _tree.Write("www/hello.html", "hello page");
        _tree.Write("www/404.html", "not found page");
        _tree.Write("www/a.txt", "0123456789");
        _tree.Write("www/docs/index.html", "docs index");
        _tree.Write("www/both/hello.html", "hello wins");
        _tree.Write("www/both/index.html", "index loses");
        _tree.Dir("www/empty-dir");
        _tree.Write("www/.hidden.txt", "hidden");
        _tree.Write("www/.git/config", "hidden");
        _tree.Write("www/sub/.secret/x.txt", "hidden");
        _tree.Write("www/file with space.txt", "spaced");
        _tree.Write("www/naïve.txt", "accented");
        _tree.Write("www/100%.txt", "percent");
        _tree.FileLink("www/link-in.txt", "a.txt");
        _tree.DirLink("www/link-in-dir", "docs");
        _tree.FileLink("www/link-out.txt", "../outside/secret.txt");
        _tree.FileLink("www/link-abs-out.txt", _tree.Full("outside/secret.txt"));
        _tree.DirLink("www/link-dir-out", "../outside");
        _tree.FileLink("www/link-to-link-out.txt", "link-out.txt");
        _tree.FileLink("www/docs/link-up-and-in.txt", "../a.txt");
        _tree.FileLink("www/docs/link-up-and-out.txt", "../../outside/secret.txt");
        // A link into the root through a folder that is itself a link out of it.
        _tree.DirLink("www/via", "link-dir-out/dir");
        _tree.FileLink("www/loop1", "loop2");
        _tree.FileLink("www/loop2", "loop1");
        _tree.FileLink("www/dangling.txt", "nowhere.txt");
        Root = _tree.Full("www");
        Files = new StaticFiles(TestSettings.Files(Root), new ManualClock(Now));
    }

    public string Root { get; }

    public StaticFiles Files { get; }

    public void Dispose() => _tree.Dispose();
}

public class StaticFilesPathSpec : IClassFixture<TraversalTree>
{
    private readonly StaticFiles _files;

    public StaticFilesPathSpec(TraversalTree tree) => _files = tree.Files;

    // raw request path, expected status (404 = no response), expected body for a 200
    public static TheoryData<string, int, string?> Table => new()
    {
        { "/", 200, "hello page" },
        { "/hello.html", 200, "hello page" },
        { "/docs/", 200, "docs index" },
        { "/docs/index.html", 200, "docs index" },
        { "/both/", 200, "hello wins" },
        { "//hello.html", 200, "hello page" },
        { "/./hello.html", 200, "hello page" },
        { "/docs/../hello.html", 200, "hello page" },
        { "/file%20with%20space.txt", 200, "spaced" },
        { "/na%C3%AFve.txt", 200, "accented" },
        { "/100%25.txt", 200, "percent" },
        { "/link-in.txt", 200, "0123456789" },
        { "/link-in-dir/", 200, "docs index" },
        { "/docs/link-up-and-in.txt", 200, "0123456789" },
        { "/docs", 301, null },
        { "/empty-dir/", 404, null },
        { "/missing.html", 404, null },
        { "/a.txt/", 404, null },
        { "/hello.html/x", 404, null },
        // traversal with dot-segments, raw or encoded: refused before the file system is asked
        { "/../outside/secret.txt", 400, null },
        { "/%2e%2e/outside/secret.txt", 400, null },
        { "/%2E%2E/outside/secret.txt", 400, null },
        { "/docs/../../outside/secret.txt", 400, null },
        { "/docs/%2e%2e/%2e%2e/outside/secret.txt", 400, null },
        // encoded slashes and backslashes never separate names
        { "/..%2Foutside%2Fsecret.txt", 404, null },
        { "/docs%2F..%2F..%2Foutside%2Fsecret.txt", 404, null },
        { "/..%5Coutside%5Csecret.txt", 404, null },
        { "/..\\outside\\secret.txt", 404, null },
        { "/docs%5Cindex.html", 404, null },
        // NUL and broken escapes
        { "/hello.html%00.txt", 400, null },
        { "/hello.html%00", 400, null },
        { "/%zz", 400, null },
        { "/hello.html%", 400, null },
        { "/%C0%AE%C0%AE/outside/secret.txt", 400, null },
        { "/naïve.txt", 400, null },
        // hidden names
        { "/.hidden.txt", 404, null },
        { "/%2ehidden.txt", 404, null },
        { "/.git/config", 404, null },
        { "/.git/", 404, null },
        { "/sub/.secret/x.txt", 404, null },
        // symbolic links whose real location is outside the root
        { "/link-out.txt", 404, null },
        { "/link-abs-out.txt", 404, null },
        { "/link-dir-out/secret.txt", 404, null },
        { "/link-dir-out/", 404, null },
        { "/link-to-link-out.txt", 404, null },
        { "/docs/link-up-and-out.txt", 404, null },
        { "/via/secret.txt", 404, null },
        { "/loop1", 404, null },
        { "/dangling.txt", 404, null },
        // names no file system accepts (NAME_MAX): not found, never an error
        { "/" + new string('a', 256), 404, null },
        { "/docs/" + new string('a', 300), 404, null },
        { "/docs/" + new string('a', 300) + "/index.html", 404, null },
        { "/%0d%0a%1b" + new string('a', 300), 404, null },
        // not an origin-form path
        { "hello.html", 404, null },
        { "*", 404, null },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Only_files_really_inside_the_root_are_served(string path, int status, string? body)
    {
        var response = _files.TryServe(Get(path));

        Assert.Equal(status, response?.Status ?? 404);
        if (body is not null) Assert.Equal(body, BodyText(response!));
    }

    [Theory]
    [InlineData("/docs", "", "/docs/")]
    [InlineData("/docs", "a=1&b=%20", "/docs/?a=1&b=%20")]
    [InlineData("/docs/../docs", "", "/docs/")]
    [InlineData("//docs", "", "/docs/")]
    [InlineData("/link-in-dir", "", "/link-in-dir/")]
    [InlineData("/empty-dir", "x", "/empty-dir/?x")]
    public void A_directory_without_its_slash_is_redirected_to_the_slash_form_keeping_the_query(string path, string query, string location)
    {
        var response = _files.TryServe(Make("GET", path, query))!;

        Assert.Equal(301, response.Status);
        Assert.Equal(location, response.Headers.Get("Location"));
    }

    [Theory]
    [InlineData("/hello.html", 200)]
    [InlineData("/docs/", 200)]
    [InlineData("/docs", 301)]
    [InlineData("/missing.html", 404)]
    [InlineData("/.hidden.txt", 404)]
    [InlineData("/100%", 404)]
    [InlineData("/%zz", 404)]
    [InlineData("/../outside/secret.txt", 404)]
    public void Serving_only_what_is_found_answers_as_usual_where_something_is_there_and_null_for_any_other_path(string path, int status) =>
        Assert.Equal(status, _files.TryServeFound(Get(path))?.Status ?? 404);

    [Fact]
    public void A_malformed_escape_is_answered_with_a_short_text_400()
    {
        var response = _files.TryServe(Get("/%G0"))!;

        Assert.Equal(400, response.Status);
        Assert.StartsWith("text/plain", response.Headers.Get("Content-Type"));
        Assert.Contains("Bad Request", BodyText(response));
    }

    [Theory]
    [InlineData("POST", "/hello.html")]
    [InlineData("PUT", "/a.txt")]
    [InlineData("DELETE", "/docs/")]
    [InlineData("OPTIONS", "/")]
    [InlineData("get", "/hello.html")]
    [InlineData("POST", "/docs")]
    public void Methods_other_than_GET_and_HEAD_get_405_with_Allow(string method, string path)
    {
        var response = _files.TryServe(Make(method, path, "", ("If-None-Match", "*")))!;

        Assert.Equal(405, response.Status);
        Assert.Equal("GET, HEAD", response.Headers.Get("Allow"));
    }

    [Theory]
    [InlineData("POST", "/missing.html")]
    [InlineData("DELETE", "/.git/config")]
    public void A_method_on_a_path_that_maps_to_no_file_is_still_a_404(string method, string path) =>
        Assert.Null(_files.TryServe(Make(method, path)));

    [Theory]
    [InlineData("/hello.html")]
    [InlineData("/")]
    [InlineData("/docs")]
    public void HEAD_gets_the_same_status_and_headers_as_GET(string path)
    {
        var get = _files.TryServe(Get(path))!;
        var head = _files.TryServe(Head(path))!;

        Assert.Equal(get.Status, head.Status);
        Assert.Equal(get.Headers.ToArray(), head.Headers.ToArray());
        Assert.Equal(get.Body.Length, head.Body.Length);
    }

    [Fact]
    public void A_file_response_carries_type_validators_and_accept_ranges()
    {
        var response = _files.TryServe(Get("/hello.html"))!;

        Assert.Equal(200, response.Status);
        Assert.Equal("text/html; charset=utf-8", response.Headers.Get("Content-Type"));
        Assert.Equal("Wed, 01 May 2024 12:30:15 GMT", response.Headers.Get("Last-Modified"));
        Assert.Equal(EntityTags.ForFile(10, FileTime), response.Headers.Get("ETag"));
        Assert.Equal("bytes", response.Headers.Get("Accept-Ranges"));
        Assert.Null(response.Headers.Get("Date"));
        Assert.Null(response.Headers.Get("Content-Length"));
        Assert.Null(response.Headers.Get("Connection"));
    }

    [Fact]
    public void The_error_page_is_served_with_the_given_status_and_no_validators()
    {
        var response = _files.ServeFileAs("404.html", 404, Get("/missing"))!;

        Assert.Equal(404, response.Status);
        Assert.Equal("text/html; charset=utf-8", response.Headers.Get("Content-Type"));
        Assert.Null(response.Headers.Get("ETag"));
        Assert.Equal("not found page", BodyText(response));
    }

    [Theory]
    [InlineData("missing.html")]
    [InlineData("docs")]
    [InlineData("../outside/secret.txt")]
    [InlineData("link-out.txt")]
    public void An_error_page_that_is_not_a_file_inside_the_root_is_null(string relativePath) =>
        Assert.Null(_files.ServeFileAs(relativePath, 404, Get("/x")));
}
