using System.IO.Compression;
using ActorHttp.Http;

namespace ActorHttp.Files;

/// <summary>Compresses a small file's bytes whole with the base library's Brotli and gzip encoders.</summary>
public static class Compressor
{
    // Brotli's default window (RFC 7932 §9.1: 2^22 bytes), the one browsers' decoders are sized for.
    private const int BrotliWindow = 22;

    /// <summary>The content in <paramref name="coding"/>, at the level the settings give for it.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> content, ContentCoding coding, CompressionSettings settings)
    {
        switch (coding)
        {
            case ContentCoding.Brotli:
            {
                var bound = BrotliEncoder.GetMaxCompressedLength(content.Length);
                var buffer = new byte[bound];
                if (!BrotliEncoder.TryCompress(content, buffer, out var written, settings.BrotliQuality, BrotliWindow))
                    throw new InvalidOperationException("Brotli output exceeded its documented bound.");
                return buffer.AsSpan(0, written).ToArray();
            }
            case ContentCoding.Gzip:
            {
                using var output = new MemoryStream();
                using (var gzip = new GZipStream(output, new ZLibCompressionOptions { CompressionLevel = settings.GzipLevel }, leaveOpen: true))
                    gzip.Write(content);
                return output.ToArray();
            }
            default:
                return content.ToArray();
        }
    }
}
