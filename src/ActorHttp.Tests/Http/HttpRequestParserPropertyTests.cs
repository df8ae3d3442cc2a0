using System.Text;
using ActorHttp.Http;
using CsCheck;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Http;

/// <summary>Properties of <see cref="HttpRequestParser"/> over generated input (CsCheck), the fuzz targets beside the table.</summary>
public sealed class HttpRequestParserPropertyTests
{
    private static readonly HttpLimits Small = HttpRequestParserTable.Small;

    // ---- arbitrary input ------------------------------------------------------------------------

    /// <summary>Pieces of HTTP syntax, so random input reaches deep parser states instead of failing on byte one.</summary>
    private static readonly string[] Vocabulary =
    {
        "GET", "POST", "OPTIONS", "get", "BREW", " ", "  ", "/", "/a?b=c", "*", "http://h/p", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0",
        "\r\n", "\r\n", "\r\n", "\n", "\r", "\t", ":", ": ", "Host: h", "Host", "Content-Length: ", "Transfer-Encoding: chunked",
        "Transfer-Encoding: gzip", "Expect: 100-continue", "Connection: close", "0", "5", "a", "ff", "hello", ";x=y",
        "\u0000", "\u00ff", "\u007f", "\r\n\r\n", "0\r\n\r\n", "GET / HTTP/1.1\r\nHost: h\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n",
    };

    private static readonly Gen<byte[]> HttpLikeBytes =
        Gen.OneOf(Vocabulary).Array[0, 40].Select(words => ParserDriver.Bytes(string.Concat(words)));

    private static readonly Gen<byte[]> ArbitraryInput = Gen.Frequency(
        (1, Gen.Byte.Array[0, 300]),
        (1, Gen.Byte[(byte)'\t', (byte)'~'].Array[0, 300]),
        (4, HttpLikeBytes));

    /// <summary>Sizes of the pieces the bytes arrive in (cycled); 0 means "all the rest at once".</summary>
    private static readonly Gen<int[]> PieceSizes = Gen.Int[0, 24].Array[1, 8];

    private static IEnumerable<ReadOnlyMemory<byte>> Pieces(byte[] input, int[] sizes)
    {
        var offset = 0;
        for (var i = 0; offset < input.Length; i++)
        {
            var size = sizes[i % sizes.Length];
            if (size == 0 || size > input.Length - offset) size = input.Length - offset;
            yield return new ReadOnlyMemory<byte>(input, offset, size);
            offset += size;
        }
    }

    [Fact]
    public void Arbitrary_bytes_never_throw_and_never_make_the_connection_hold_more_than_the_limits()
    {
        Gen.Select(ArbitraryInput, PieceSizes).Sample((input, sizes) =>
        {
            var run = ParserDriver.Run(Small, Pieces(input, sizes));
            Assert.InRange(run.MaxPending, 0, HttpRequestParserTests.BufferBound(Small));
        }, iter: 3000, threads: 1);
    }

    [Fact]
    public void Arbitrary_bytes_give_the_same_outcome_however_they_are_split()
    {
        Gen.Select(ArbitraryInput, PieceSizes).Sample((input, sizes) =>
        {
            var whole = ParserDriver.Whole(Small, input).Describe();
            Assert.Equal(whole, ParserDriver.Run(Small, Pieces(input, sizes)).Describe());
            Assert.Equal(whole, ParserDriver.ByteByByte(Small, input).Describe());
        }, iter: 2000, threads: 1);
    }

    [Fact]
    public void Arbitrary_bytes_with_default_limits_never_throw()
    {
        Gen.Select(ArbitraryInput, PieceSizes).Sample((input, sizes) =>
        {
            var run = ParserDriver.Run(TestSettings.Limits, Pieces(input, sizes));
            Assert.InRange(run.MaxPending, 0, HttpRequestParserTests.BufferBound(TestSettings.Limits));
        }, iter: 1000, threads: 1);
    }

    /// <summary>A head that never ends: a request line and field lines of random lengths, up to past both limits.</summary>
    private static readonly Gen<byte[]> EndlessHead =
        from lineLength in Gen.Int[0, TestSettings.Limits.MaxRequestLineBytes + 100]
        from fieldLengths in Gen.Int[1, 4000].Array[0, 20]
        from lf in Gen.OneOf("\r\n", "\n")
        select ParserDriver.Bytes("GET /" + new string('a', lineLength) + " HTTP/1.1" + lf +
            string.Concat(fieldLengths.Select(n => "X: " + new string('v', n) + lf)) + "X: " + new string('v', 40000));

    [Fact]
    public void A_head_that_never_ends_is_rejected_before_the_connection_holds_more_than_the_limits()
    {
        Gen.Select(EndlessHead, Gen.Int[1, 4096].Array[1, 4]).Sample((input, sizes) =>
        {
            var run = ParserDriver.Run(TestSettings.Limits, Pieces(input, sizes));
            Assert.True(run.Rejection is RequestRejectionReason.RequestLineTooLong or RequestRejectionReason.HeadersTooLarge, $"{run.Rejection}");
            Assert.InRange(run.MaxPending, 0, HttpRequestParserTests.BufferBound(TestSettings.Limits));
        }, iter: 100, threads: 1);
    }

    // ---- chunk sizes against the body limit -------------------------------------------------------

    /// <summary>Chunk sizes from each range that matters: small, around the limit, and near long.MaxValue, where sums overflow.</summary>
    private static readonly Gen<long> ChunkSize = Gen.Frequency(
        (4, Gen.Long[1, Small.MaxBodyBytes + 2]),
        (1, Gen.Long[long.MaxValue - 40, long.MaxValue]),
        (1, Gen.Long[1, long.MaxValue]));

    [Fact]
    public void No_sequence_of_chunk_sizes_lets_a_buffered_body_pass_the_limit()
    {
        Gen.Select(ChunkSize.Array[1, 6], PieceSizes).Sample((sizes, pieceSizes) =>
        {
            // The chunks up to the one that takes the body past the limit; that one is followed by more data than
            // the limit, which the parser must not take.
            var wire = new StringBuilder("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
            var total = System.Numerics.BigInteger.Zero;
            long? passingDataStart = null;
            foreach (var size in sizes)
            {
                wire.Append($"{size:x}\r\n");
                total += size;
                if (total > Small.MaxBodyBytes)
                {
                    passingDataStart = wire.Length;
                    wire.Append('d', (int)Small.MaxBodyBytes + 1);
                    break;
                }
                wire.Append('d', (int)size).Append("\r\n");
            }
            if (passingDataStart is null) wire.Append("0\r\n\r\n");

            var run = ParserDriver.Run(Small, Pieces(ParserDriver.Bytes(wire.ToString()), pieceSizes));

            if (passingDataStart is { } limitPassedAt)
            {
                Assert.Equal(RequestRejectionReason.BodyTooLarge, run.Rejection);
                Assert.Empty(run.Requests);
                Assert.InRange(run.Consumed, 0, limitPassedAt);
            }
            else
            {
                Assert.Null(run.Rejection);
                Assert.Equal((long)total, Assert.Single(run.Requests).Body.Length);
            }
        }, iter: 2000, threads: 1);
    }

    // ---- well-formed requests round-trip ----------------------------------------------------------

    private enum Framing { None, ContentLength, Chunked }

    private sealed record Chunk(byte[] Data, string Extension);

    /// <summary>A request as a client would build it; <see cref="Render"/> writes it the way the wire carries it.</summary>
    private sealed record RequestModel(string Method, string Path, string? Query, HttpVersion Version, bool IncludeHost,
        (string Name, string Value, string Padding)[] Fields, Framing Framing, Chunk[] Chunks, (string Name, string Value)[] Trailers, bool BareLf)
    {
        public byte[] Body => Chunks.SelectMany(c => c.Data).ToArray();

        public string Target => Query is null ? Path : Path + "?" + Query;

        public IEnumerable<string> ExpectedHeaders()
        {
            if (IncludeHost) yield return "Host: example.com";
            foreach (var field in Fields) yield return $"{field.Name}: {field.Value}";
            if (Framing == Framing.ContentLength) yield return $"Content-Length: {Body.Length}";
            if (Framing == Framing.Chunked) yield return "Transfer-Encoding: chunked";
        }

        public string Render()
        {
            var eol = BareLf ? "\n" : "\r\n";
            var text = new StringBuilder();
            text.Append($"{Method} {Target} {Version.ToText()}{eol}");
            if (IncludeHost) text.Append("Host: example.com").Append(eol);
            foreach (var (name, value, padding) in Fields) text.Append(name).Append(':').Append(padding).Append(value).Append(padding).Append(eol);
            if (Framing == Framing.ContentLength) text.Append($"Content-Length: {Body.Length}{eol}");
            if (Framing == Framing.Chunked) text.Append($"Transfer-Encoding: chunked{eol}");
            text.Append(eol);
            if (Framing == Framing.ContentLength) text.Append(Encoding.Latin1.GetString(Body));
            if (Framing == Framing.Chunked)
            {
                foreach (var chunk in Chunks.Where(c => c.Data.Length > 0))
                    // Chunk framing is always CRLF (RFC 9112 §7.1); only the head and trailers may use a bare LF.
                    text.Append($"{chunk.Data.Length:x}{chunk.Extension}\r\n").Append(Encoding.Latin1.GetString(chunk.Data)).Append("\r\n");
                text.Append("0\r\n");
                foreach (var (name, value) in Trailers) text.Append($"{name}: {value}{eol}");
                text.Append(eol);
            }
            return text.ToString();
        }
    }

    private static Gen<string> StringOf(string alphabet, int min, int max) =>
        Gen.Char[alphabet].Array[min, max].Select(chars => new string(chars));

    private const string TChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~";
    private const string PathChars = "abcdefghijklmnopqrstuvwxyz0123456789-._~%!$&'()*+,;=:@/";
    private static readonly string[] Reserved = { "host", "content-length", "transfer-encoding", "expect" };

    private static readonly Gen<(string, string, string)> Field = Gen.Select(
        StringOf(TChars, 1, 12).Where(name => !Reserved.Contains(name.ToLowerInvariant())),
        // A value starts and ends with a visible byte; inside it may hold spaces, tabs and obs-text (RFC 9110 §5.5).
        Gen.Select(StringOf("abcXYZ019-_/;=,\"()\u00e9", 1, 1), StringOf("abc XYZ\t019-_/;=,\"\u00e9", 0, 20), StringOf("xyz\u00ff", 1, 1))
            .Select((first, middle, last) => first + middle + last),
        Gen.OneOf("", " ", "  ", "\t", " \t"));

    private static readonly Gen<Chunk> ChunkGen = Gen.Select(
        Gen.Byte.Array[0, 40],
        Gen.OneOf("", ";a", ";name=value", ";q=\"x y\"", " ;x=1"),
        (data, ext) => new Chunk(data, ext));

    private static readonly Gen<RequestModel> Request =
        from method in Gen.OneOf("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH")
        from path in StringOf(PathChars, 0, 30).Select(p => "/" + p)
        from query in StringOf(PathChars + "?", 0, 20).Null(0.4)
        from version in Gen.OneOf(HttpVersion.Http11, HttpVersion.Http10)
        from hostOn10 in Gen.Bool
        from fields in Field.Array[0, 6]
        from framing in Gen.OneOf(Framing.None, Framing.ContentLength, Framing.Chunked)
        from chunks in ChunkGen.Array[0, 4]
        from trailers in Gen.Select(StringOf(TChars, 1, 8).Where(n => !Reserved.Contains(n.ToLowerInvariant())), StringOf("abc 123", 0, 8).Select(v => v.Trim())).Array[0, 2]
        from bareLf in Gen.Frequency((5, Gen.Const(false)), (1, Gen.Const(true)))
        select new RequestModel(method, path, query, version, version == HttpVersion.Http11 || hostOn10, fields,
            // RFC 9112 §6.1: no Transfer-Encoding in HTTP/1.0.
            framing == Framing.Chunked && version == HttpVersion.Http10 ? Framing.ContentLength : framing,
            framing == Framing.None ? Array.Empty<Chunk>() : chunks,
            framing == Framing.Chunked ? trailers : Array.Empty<(string, string)>(), bareLf);

    private static void AssertParsedAs(RequestModel model, HttpRequest actual)
    {
        Assert.Equal(model.Method, actual.Method);
        Assert.Equal(model.Target, actual.Target);
        Assert.Equal(model.Path, actual.Path);
        Assert.Equal(model.Query is null ? "" : model.Query, actual.Query);
        Assert.Equal(model.Version, actual.Version);
        Assert.Equal(model.ExpectedHeaders().ToArray(), actual.Headers.Select(h => $"{h.Name}: {h.Value}").ToArray());
        Assert.Equal(model.Body, actual.Body.ToArray());
    }

    [Fact]
    public void A_well_formed_request_rendered_to_bytes_parses_back_to_itself()
    {
        Request.Sample(model =>
        {
            var run = ParserDriver.Whole(TestSettings.Limits, ParserDriver.Bytes(model.Render()));
            Assert.Null(run.Rejection);
            AssertParsedAs(model, Assert.Single(run.Requests));
        }, iter: 2000, threads: 1);
    }

    [Fact]
    public void Pipelined_well_formed_requests_arriving_in_any_pieces_parse_back_in_order()
    {
        Gen.Select(Request.Array[1, 4], PieceSizes).Sample((models, sizes) =>
        {
            var input = ParserDriver.Bytes(string.Concat(models.Select(m => m.Render())));
            var run = ParserDriver.Run(TestSettings.Limits, Pieces(input, sizes));
            Assert.Null(run.Rejection);
            Assert.Equal(models.Length, run.Requests.Count);
            for (var i = 0; i < models.Length; i++) AssertParsedAs(models[i], run.Requests[i]);
        }, iter: 1000, threads: 1);
    }
}
