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

    [Theory]
    [InlineData("text/plain", true)]
    [InlineData("application/vnd.api+json", true)]
    [InlineData("text/plain; charset=iso-8859-1", true)]
    [InlineData("text/plain ;charset=utf-8 ; format=flowed", true)]
    [InlineData("multipart/mixed; boundary=\"a b;c\\\"d\"", true)]
    [InlineData("text/plain;", true)]
    [InlineData("", false)]
    [InlineData("nonsense", false)]
    [InlineData("text/", false)]
    [InlineData("/plain", false)]
    [InlineData("text/plain/x", false)]
    [InlineData("text /plain", false)]
    [InlineData("text/plain; charset", false)]
    [InlineData("text/plain; charset=", false)]
    [InlineData("text/plain; a=\"unterminated", false)]
    [InlineData("text/plain\r\nX-Injected: 1", false)]
    [InlineData("text/plain; a=\"b\nc\"", false)]
    [InlineData("text/plain\u00e9", false)]
    public void A_configured_content_type_must_be_a_media_type_that_fits_on_the_header_line(string value, bool valid) =>
        Assert.Equal(valid, ContentTypes.IsMediaType(value));

    [Theory]
    [InlineData(".mjs", true)]
    [InlineData("mjs", true)]
    [InlineData("", false)]
    [InlineData(".", false)]
    [InlineData("tar.gz", false)]
    [InlineData(".a/b", false)]
    public void A_content_types_key_is_one_file_extension(string key, bool valid) =>
        Assert.Equal(valid, ContentTypes.IsExtension(key));
}
