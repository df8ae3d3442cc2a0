using ActorHttp.Files;

namespace ActorHttp.Tests.Files;

public class RequestPathSpec
{
    // raw path, outcome, decoded segments joined by '|', canonical path, directory form
    public static TheoryData<string, PathOutcome, string, string, bool> Table => new()
    {
        { "/", PathOutcome.Mapped, "", "/", true },
        { "/hello.html", PathOutcome.Mapped, "hello.html", "/hello.html", false },
        { "/docs", PathOutcome.Mapped, "docs", "/docs", false },
        { "/docs/", PathOutcome.Mapped, "docs", "/docs", true },
        { "/a/b/c.txt", PathOutcome.Mapped, "a|b|c.txt", "/a/b/c.txt", false },
        { "//a///b", PathOutcome.Mapped, "a|b", "/a/b", false },
        { "/./a/./b", PathOutcome.Mapped, "a|b", "/a/b", false },
        { "/a/.", PathOutcome.Mapped, "a", "/a", true },
        { "/a/b/..", PathOutcome.Mapped, "a", "/a", true },
        { "/a/b/../c", PathOutcome.Mapped, "a|c", "/a/c", false },
        { "/a/%2e%2E/c", PathOutcome.Mapped, "c", "/c", false },
        { "/file%20with%20space.txt", PathOutcome.Mapped, "file with space.txt", "/file%20with%20space.txt", false },
        { "/na%C3%AFve.txt", PathOutcome.Mapped, "naïve.txt", "/na%C3%AFve.txt", false },
        { "/100%25.txt", PathOutcome.Mapped, "100%.txt", "/100%25.txt", false },
        { "/.git/../a", PathOutcome.Mapped, "a", "/a", false },
        { "/..", PathOutcome.AboveRoot, "", "", false },
        { "/../etc/passwd", PathOutcome.AboveRoot, "", "", false },
        { "/a/../../etc/passwd", PathOutcome.AboveRoot, "", "", false },
        { "/%2e%2e/etc/passwd", PathOutcome.AboveRoot, "", "", false },
        { "/%2E%2E/%2E%2E/etc/passwd", PathOutcome.AboveRoot, "", "", false },
        { "/..%2Fetc%2Fpasswd", PathOutcome.NotServable, "", "", false },
        { "/a%2Fb", PathOutcome.NotServable, "", "", false },
        { "/a%2fb", PathOutcome.NotServable, "", "", false },
        { "/..%5Cetc%5Cpasswd", PathOutcome.NotServable, "", "", false },
        { "/..\\etc\\passwd", PathOutcome.NotServable, "", "", false },
        { "/a\\b", PathOutcome.NotServable, "", "", false },
        { "/.hidden", PathOutcome.NotServable, "", "", false },
        { "/.git/config", PathOutcome.NotServable, "", "", false },
        { "/a/.secret/b", PathOutcome.NotServable, "", "", false },
        { "/%2ehtaccess", PathOutcome.NotServable, "", "", false },
        { "/...", PathOutcome.NotServable, "", "", false },
        { "hello.html", PathOutcome.NotServable, "", "", false },
        { "", PathOutcome.NotServable, "", "", false },
        { "*", PathOutcome.NotServable, "", "", false },
        { "/hello.html%00.txt", PathOutcome.Malformed, "", "", false },
        { "/%00", PathOutcome.Malformed, "", "", false },
        { "/%zz", PathOutcome.Malformed, "", "", false },
        { "/abc%", PathOutcome.Malformed, "", "", false },
        { "/abc%4", PathOutcome.Malformed, "", "", false },
        { "/abc%4g", PathOutcome.Malformed, "", "", false },
        { "/%C0%AE%C0%AE/etc/passwd", PathOutcome.Malformed, "", "", false },
        { "/%FF.txt", PathOutcome.Malformed, "", "", false },
        { "/naïve.txt", PathOutcome.Malformed, "", "", false },
        // NAME_MAX is 255 bytes of the decoded name in UTF-8, not 255 characters: no file has a longer name.
        { "/" + new string('a', 255), PathOutcome.Mapped, new string('a', 255), "/" + new string('a', 255), false },
        { "/" + new string('a', 256), PathOutcome.NotServable, "", "", false },
        { "/docs/" + new string('a', 300) + "/x", PathOutcome.NotServable, "", "", false },
        { "/" + Repeat("%C3%A9", 127) + "a", PathOutcome.Mapped, new string('é', 127) + "a", "/" + Repeat("%C3%A9", 127) + "a", false },
        { "/" + Repeat("%C3%A9", 128), PathOutcome.NotServable, "", "", false },
        { "/" + Repeat("%25", 256), PathOutcome.NotServable, "", "", false },
        // Only names that remain after normalisation are judged, as for hidden names.
        { "/" + new string('a', 300) + "/../x", PathOutcome.Mapped, "x", "/x", false },
    };

    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));

    [Theory]
    [MemberData(nameof(Table))]
    public void A_request_path_is_decoded_once_normalised_and_confined_to_the_root(
        string raw, PathOutcome outcome, string segments, string canonical, bool directoryForm)
    {
        var path = RequestPath.Map(raw);

        Assert.Equal(outcome, path.Outcome);
        if (outcome != PathOutcome.Mapped) return;
        Assert.Equal(segments, string.Join('|', path.Segments));
        Assert.Equal(canonical, path.Canonical);
        Assert.Equal(directoryForm, path.DirectoryForm);
    }

    [Fact]
    public void A_percent_sign_decoded_from_an_escape_is_not_decoded_a_second_time()
    {
        // %252e%252e is "%2e%2e" after one decoding: a literal name, not "..".
        var path = RequestPath.Map("/%252e%252e/x");

        Assert.Equal(PathOutcome.Mapped, path.Outcome);
        Assert.Equal(new[] { "%2e%2e", "x" }, path.Segments);
    }
}
