using System.Text;
using ActorHttp.Http;
using static ActorHttp.Http.RequestRejectionReason;

namespace ActorHttp.Tests.Http;

/// <summary>
/// One row of the head-first table: wire bytes in, and what a connection that streams the bodies of the
/// requests <see cref="Streams"/> selects sees: one line per request ("head …", "body …", "end"), and the
/// rejection that ended the input, if any.
/// </summary>
public sealed record StreamingCase(string Name, string Wire, string[] Events, RequestRejectionReason? Rejection = null,
    Func<HttpRequest, bool>? Streams = null, HttpLimits? Limits = null)
{
    public override string ToString() => Name;
}

/// <summary>
/// The parser's head-first mode (<c>new HttpRequestParser(limits, headFirst: true)</c>): heads with a body are
/// reported on their own, and each body is then buffered or streamed as the caller chooses.
/// </summary>
public sealed class HttpRequestParserStreamingTests
{
    /// <summary>Bodies over these 16 bytes are refused when buffered and fine when streamed.</summary>
    private static readonly HttpLimits Small = HttpRequestParserTable.Small;

    private const string Host = "Host: a\r\n";
    private static readonly string Big = new('x', 40);

    public static readonly IReadOnlyList<StreamingCase> Cases = new[]
    {
        new StreamingCase("a Content-Length body larger than the body limit is streamed whole",
            "PUT /up HTTP/1.1\r\n" + Host + "Content-Length: 40\r\n\r\n" + Big,
            new[] { "head PUT /up", "body " + Big, "end" }),
        new StreamingCase("a chunked body larger than the body limit is streamed without its framing (RFC 9112 §7.1)",
            "POST /up HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked\r\n\r\n14;name=\"v\"\r\n" + Big[..20] + "\r\n14\r\n" + Big[..20] + "\r\n0\r\nX-Sum: 1\r\n\r\n",
            new[] { "head POST /up", "body " + Big, "end" }),
        new StreamingCase("a chunk of more than the body limit on its own is streamed",
            "POST /up HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked\r\n\r\n28\r\n" + Big + "\r\n0\r\n\r\n",
            new[] { "head POST /up", "body " + Big, "end" }),
        new StreamingCase("a request after a streamed body is parsed once the body ended",
            "PUT /up HTTP/1.1\r\n" + Host + "Content-Length: 3\r\n\r\nabcGET /next HTTP/1.1\r\n" + Host + "\r\n",
            new[] { "head PUT /up", "body abc", "end", "request GET /next body=" }),
        new StreamingCase("a chunked stream and a buffered body on one connection, each as chosen",
            "POST /up HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" +
            "POST /echo HTTP/1.1\r\n" + Host + "Content-Length: 2\r\n\r\nhi",
            new[] { "head POST /up", "body abc", "end", "head POST /echo", "request POST /echo body=hi" }),
        new StreamingCase("a bodyless request is complete at once, with no head of its own",
            "PUT /up HTTP/1.1\r\n" + Host + "Content-Length: 0\r\n\r\n",
            new[] { "request PUT /up body=" }),
        new StreamingCase("a buffered body over the limit is still refused with 413 before any body byte",
            "POST /echo HTTP/1.1\r\n" + Host + "Content-Length: 17\r\n\r\n",
            new[] { "head POST /echo" }, BodyTooLarge),
        new StreamingCase("buffered chunks adding up to more than the limit are refused",
            "POST /echo HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked\r\n\r\n10\r\n" + Big[..16] + "\r\n1\r\n",
            new[] { "head POST /echo" }, BodyTooLarge),
        new StreamingCase("buffered chunk sizes that add up past the largest long are refused, not wrapped round",
            "POST /echo HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked\r\n\r\n1\r\na\r\n7fffffffffffffff\r\n" + Big,
            new[] { "head POST /echo" }, BodyTooLarge),
        new StreamingCase("streamed chunk sizes that add up past the largest long are streamed as they come",
            "POST /up HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked\r\n\r\n1\r\na\r\n7fffffffffffffff\r\n" + Big,
            new[] { "head POST /up", "body a" + Big }),
        new StreamingCase("a chunk size that is not hex rejects a streamed body",
            "POST /up HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n",
            new[] { "head POST /up", "body abc" }, InvalidChunk),
        new StreamingCase("chunk data not followed by CRLF rejects a streamed body",
            "POST /up HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n",
            new[] { "head POST /up", "body abc" }, InvalidChunk),
        new StreamingCase("a bare LF in chunk framing rejects a streamed body",
            "POST /up HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n",
            new[] { "head POST /up" }, InvalidChunk),
        new StreamingCase("an over-long chunk-size line rejects a streamed body",
            "POST /up HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked\r\n\r\n1;" + new string('e', 40) + "\r\n",
            new[] { "head POST /up" }, InvalidChunk),
        new StreamingCase("an invalid trailer rejects a streamed body",
            "POST /up HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nbad trailer\r\n\r\n",
            new[] { "head POST /up", "body a" }, InvalidHeaderLine),
        new StreamingCase("a head that fails validation is rejected before any body mode is chosen",
            "POST /up HTTP/1.1\r\n" + Host + "Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
            Array.Empty<string>(), ContentLengthWithTransferEncoding),
    };

    public static IEnumerable<object[]> Names => Cases.Select(c => new object[] { c.Name });

    private static StreamingCase Find(string name) => Cases.Single(c => c.Name == name);

    /// <summary>By default the bodies of requests to /up are streamed, all others buffered.</summary>
    private static bool StreamsUploads(HttpRequest head) => head.Path == "/up";

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_row_parses_as_the_table_says_whole_and_fed_byte_by_byte(string name)
    {
        var row = Find(name);
        var input = ParserDriver.Bytes(row.Wire);
        var streams = row.Streams ?? StreamsUploads;
        var limits = row.Limits ?? Small;

        var whole = StreamingRun.Feed(limits, streams, new ReadOnlyMemory<byte>[] { input });
        var bytewise = StreamingRun.Feed(limits, streams, Enumerable.Range(0, input.Length).Select(i => new ReadOnlyMemory<byte>(input, i, 1)));

        Assert.Equal(row.Events, whole.Events);
        Assert.Equal(row.Rejection, whole.Rejection);
        Assert.Equal(whole.Describe(), bytewise.Describe());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_row_parses_the_same_split_at_every_byte(string name)
    {
        var row = Find(name);
        var input = ParserDriver.Bytes(row.Wire);
        var streams = row.Streams ?? StreamsUploads;
        var limits = row.Limits ?? Small;
        var whole = StreamingRun.Feed(limits, streams, new ReadOnlyMemory<byte>[] { input }).Describe();

        for (var at = 0; at <= input.Length; at++)
        {
            var split = StreamingRun.Feed(limits, streams,
                new[] { new ReadOnlyMemory<byte>(input, 0, at), new ReadOnlyMemory<byte>(input, at, input.Length - at) });
            Assert.Equal(whole, split.Describe());
        }
    }

    [Theory]
    [MemberData(nameof(HttpRequestParserTable.Names), MemberType = typeof(HttpRequestParserTable))]
    public void A_head_first_parser_that_buffers_every_body_parses_the_main_table_like_the_plain_parser(string name)
    {
        var row = HttpRequestParserTable.Find(name);
        var input = ParserDriver.Bytes(row.Wire);
        var plain = ParserDriver.Whole(row.EffectiveLimits, input);

        var whole = StreamingRun.Feed(row.EffectiveLimits, _ => false, new ReadOnlyMemory<byte>[] { input });
        var bytewise = StreamingRun.Feed(row.EffectiveLimits, _ => false,
            Enumerable.Range(0, input.Length).Select(i => new ReadOnlyMemory<byte>(input, i, 1)));

        Assert.Equal(plain.Describe(), whole.DescribeRequests());
        Assert.Equal(plain.Describe(), bytewise.DescribeRequests());
    }

    [Fact]
    public void A_streamed_body_is_handed_out_as_it_arrives_without_being_collected()
    {
        var parser = new HttpRequestParser(Small, headFirst: true);
        var head = parser.Parse(Ascii("PUT /up HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000\r\n\r\n"));
        Assert.Equal(ParseOutcome.Head, head.Outcome);
        parser.StreamBody();

        var total = 0L;
        var piece = new byte[4096];
        while (total < 1_000_000)
        {
            var input = piece.AsSpan(0, (int)Math.Min(piece.Length, 1_000_000 - total));
            var part = parser.Parse(input);
            Assert.Equal(ParseOutcome.BodyPart, part.Outcome);
            Assert.Equal(input.Length, part.Consumed);
            Assert.Equal(input.Length, part.PartOf(input).Length);
            total += part.PartLength;
        }
        var end = parser.Parse(ReadOnlySpan<byte>.Empty);
        Assert.Equal(ParseOutcome.Complete, end.Outcome);
        Assert.Equal(0, end.Consumed);
        Assert.True(end.Request!.Body.IsEmpty);
        Assert.False(parser.IsReadingBody);
    }

    [Fact]
    public void A_body_part_points_at_the_data_behind_the_chunk_framing_it_consumed()
    {
        var parser = new HttpRequestParser(Small, headFirst: true);
        Assert.Equal(ParseOutcome.Head, parser.Parse(Ascii("POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n")).Outcome);
        parser.StreamBody();

        var input = Ascii("5;x=1\r\nhello\r\n0\r\n\r\n");
        var part = parser.Parse(input);
        Assert.Equal(ParseOutcome.BodyPart, part.Outcome);
        Assert.Equal("5;x=1\r\nhello".Length, part.Consumed);
        Assert.Equal("hello", Encoding.ASCII.GetString(part.PartOf(input)));

        var end = parser.Parse(input.AsSpan(part.Consumed));
        Assert.Equal(ParseOutcome.Complete, end.Outcome);
        Assert.Equal("\r\n0\r\n\r\n".Length, end.Consumed);
    }

    [Fact]
    public void Expect_100_continue_awaits_continue_until_the_first_streamed_byte()
    {
        var parser = new HttpRequestParser(Small, headFirst: true);
        parser.Parse(Ascii("PUT /up HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 100\r\n\r\n"));
        parser.StreamBody();
        Assert.True(parser.AwaitsContinue);

        Assert.Equal(ParseOutcome.NeedMore, parser.Parse(ReadOnlySpan<byte>.Empty).Outcome);
        Assert.True(parser.AwaitsContinue);
        Assert.Equal(ParseOutcome.BodyPart, parser.Parse(Ascii("x")).Outcome);
        Assert.False(parser.AwaitsContinue);
    }

    [Fact]
    public void Parsing_on_after_a_head_without_choosing_a_body_mode_is_a_programming_error()
    {
        var parser = new HttpRequestParser(Small, headFirst: true);
        parser.Parse(Ascii("PUT /up HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\n"));
        Assert.Throws<InvalidOperationException>(() => parser.Parse(Ascii("x")));
        parser.StreamBody();
        Assert.Throws<InvalidOperationException>(() => parser.StreamBody());
    }

    [Fact]
    public void A_plain_parser_never_reports_a_head_on_its_own()
    {
        var parser = new HttpRequestParser(Small);
        var result = parser.Parse(Ascii("PUT /up HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n"));
        Assert.Equal(ParseOutcome.NeedMore, result.Outcome);
        Assert.Throws<InvalidOperationException>(() => parser.StreamBody());
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}

/// <summary>What a connection streaming some bodies saw; parts of one body are joined, so splitting does not show.</summary>
internal sealed record StreamingRun(IReadOnlyList<string> Events, RequestRejectionReason? Rejection, IReadOnlyList<HttpRequest> Requests)
{
    public string Describe() => string.Join("\n", Events) + "\n" + (Rejection is { } r ? $"rejected {r}" : "no rejection");

    /// <summary>The buffered requests only, rendered as <see cref="ParseRun.Describe"/> does.</summary>
    public string DescribeRequests() => new ParseRun(Requests, Rejection, 0).Describe();

    /// <summary>Feeds the pieces the way the connection actor does: parse until more input is needed.</summary>
    public static StreamingRun Feed(HttpLimits limits, Func<HttpRequest, bool> streams, IEnumerable<ReadOnlyMemory<byte>> pieces)
    {
        var parser = new HttpRequestParser(limits, headFirst: true);
        var events = new List<string>();
        var requests = new List<HttpRequest>();
        var body = new StringBuilder();
        var streaming = false;
        var buffer = new List<byte>();
        foreach (var piece in pieces)
        {
            buffer.AddRange(piece.ToArray());
            while (true)
            {
                var input = buffer.ToArray();
                var result = parser.Parse(input);
                if (result.Consumed < 0 || result.Consumed > input.Length)
                    throw new InvalidOperationException($"Consumed {result.Consumed} of {input.Length} bytes.");
                if (result.Outcome == ParseOutcome.Rejected) return new StreamingRun(Flush(), result.Rejection, requests);
                buffer.RemoveRange(0, result.Consumed);
                switch (result.Outcome)
                {
                    case ParseOutcome.NeedMore:
                        break;
                    case ParseOutcome.Head:
                        events.Add($"head {result.Request!.Method} {result.Request.Path}");
                        streaming = streams(result.Request);
                        if (streaming) parser.StreamBody();
                        else if (parser.BufferBody() is { } reason) return new StreamingRun(events, reason, requests);
                        continue;
                    case ParseOutcome.BodyPart:
                        if (result.PartLength == 0) throw new InvalidOperationException("An empty body part.");
                        body.Append(Encoding.Latin1.GetString(result.PartOf(input)));
                        continue;
                    case ParseOutcome.Complete when streaming:
                        Flush();
                        events.Add("end");
                        streaming = false;
                        continue;
                    case ParseOutcome.Complete:
                        if (result.Consumed == 0) throw new InvalidOperationException("A complete request consumed no bytes.");
                        requests.Add(result.Request!);
                        events.Add($"request {result.Request!.Method} {result.Request.Path} body={Encoding.Latin1.GetString(result.Request.Body.Span)}");
                        continue;
                }
                break;
            }
        }
        return new StreamingRun(Flush(), null, requests);

        List<string> Flush()
        {
            if (body.Length > 0) events.Add("body " + body);
            body.Clear();
            return events;
        }
    }
}
