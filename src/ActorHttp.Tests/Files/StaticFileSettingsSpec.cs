using Akka.Configuration;
using ActorHttp.Files;

namespace ActorHttp.Tests.Files;

public class StaticFileSettingsSpec
{
    private static Config Section(string body) => ConfigurationFactory.ParseString("actorhttp {\n" + body + "\n}").GetConfig("actorhttp");

    [Fact]
    public void The_reference_configuration_has_the_documented_defaults()
    {
        var settings = StaticFileSettings.FromConfig(ActorHttp.Hosting.ServerSettings.Reference.GetConfig("actorhttp"), rootOverride: "www");

        Assert.Equal("www", settings.Root);
        Assert.Equal(new[] { "hello.html", "index.html" }, settings.IndexFiles);
        Assert.Empty(settings.ContentTypeOverrides);
        Assert.Equal(256 * 1024, settings.SmallFileLimit);
        Assert.Equal(64 * 1024 * 1024, settings.CacheMaxBytes);
    }

    [Fact]
    public void Every_key_is_read_and_the_root_override_wins()
    {
        var config = Section("""
            root = "/srv/site"
            index-files = ["index.htm"]
            content-types { ".md" = "text/markdown", "wasm" = "application/wasm" }
            files { small-file-limit = 1k, cache-max-bytes = 2m }
            """);

        var fromConfig = StaticFileSettings.FromConfig(config);
        var overridden = StaticFileSettings.FromConfig(config, rootOverride: "/other");

        Assert.Equal("/srv/site", fromConfig.Root);
        Assert.Equal("/other", overridden.Root);
        Assert.Equal(new[] { "index.htm" }, fromConfig.IndexFiles);
        Assert.Equal("text/markdown", fromConfig.ContentTypeOverrides[".md"]);
        Assert.Equal("application/wasm", fromConfig.ContentTypeOverrides[".wasm"]);
        Assert.Equal(1024, fromConfig.SmallFileLimit);
        Assert.Equal(2 * 1024 * 1024, fromConfig.CacheMaxBytes);
    }

    [Fact]
    public void Missing_keys_take_their_defaults() =>
        Assert.Equal(StaticFileSettings.DefaultSmallFileLimit, StaticFileSettings.FromConfig(Section(""), "www").SmallFileLimit);

    [Theory]
    [InlineData("")]
    [InlineData("index-files = [\"../secret\"]")]
    [InlineData("index-files = [\"a/b.html\"]")]
    [InlineData("content-types { \".x\" = \"nonsense\" }")]
    [InlineData("root = www\nfiles.small-file-limit = -1")]
    public void Settings_that_cannot_work_are_refused(string body) =>
        Assert.Throws<ConfigurationException>(() => StaticFileSettings.FromConfig(Section(body)));
}
