using System.IO.Compression;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using ActorHttp.Http;
using ActorHttp.Streams;

namespace ActorHttp.Tests.Streams;

/// <summary>
/// Compressing a body as it streams: the coded bytes decode to the input, each pull compresses a bounded step, the
/// input is asked for only as the output is, and a stream flushed per element can be read element by element.
/// </summary>
public sealed class CompressionStageSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly IMaterializer _materializer;

    public CompressionStageSpec() => _materializer = Sys.Materializer();

    private static readonly byte[] Text = System.Text.Encoding.UTF8.GetBytes(
        string.Concat(Enumerable.Range(0, 20_000).Select(i => $"line {i}: the quick brown fox jumps over the lazy dog\n")));

    private static byte[] Decode(ContentCoding coding, byte[] coded)
    {
        using var input = new MemoryStream(coded);
        using Stream decoder = coding == ContentCoding.Brotli
            ? new BrotliStream(input, CompressionMode.Decompress)
            : new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    private List<ByteString> Run(IEnumerable<ByteString> elements, ContentCoding coding, bool flush = false, Action? taken = null) =>
        Source.From(elements)
            .Via(CompressionStage.For(coding, level: 1, flush, taken))
            .RunWith(Sink.Seq<ByteString>(), _materializer)
            .Result.ToList();

    private static IEnumerable<ByteString> Pieces(byte[] content, int size)
    {
        for (var offset = 0; offset < content.Length; offset += size)
            yield return ByteString.FromBytes(content, offset, Math.Min(size, content.Length - offset));
    }

    [Theory]
    [InlineData(ContentCoding.Brotli, 64 * 1024)]   // file-sized chunks
    [InlineData(ContentCoding.Gzip, 64 * 1024)]
    [InlineData(ContentCoding.Brotli, 1000)]        // many small elements
    [InlineData(ContentCoding.Gzip, 1000)]
    [InlineData(ContentCoding.Brotli, 1 << 30)]     // one element far larger than a step
    [InlineData(ContentCoding.Gzip, 1 << 30)]
    public void The_coded_stream_decodes_to_the_input(ContentCoding coding, int elementSize)
    {
        var coded = Run(Pieces(Text, elementSize), coding);

        Assert.Equal(Text, Decode(coding, coded.SelectMany(c => c.ToArray()).ToArray()));
        Assert.True(coded.Sum(c => c.Count) < Text.Length / 4, "text this repetitive compresses at least fourfold");
    }

    [Theory]
    [InlineData(ContentCoding.Brotli)]
    [InlineData(ContentCoding.Gzip)]
    public void An_empty_body_is_a_valid_empty_coded_stream(ContentCoding coding)
    {
        var coded = Run(Array.Empty<ByteString>(), coding);

        Assert.Empty(Decode(coding, coded.SelectMany(c => c.ToArray()).ToArray()));
    }

    [Theory]
    [InlineData(ContentCoding.Brotli)]
    [InlineData(ContentCoding.Gzip)]
    public void Each_output_element_comes_from_one_step_of_input_however_large_the_element(ContentCoding coding)
    {
        // Incompressible: the coded size is the input's, so a step's output is as large as outputs get.
        var noise = new byte[1024 * 1024];
        new Random(5).NextBytes(noise);

        var coded = Run(new[] { ByteString.FromBytes(noise) }, coding);

        Assert.True(coded.Count >= noise.Length / CompressionStage.StepBytes, $"{coded.Count} elements");
        // zlib may hold one step's output back and write it with the next one's.
        Assert.All(coded, c => Assert.InRange(c.Count, 1, 2 * CompressionStage.StepBytes + 16 * 1024));
        Assert.Equal(noise, Decode(coding, coded.SelectMany(c => c.ToArray()).ToArray()));
    }

    [Fact]
    public void Input_is_asked_for_only_as_the_consumer_acknowledges_output()
    {
        var enumerated = 0;
        IEnumerable<ByteString> Counted()
        {
            foreach (var piece in Pieces(Text, 16 * 1024))
            {
                Interlocked.Increment(ref enumerated);
                yield return piece;
            }
        }
        var consumer = CreateTestProbe();
        Source.From(Counted())
            .Via(CompressionStage.For(ContentCoding.Brotli, 1, flushEachElement: true))
            .To(Sink.ActorRefWithAck<ByteString>(consumer, "init", "ack", "done", e => e))
            .WithAttributes(Attributes.CreateInputBuffer(1, 1))
            .Run(_materializer);

        consumer.ExpectMsg("init");
        consumer.Reply("ack");
        var first = consumer.ExpectMsg<ByteString>();
        var stage = consumer.LastSender;
        consumer.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        // Unacknowledged, the stage asked for no more than the element it compressed and one a buffer holds ahead.
        Assert.InRange(Volatile.Read(ref enumerated), 1, 3);

        var coded = new List<byte>(first.ToArray());
        stage.Tell("ack", consumer.Ref);
        while (consumer.ReceiveOne(TimeSpan.FromSeconds(5)) is ByteString chunk)
        {
            coded.AddRange(chunk.ToArray());
            consumer.Reply("ack");
        }
        Assert.Equal(Text, Decode(ContentCoding.Brotli, coded.ToArray()));
    }

    [Theory]
    [InlineData(ContentCoding.Brotli)]
    [InlineData(ContentCoding.Gzip)]
    public void Flushed_per_element_each_elements_output_decodes_to_that_element_before_the_next_arrives(ContentCoding coding)
    {
        var events = new[] { "data: one\n\n", "data: two\n\n" }.Select(e => ByteString.FromString(e)).ToArray();

        var coded = Run(events, coding, flush: true);

        // A decoder given only the first output reads the whole first element.
        using var decoder = coding == ContentCoding.Brotli
            ? (Stream)new BrotliStream(new MemoryStream(coded[0].ToArray()), CompressionMode.Decompress)
            : new GZipStream(new MemoryStream(coded[0].ToArray()), CompressionMode.Decompress);
        var buffer = new byte[64];
        var read = 0;
        while (read < events[0].Count && decoder.Read(buffer, read, buffer.Length - read) is var n and > 0) read += n;
        Assert.Equal(events[0].ToArray(), buffer[..read]);
    }

    [Fact]
    public void Each_element_is_reported_taken_once_the_encoder_has_it_all()
    {
        var taken = 0;

        Run(Pieces(Text, 100 * 1024), ContentCoding.Gzip, taken: () => Interlocked.Increment(ref taken));

        Assert.Equal((Text.Length + 100 * 1024 - 1) / (100 * 1024), taken);
    }
}
