using System.Buffers;
using System.IO.Compression;
using ActorHttp.Http;

namespace ActorHttp.Streams;

/// <summary>
/// A content coding's encoder fed piece by piece (RFC 7932 Brotli, RFC 1952 gzip): each call writes what the encoder
/// has ready into the output and keeps only the encoder's own state, whose size is fixed by its level and window, not
/// by how much has gone through it. Not thread-safe: one per response, used by one stream stage.
/// </summary>
public abstract class ChunkEncoder : IDisposable
{
    /// <summary>
    /// Brotli's window for a stream, 2^18 bytes (RFC 7932 §9.1 allows 2^10 to 2^24): the ring buffer each encoder holds
    /// is this large whatever the body's length, a quarter of a MiB per compressing connection, where the default
    /// 2^22 would be four MiB for a few per cent of ratio.
    /// </summary>
    public const int BrotliStreamWindow = 18;

    /// <summary>An encoder for <paramref name="coding"/> at <paramref name="level"/> (Brotli quality, or zlib level).</summary>
    public static ChunkEncoder For(ContentCoding coding, int level) => coding switch
    {
        ContentCoding.Brotli => new Brotli(level),
        ContentCoding.Gzip => new Gzip(level),
        _ => throw new ArgumentOutOfRangeException(nameof(coding), coding, "identity needs no encoder"),
    };

    /// <summary>Takes all of <paramref name="input"/>; writes what is ready of the coded stream into <paramref name="output"/>.</summary>
    public abstract void Compress(ReadOnlySpan<byte> input, IBufferWriter<byte> output);

    /// <summary>
    /// Writes everything taken so far in a form the client can decode now (Brotli's flush, zlib's sync flush), at the
    /// cost of a few bytes and of the matches a later piece could have made with the earlier ones.
    /// </summary>
    public abstract void Flush(IBufferWriter<byte> output);

    /// <summary>Writes the end of the coded stream (the last block, gzip's trailer). Nothing may be compressed after it.</summary>
    public abstract void Finish(IBufferWriter<byte> output);

    public abstract void Dispose();

    // The base library's BrotliEncoder, whose native state is released by Dispose (and by its finalizer otherwise).
    private sealed class Brotli : ChunkEncoder
    {
        // Room asked of the output per call; the encoder writes less when it has less ready and is called again.
        private const int OutputStep = 16 * 1024;
        private BrotliEncoder _encoder;

        public Brotli(int quality) => _encoder = new BrotliEncoder(quality, BrotliStreamWindow);

        public override void Compress(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
        {
            while (true)
            {
                var status = _encoder.Compress(input, output.GetSpan(OutputStep), out var consumed, out var written, isFinalBlock: false);
                output.Advance(written);
                input = input[consumed..];
                if (status == OperationStatus.DestinationTooSmall) continue;
                if (input.IsEmpty) return;
                if (status == OperationStatus.InvalidData || (consumed == 0 && written == 0))
                    throw new InvalidOperationException("The Brotli encoder refused its input.");
            }
        }

        public override void Flush(IBufferWriter<byte> output) => Drain(output, finish: false);

        public override void Finish(IBufferWriter<byte> output) => Drain(output, finish: true);

        private void Drain(IBufferWriter<byte> output, bool finish)
        {
            OperationStatus status;
            do
            {
                var span = output.GetSpan(OutputStep);
                int written;
                status = finish
                    ? _encoder.Compress(ReadOnlySpan<byte>.Empty, span, out _, out written, isFinalBlock: true)
                    : _encoder.Flush(span, out written);
                output.Advance(written);
                if (status == OperationStatus.InvalidData) throw new InvalidOperationException("The Brotli encoder failed to flush.");
            } while (status != OperationStatus.Done);
        }

        public override void Dispose() => _encoder.Dispose();
    }

    // The base library has no span API for deflate; GZipStream over a stream that writes into the current output is
    // the same zlib, and writes out whatever its 8 KiB buffer holds on every call to Flush.
    private sealed class Gzip : ChunkEncoder
    {
        private readonly OutputStream _sink = new();
        private readonly GZipStream _gzip;

        public Gzip(int level) => _gzip = new GZipStream(_sink, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true);

        public override void Compress(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
        {
            _sink.Target = output;
            _gzip.Write(input);
            _sink.Target = null;
        }

        public override void Flush(IBufferWriter<byte> output)
        {
            _sink.Target = output;
            _gzip.Flush();
            _sink.Target = null;
        }

        public override void Finish(IBufferWriter<byte> output)
        {
            _sink.Target = output;
            _gzip.Dispose();
            _sink.Target = null;
        }

        public override void Dispose() => _gzip.Dispose(); // after Finish, a no-op; before it, frees zlib's state

        // Writable only while an output is set: the encoder writes into it synchronously within the calls above.
        private sealed class OutputStream : Stream
        {
            public IBufferWriter<byte>? Target;

            public override void Write(ReadOnlySpan<byte> buffer)
            {
                if (Target is null) return; // the stream was disposed without Finish: what is left is dropped
                buffer.CopyTo(Target.GetSpan(buffer.Length));
                Target.Advance(buffer.Length);
            }

            public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
            public override void Flush() { }
            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
        }
    }
}
