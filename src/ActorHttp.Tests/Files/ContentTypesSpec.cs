using ActorHttp.Files;

namespace ActorHttp.Tests.Files;

public class ContentTypesSpec
{
    private static readonly ContentTypes Defaults = new(new Dictionary<string, string>());

    [Theory]
    [InlineData("hello.html", "text/html; charset=utf-8")]
    [InlineData("UPPER.HTML", "text/html; charset=utf-8")]
    [InlineData("style.css", "text/css; charset=utf-8")]
    [InlineData("notes.txt", "text/plain; charset=utf-8")]
    [InlineData("app.js", "text/javascript; charset=utf-8")]
    [InlineData("data.json", "application/json; charset=utf-8")]
    [InlineData("logo.svg", "image/svg+xml; charset=utf-8")]
    [InlineData("photo.png", "image/png")]
    [InlineData("photo.jpg", "image/jpeg")]
    [InlineData("font.woff2", "font/woff2")]
    [InlineData("manual.pdf", "application/pdf")]
    [InlineData("/srv/www/dir.with.dots/page.html", "text/html; charset=utf-8")]
    [InlineData("README", "application/octet-stream")]
    [InlineData("file.unknownext", "application/octet-stream")]
    public void The_content_type_comes_from_the_extension_with_utf8_on_text(string fileName, string expected) =>
        Assert.Equal(expected, Defaults.For(fileName));

    [Theory]
    [InlineData("text/plain", "text/plain; charset=utf-8")]
    [InlineData("application/javascript", "application/javascript; charset=utf-8")]
    [InlineData("application/xml", "application/xml; charset=utf-8")]
    [InlineData("application/json", "application/json; charset=utf-8")]
    [InlineData("image/svg+xml", "image/svg+xml; charset=utf-8")]
    [InlineData("text/html; charset=iso-8859-1", "text/html; charset=iso-8859-1")]
    [InlineData("application/octet-stream", "application/octet-stream")]
    [InlineData("application/wasm", "application/wasm")]
    public void Charset_is_added_to_textual_types_that_have_no_parameters(string type, string expected) =>
        Assert.Equal(expected, ContentTypes.WithCharset(type));

    [Theory]
    [InlineData("readme.md", "text/markdown; charset=utf-8")]
    [InlineData("photo.png", "image/x-custom")]
    [InlineData("legacy.txt", "text/plain; charset=iso-8859-1")]
    [InlineData("module.WASM", "application/wasm")]
    [InlineData("page.html", "text/html; charset=utf-8")]
    public void Configured_overrides_win_over_the_built_in_table(string fileName, string expected)
    {
        var types = new ContentTypes(new Dictionary<string, string>
        {
            [".md"] = "text/markdown",
            [".png"] = "image/x-custom",
            [".txt"] = "text/plain; charset=iso-8859-1",
            ["wasm"] = "application/wasm",
        });

        Assert.Equal(expected, types.For(fileName));
    }
}
