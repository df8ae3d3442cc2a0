using Akka.Configuration;
using ActorHttp.Configuration;
using ActorHttp.Files;
using ActorHttp.Http;
using ActorHttp.Hosting;

namespace ActorHttp.Tests.Hosting;

/// <summary>The <c>actorhttp.compression</c> keys: their defaults, values given over them, and values refused.</summary>
public sealed class CompressionSettingsSpec
{
    private static CompressionSettings Create(string hocon) =>
        ServerSettings.Create(ConfigurationFactory.ParseString(hocon)).Files.Compression;

    [Fact]
    public void The_reference_defaults_parse_to_the_documented_values()
    {
        var compression = ServerSettings.Default.Files.Compression;

        Assert.True(compression.Enabled);
        Assert.Equal(new[] { ContentCoding.Brotli, ContentCoding.Gzip }, compression.Encodings);
        Assert.Equal(1024, compression.MinLength);
        Assert.Equal(6, compression.BrotliQuality);
        Assert.Equal(6, compression.GzipLevel);
        Assert.Equal(1, compression.StreamBrotliQuality);
        Assert.Equal(1, compression.StreamGzipLevel);
        Assert.True(compression.Precompressed);
        Assert.True(compression.IsCompressible("text/html; charset=utf-8"));
        Assert.True(compression.IsCompressible("text/javascript"));
        Assert.True(compression.IsCompressible("application/wasm"));
        Assert.True(compression.IsCompressible("image/svg+xml; charset=utf-8"));
        Assert.False(compression.IsCompressible("image/png"));
        Assert.False(compression.IsCompressible("application/gzip"));
        Assert.False(compression.IsCompressible("texts/html"));
    }

    [Fact]
    public void Values_given_over_the_reference_win()
    {
        var compression = Create("""
            actorhttp.compression { enabled = off, encodings = [GZIP], min-length = 0, types = ["application/x-custom"],
              br-quality = 11, gzip-level = 9, stream-br-quality = 5, stream-gzip-level = 4, precompressed = no }
            """);

        Assert.False(compression.Enabled);
        Assert.Equal(0, compression.MinLength);
        Assert.Equal(11, compression.BrotliQuality);
        Assert.Equal(9, compression.GzipLevel);
        Assert.Equal(5, compression.StreamBrotliQuality);
        Assert.Equal(4, compression.StreamGzipLevel);
        Assert.False(compression.Precompressed);
        Assert.Equal(new[] { ContentCoding.Gzip }, compression.Encodings);
        Assert.Equal(new[] { "application/x-custom" }, compression.Types);
    }

    [Theory]
    [InlineData("actorhttp.compression.enabled = maybe", "actorhttp.compression.enabled")]
    [InlineData("actorhttp.compression.encodings = [deflate]", "actorhttp.compression.encodings[0]")]
    [InlineData("actorhttp.compression.encodings = [gzip, identity]", "actorhttp.compression.encodings[1]")]
    [InlineData("actorhttp.compression.encodings = [x-gzip]", "actorhttp.compression.encodings[0]")]
    [InlineData("actorhttp.compression.encodings = [br, br]", "actorhttp.compression.encodings")]
    [InlineData("actorhttp.compression.min-length = -1", "actorhttp.compression.min-length")]
    [InlineData("actorhttp.compression.types = [\"text\"]", "actorhttp.compression.types[0]")]
    [InlineData("actorhttp.compression.types = [\"text/html; charset=utf-8\"]", "actorhttp.compression.types[0]")]
    [InlineData("actorhttp.compression.types = [\"*/*\"]", "actorhttp.compression.types[0]")]
    [InlineData("actorhttp.compression.types = [\"text/html\", \"a/b\\r\\nX: y\"]", "actorhttp.compression.types[1]")]
    [InlineData("actorhttp.compression.br-quality = 12", "actorhttp.compression.br-quality")]
    [InlineData("actorhttp.compression.br-quality = -1", "actorhttp.compression.br-quality")]
    [InlineData("actorhttp.compression.gzip-level = 10", "actorhttp.compression.gzip-level")]
    [InlineData("actorhttp.compression.stream-br-quality = 12", "actorhttp.compression.stream-br-quality")]
    [InlineData("actorhttp.compression.stream-gzip-level = -1", "actorhttp.compression.stream-gzip-level")]
    [InlineData("actorhttp.compression.precompressed = 2", "actorhttp.compression.precompressed")]
    public void An_invalid_value_is_rejected_with_a_message_naming_the_key(string hocon, string key)
    {
        var error = Assert.Throws<SettingsException>(() => Create(hocon));

        Assert.StartsWith(key + ":", error.Message);
    }
}
