using ActorHttp.Http;

namespace ActorHttp.Files;

/// <summary>
/// How static files are compressed (the <c>compression</c> section of reference.conf): the codings offered in order
/// of preference, the size below which a file is not compressed on the fly, the media types that are, the encoders'
/// levels for copies made once and for bodies compressed as they stream, and whether precompressed siblings (<c>app.js.br</c>, <c>app.js.gz</c>) are looked for.
/// </summary>
public sealed record CompressionSettings(
    bool Enabled,
    IReadOnlyList<ContentCoding> Encodings,
    long MinLength,
    IReadOnlyList<string> Types,
    int BrotliQuality,
    int GzipLevel,
    bool Precompressed,
    int StreamBrotliQuality,
    int StreamGzipLevel)
{
    /// <summary>No compression at all: every response is identity and carries no Vary.</summary>
    public static readonly CompressionSettings Off = new(false, Array.Empty<ContentCoding>(), 0, Array.Empty<string>(), 0, 0, false, 0, 0);

    /// <summary>The level a body compressed as it streams is encoded at in <paramref name="coding"/>.</summary>
    public int StreamLevel(ContentCoding coding) => coding == ContentCoding.Brotli ? StreamBrotliQuality : StreamGzipLevel;

    /// <summary>Brotli's quality range (RFC 7932 encoders: 0 fastest, 11 smallest).</summary>
    public const int MaxBrotliQuality = 11;

    /// <summary>zlib's level range (0 stores, 9 smallest).</summary>
    public const int MaxGzipLevel = 9;

    /// <summary>
    /// True when a file of that Content-Type is compressed on the fly: its media type, parameters left out, equals one
    /// of <see cref="Types"/> or falls under a "type/*" entry, compared case-insensitively (RFC 9110 §8.3.1).
    /// </summary>
    public bool IsCompressible(string contentType)
    {
        var semicolon = contentType.IndexOf(';');
        var media = (semicolon < 0 ? contentType.AsSpan() : contentType.AsSpan(0, semicolon)).Trim(" \t");
        foreach (var type in Types)
        {
            if (type.EndsWith("/*", StringComparison.Ordinal)
                ? media.StartsWith(type.AsSpan(0, type.Length - 1), StringComparison.OrdinalIgnoreCase)
                : media.Equals(type, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    /// <summary>
    /// True for a <c>types</c> entry: a media type without parameters ("text/html") or a range ("text/*"); not "*/*",
    /// which would compress images and archives that are compressed already.
    /// </summary>
    public static bool IsMediaRange(string value) =>
        !value.Contains(';') && !value.StartsWith("*/", StringComparison.Ordinal) && (value.EndsWith("/*", StringComparison.Ordinal)
            ? ContentTypes.IsMediaType(value[..^1] + "x")
            : ContentTypes.IsMediaType(value));
}
