using Akka.Actor;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using ActorHttp.Streams;
using ActorHttp.Tests.Files;

namespace ActorHttp.Tests.Streams;

/// <summary>
/// Reading a region of a file into a download's few buffers: the exact bytes, in chunks no larger than a buffer,
/// and no further ahead of the consumer than the buffers it has released.
/// </summary>
public sealed class FileChunkSourceSpec : Akka.TestKit.Xunit2.TestKit
{
    private const int BufferSize = 1000;
    private readonly TempTree _tree = new();
    private readonly byte[] _content;
    private readonly string _path;
    private readonly IMaterializer _materializer;

    public FileChunkSourceSpec()
    {
        _content = new byte[10_500];
        new Random(7).NextBytes(_content);
        _path = _tree.Write("data.bin", _content);
        _materializer = Sys.Materializer();
    }

    [Theory]
    [InlineData(0, 10_500)]    // the whole file: ten full chunks and a short one
    [InlineData(1234, 5000)]   // a range starting and ending inside chunks
    [InlineData(10_499, 1)]    // the last byte
    [InlineData(0, 0)]         // nothing
    public void A_region_arrives_byte_exact_in_chunks_of_at_most_one_buffer(long offset, long count)
    {
        var buffers = new ChunkBuffers(capacity: 2, BufferSize);

        var chunks = ReadReleasingEachChunk(FileChunkSource.Create(_path, offset, count, buffers), buffers);

        Assert.All(chunks, chunk => Assert.InRange(chunk.Length, 1, BufferSize));
        Assert.Equal(_content.AsSpan((int)offset, (int)count).ToArray(), chunks.SelectMany(c => c).ToArray());
        Assert.Equal(0, buffers.Lent);
    }

    [Fact]
    public void A_file_shorter_than_the_region_ends_the_stream_early_rather_than_failing_it()
    {
        var buffers = new ChunkBuffers(capacity: 2, BufferSize);

        var chunks = ReadReleasingEachChunk(FileChunkSource.Create(_path, 10_000, 5000, buffers), buffers);

        Assert.Equal(_content.AsSpan(10_000).ToArray(), chunks.SelectMany(c => c).ToArray());
    }

    [Fact]
    public void A_missing_file_fails_the_stream()
    {
        var buffers = new ChunkBuffers(capacity: 2, BufferSize);
        var result = FileChunkSource.Create(_tree.Full("missing.bin"), 0, 10, buffers).RunWith(Sink.Ignore<ByteString>(), _materializer);

        var failure = Assert.ThrowsAny<Exception>(() => result.Wait(TimeSpan.FromSeconds(10)));
        Assert.IsType<FileNotFoundException>(failure.GetBaseException());
    }

    [Fact]
    public void It_reads_no_further_ahead_than_the_buffers_released_whatever_the_consumer_demands()
    {
        var buffers = new ChunkBuffers(capacity: 3, BufferSize);
        var consumer = CreateTestProbe();
        // Sink.ActorRef demands without limit, as a stream buffer in front of a slow socket would.
        FileChunkSource.Create(_path, 0, _content.Length, buffers)
            .RunWith(Sink.ActorRef<ByteString>(consumer, "done", e => e), _materializer);

        var received = new List<byte>();
        for (var i = 0; i < 3; i++) received.AddRange(consumer.ExpectMsg<ByteString>().ToArray());
        consumer.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(3, buffers.Lent);

        // Each release lets exactly one more chunk be read, into the buffer just released.
        while (received.Count < _content.Length)
        {
            buffers.ReleaseOldest();
            received.AddRange(consumer.ExpectMsg<ByteString>().ToArray());
        }
        consumer.ExpectMsg("done");
        Assert.Equal(_content, received.ToArray());
    }

    /// <summary>Runs the source to its end, copying each chunk out and releasing its buffer as the socket would.</summary>
    private List<byte[]> ReadReleasingEachChunk(Source<ByteString, Akka.NotUsed> source, ChunkBuffers buffers)
    {
        var chunks = source
            .Select(chunk =>
            {
                var copy = chunk.ToArray();
                buffers.ReleaseOldest();
                return copy;
            })
            .RunWith(Sink.Seq<byte[]>(), _materializer);
        Assert.True(chunks.Wait(TimeSpan.FromSeconds(10)));
        return chunks.Result.ToList();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _tree.Dispose();
    }
}
