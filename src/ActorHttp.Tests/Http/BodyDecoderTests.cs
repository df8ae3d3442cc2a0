using System.Text;
using ActorHttp.Http;
using static ActorHttp.Http.RequestRejectionReason;

namespace ActorHttp.Tests.Http;

/// <summary>
/// The body decoders fed directly: each says where the data is and where the body ends, and leaves collecting or
/// handing on the data to the parser. The parser's tables cover them through the façade; these pin the step contract.
/// </summary>
public sealed class BodyDecoderTests
{
    private static readonly HttpLimits Limits = new(64, 64, 10, 1000);

    /// <summary>Decodes to the end of the input; one line per step, data shown as text.</summary>
    private static List<string> DecodeAll(BodyDecoder decoder, string wire, long room = long.MaxValue)
    {
        var input = Encoding.ASCII.GetBytes(wire);
        var steps = new List<string>();
        var consumed = 0;
        while (true)
        {
            var step = decoder.Decode(input.AsSpan(consumed), room);
            consumed += step.Consumed;
            steps.Add(step.Step switch
            {
                BodyStep.Data => "data " + Encoding.ASCII.GetString(input, consumed - step.DataLength, step.DataLength),
                BodyStep.Rejected => "rejected " + step.Rejection,
                _ => $"{step.Step.ToString().ToLowerInvariant()} at {consumed}",
            });
            if (step.Step is not BodyStep.Data) return steps;
        }
    }

    private static ChunkedBody Chunked()
    {
        var decoder = new ChunkedBody(Limits);
        decoder.Start();
        return decoder;
    }

    [Fact]
    public void A_Content_Length_body_is_its_next_bytes_then_ends_leaving_what_follows()
    {
        var decoder = new ContentLengthBody();
        decoder.Start(5);
        Assert.Equal(new[] { "data hello", "end at 5" }, DecodeAll(decoder, "helloGET /"));
    }

    [Fact]
    public void A_Content_Length_body_arriving_in_pieces_asks_for_more_between_them()
    {
        var decoder = new ContentLengthBody();
        decoder.Start(5);
        Assert.Equal(new[] { "data hel", "needmore at 3" }, DecodeAll(decoder, "hel"));
        Assert.Equal(new[] { "data lo", "end at 2" }, DecodeAll(decoder, "lo"));
    }

    [Fact]
    public void Each_chunk_is_reported_as_the_data_behind_its_framing_and_the_trailers_end_the_body()
    {
        var wire = "3;x=\"y\"\r\nabc\r\n2\r\nde\r\n0\r\nX-Sum: 5\r\n\r\nnext";
        Assert.Equal(new[] { "data abc", "data de", $"end at {wire.Length - 4}" }, DecodeAll(Chunked(), wire));
    }

    [Fact]
    public void A_chunk_larger_than_the_room_is_refused_at_its_size_line_before_its_data()
    {
        Assert.Equal(new[] { "data abc", "rejected BodyTooLarge" }, DecodeAll(Chunked(), "3\r\nabc\r\n5\r\nhello\r\n0\r\n\r\n", room: 4));
    }

    [Fact]
    public void A_chunk_exactly_as_large_as_the_room_is_taken()
    {
        Assert.Equal(new[] { "data hello", "end at 15" }, DecodeAll(Chunked(), "5\r\nhello\r\n0\r\n\r\n", room: 5));
    }

    [Fact]
    public void A_chunked_body_cut_anywhere_resumes_where_it_stopped()
    {
        var decoder = Chunked();
        Assert.Equal(new[] { "data ab", "needmore at 5" }, DecodeAll(decoder, "4\r\nab"));
        // The CRLF after the data is consumed whole or not at all; a size line only once its LF is in.
        Assert.Equal(new[] { "data cd", "needmore at 2" }, DecodeAll(decoder, "cd\r"));
        Assert.Equal(new[] { "needmore at 2" }, DecodeAll(decoder, "\r\n0\r"));
        Assert.Equal(new[] { "end at 5" }, DecodeAll(decoder, "0\r\n\r\n"));
    }

    [Theory]
    [InlineData("3\nabc\r\n", "rejected InvalidChunk")]       // a bare LF in chunk framing (RFC 9112 §7.1)
    [InlineData("3 \r\nabc\r\n", "rejected InvalidChunk")]    // whitespace where the grammar has no BWS
    [InlineData("10000000000000000\r\n", "rejected InvalidChunk")] // past long.MaxValue
    [InlineData("0\r\n bad: fold\r\n\r\n", "rejected ObsoleteLineFolding")]
    [InlineData("0\r\nno colon\r\n\r\n", "rejected InvalidHeaderLine")]
    public void Malformed_chunk_framing_is_refused(string wire, string last) =>
        Assert.Equal(last, DecodeAll(Chunked(), wire)[^1]);

    [Fact]
    public void A_chunk_size_line_longer_than_a_request_line_may_be_is_refused_before_its_end_arrives()
    {
        Assert.Equal(new[] { "rejected " + InvalidChunk }, DecodeAll(Chunked(), "1;" + new string('e', Limits.MaxRequestLineBytes)));
    }

    [Fact]
    public void A_trailer_section_larger_than_a_header_section_may_be_is_refused()
    {
        var trailer = "X-T: " + new string('v', Limits.MaxHeaderBytes) + "\r\n";
        Assert.Equal(new[] { "rejected " + HeadersTooLarge }, DecodeAll(Chunked(), "0\r\n" + trailer + "\r\n"));
    }

    [Fact]
    public void A_decoder_started_again_reads_a_new_body_from_its_first_size_line()
    {
        var decoder = Chunked();
        Assert.Equal(new[] { "data ab", "needmore at 5" }, DecodeAll(decoder, "4\r\nab"));
        decoder.Start();
        Assert.Equal(new[] { "data xy", "end at 12" }, DecodeAll(decoder, "2\r\nxy\r\n0\r\n\r\n"));
    }
}
