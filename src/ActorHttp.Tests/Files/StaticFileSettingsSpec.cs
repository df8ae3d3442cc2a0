using Akka.Configuration;
using ActorHttp.Files;
using ActorHttp.Hosting;
using ActorHttp.Configuration;

namespace ActorHttp.Tests.Files;

/// <summary>The static-file keys as <see cref="ServerSettings.Create"/> reads them into <see cref="StaticFileSettings"/>.</summary>
public class StaticFileSettingsSpec
{
    private static ServerSettings Create(string body) =>
        ServerSettings.Create(ConfigurationFactory.ParseString("actorhttp {\n" + body + "\n}"));

    [Fact]
    public void The_reference_configuration_has_the_documented_defaults()
    {
        var settings = ServerSettings.Default.Files;

        Assert.Equal(Path.GetFullPath("www"), settings.Root);
        Assert.Equal(new[] { "hello.html", "index.html" }, settings.IndexFiles);
        Assert.Empty(settings.ContentTypeOverrides);
        Assert.Equal(256 * 1024, settings.SmallFileLimit);
        Assert.Equal(64 * 1024 * 1024, settings.CacheMaxBytes);
    }

    [Fact]
    public void Every_key_is_read_and_the_root_is_the_servers_full_root()
    {
        var settings = Create("""
            root = "/srv/site"
            index-files = ["index.htm"]
            content-types { ".md" = "text/markdown", "wasm" = "application/wasm" }
            files { small-file-limit = 1k, cache-max-bytes = 2m }
            """);
        var files = settings.Files;

        Assert.Equal(settings.Root, files.Root);
        Assert.Equal(Path.GetFullPath("/srv/site"), files.Root);
        Assert.Equal(new[] { "index.htm" }, files.IndexFiles);
        Assert.Equal("text/markdown", files.ContentTypeOverrides[".md"]);
        Assert.Equal("application/wasm", files.ContentTypeOverrides["wasm"]);
        Assert.Equal("application/wasm", new ContentTypes(files.ContentTypeOverrides).For("app.WASM"));
        Assert.Equal(1024, files.SmallFileLimit);
        Assert.Equal(2 * 1024 * 1024, files.CacheMaxBytes);
    }

    [Theory]
    [InlineData("index-files = [\"../secret\"]", "actorhttp.index-files")]
    [InlineData("index-files = [\"a/b.html\"]", "actorhttp.index-files")]
    [InlineData("index-files = [\"\"]", "actorhttp.index-files")]
    [InlineData("index-files = \"index.html\"", "actorhttp.index-files")]
    [InlineData("content-types { \".x\" = \"nonsense\" }", "actorhttp.content-types.\".x\"")]
    [InlineData("content-types { \".x\" = \"text/plain\\nX-Injected: 1\" }", "actorhttp.content-types.\".x\"")]
    [InlineData("content-types { \"a/b\" = \"text/plain\" }", "actorhttp.content-types.\"a/b\"")]
    [InlineData("files.small-file-limit = -1", "actorhttp.files.small-file-limit")]
    [InlineData("files.cache-max-bytes = -1", "actorhttp.files.cache-max-bytes")]
    public void Settings_that_cannot_work_are_refused_naming_the_key(string body, string key) =>
        Assert.StartsWith(key + ":", Assert.Throws<SettingsException>(() => Create(body)).Message);

    [Theory]
    [InlineData("index.html", true)]
    [InlineData("..hidden", true)]
    [InlineData("", false)]
    [InlineData(".", false)]
    [InlineData("..", false)]
    [InlineData("a/b", false)]
    [InlineData("a\\b", false)]
    [InlineData("a\0b", false)]
    [InlineData("a\nb", false)]
    public void A_plain_name_stays_inside_its_folder(string name, bool plain) =>
        Assert.Equal(plain, StaticFileSettings.IsPlainName(name));

    [Theory]
    [InlineData("404.html", true)]
    [InlineData("errors/404.html", true)]
    [InlineData("", false)]
    [InlineData("/etc/passwd", false)]
    [InlineData("errors//404.html", false)]
    [InlineData("errors/../../404.html", false)]
    [InlineData("./404.html", false)]
    public void A_relative_path_names_a_file_below_the_root(string path, bool relative) =>
        Assert.Equal(relative, StaticFileSettings.IsRelativePath(path));
}
