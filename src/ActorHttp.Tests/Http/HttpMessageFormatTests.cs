using System.Diagnostics;
using ActorHttp.Http;
using CsCheck;

namespace ActorHttp.Tests.Http;

/// <summary>
/// <see cref="HttpMessageFormat"/>, the binary form of requests and responses that cross nodes: every generated
/// message comes back equal, bodies included; what is not an encoded message is refused, never half read.
/// </summary>
public sealed class HttpMessageFormatTests
{
    // Any UTF-16 text but lone surrogates, which no header or path decoded from bytes can hold.
    private static readonly Gen<string> Text = Gen.Char.Where(c => !char.IsSurrogate(c)).Array[0, 40].Select(chars => new string(chars));

    private static readonly Gen<HttpHeaders> Headers =
        Gen.Select(Text, Text, (name, value) => new HttpHeader(name, value)).Array[0, 12].Select(fields => new HttpHeaders(fields));

    private static readonly Gen<byte[]> Body = Gen.Frequency((3, Gen.Byte.Array[0, 300]), (1, Gen.Byte.Array[0, 70_000]));

    private static readonly Gen<ActivityContext> Trace = Gen.Frequency(
        (1, Gen.Const(default(ActivityContext))),
        (1, Gen.Byte.Array[16].Select(Gen.Byte.Array[8], Gen.Bool, (trace, span, sampled) => new ActivityContext(
            ActivityTraceId.CreateFromBytes(trace), ActivitySpanId.CreateFromBytes(span),
            sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, isRemote: true))));

    private static readonly Gen<(string Method, string Target, string Path, string Query)> Lines = Gen.Select(Text, Text, Text, Text);

    private static readonly Gen<HttpRequest> Requests =
        Gen.Select(Lines, Gen.Bool, Headers, Body, Gen.Select(Text, Text).Array[0, 4], Trace,
            (line, http11, headers, body, values, trace) =>
                new HttpRequest(line.Method, line.Target, line.Path, line.Query, http11 ? HttpVersion.Http11 : HttpVersion.Http10, headers, body)
                {
                    RouteValues = values.DistinctBy(p => p.Item1).ToDictionary(p => p.Item1, p => p.Item2),
                    TraceContext = trace,
                });

    private static readonly Gen<HttpResponse> Responses =
        Gen.Select(Gen.Int[100, 999], Headers, Gen.Bool, Body, (status, headers, empty, body) =>
            new HttpResponse(status, headers, empty ? ResponseBody.None.Instance : new ResponseBody.Bytes(body)));

    [Fact]
    public void Every_request_comes_back_equal_with_its_body_headers_route_values_and_trace_context()
    {
        Gen.Select(Requests, Gen.Bool, Text).Sample((request, withPrefix, entityId) =>
        {
            var prefix = withPrefix ? entityId : null;
            var decoded = HttpMessageFormat.DecodeRequest(HttpMessageFormat.EncodeRequest(request, prefix), withPrefix, out var prefixRead);

            Assert.Equal(prefix, prefixRead);
            AssertSameRequest(request, decoded);
        }, iter: 300);
    }

    [Fact]
    public void Every_response_with_a_body_in_memory_comes_back_equal()
    {
        Responses.Sample(response =>
        {
            var decoded = HttpMessageFormat.DecodeResponse(HttpMessageFormat.EncodeResponse(response, out var refusal)!);

            Assert.Null(refusal);
            Assert.Equal(response.Status, decoded.Status);
            Assert.Equal(response.Headers.ToArray(), decoded.Headers.ToArray());
            Assert.Equal(Bytes(response.Body), Bytes(decoded.Body));
            Assert.Equal(response.Body is ResponseBody.None, decoded.Body is ResponseBody.None);
        }, iter: 300);
    }

    [Fact]
    public void The_encoded_length_never_exceeds_its_bound()
    {
        Requests.Sample(request => Assert.InRange(HttpMessageFormat.EncodeRequest(request).Length, 1, HttpMessageFormat.EncodedLengthBound(request)), iter: 200);
        Responses.Sample(response => Assert.InRange(HttpMessageFormat.EncodeResponse(response, out _)!.Length, 1, HttpMessageFormat.EncodedLengthBound(response)), iter: 200);
    }

    [Fact]
    public void Every_truncation_of_an_encoded_message_is_refused_as_malformed()
    {
        var request = new HttpRequest("POST", "/counter/a?x=1", "/counter/a", "x=1", HttpVersion.Http11,
            new HttpHeaders(new[] { new HttpHeader("Host", "h"), new HttpHeader("Content-Type", "text/plain") }), "hello"u8.ToArray());
        var requestBytes = HttpMessageFormat.EncodeRequest(request, "a");
        var responseBytes = HttpMessageFormat.EncodeResponse(HttpResponse.Text(200, "hello"), out _)!;

        for (var length = 0; length < requestBytes.Length; length++)
            Assert.Throws<FormatException>(() => HttpMessageFormat.DecodeRequest(requestBytes.AsSpan(0, length), hasPrefix: true, out _));
        for (var length = 0; length < responseBytes.Length; length++)
            Assert.Throws<FormatException>(() => HttpMessageFormat.DecodeResponse(responseBytes.AsSpan(0, length)));
    }

    [Fact]
    public void Arbitrary_bytes_are_decoded_or_refused_as_malformed_and_never_throw_anything_else()
    {
        Gen.Byte.Array[0, 200].Select(Gen.Bool, (bytes, versioned) => { if (versioned && bytes.Length > 0) bytes[0] = HttpMessageFormat.Version; return bytes; })
            .Sample(bytes =>
            {
                try { HttpMessageFormat.DecodeRequest(bytes, hasPrefix: true, out _); } catch (FormatException) { }
                try { HttpMessageFormat.DecodeResponse(bytes); } catch (FormatException) { }
            }, iter: 3000);
    }

    [Fact]
    public void A_message_of_another_format_version_is_refused()
    {
        var bytes = HttpMessageFormat.EncodeResponse(HttpResponse.Text(200, "x"), out _)!;
        bytes[0] = HttpMessageFormat.Version + 1;

        Assert.Contains("format version", Assert.Throws<FormatException>(() => HttpMessageFormat.DecodeResponse(bytes)).Message);
    }

    [Fact]
    public void A_length_larger_than_the_bytes_left_is_refused_before_anything_is_allocated()
    {
        // Version, status 200, no headers, a byte body whose length claims 2^31-1 bytes.
        var forged = new byte[] { HttpMessageFormat.Version, 200, 1, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0x07 };

        Assert.Contains("bytes left", Assert.Throws<FormatException>(() => HttpMessageFormat.DecodeResponse(forged)).Message);
    }

    [Theory]
    [InlineData("file")]
    [InlineData("stream")]
    public void A_response_whose_body_is_a_file_or_a_stream_is_refused_with_the_reason(string kind)
    {
        ResponseBody body = kind == "file"
            ? new ResponseBody.File("/etc/hostname", 0, 1)
            : new ResponseBody.Stream(Akka.Streams.Dsl.Source.Empty<Akka.IO.ByteString>());

        Assert.Null(HttpMessageFormat.EncodeResponse(new HttpResponse(200, HttpHeaders.Empty, body), out var refusal));
        Assert.Contains(kind, refusal);
    }

    private static void AssertSameRequest(HttpRequest expected, HttpRequest actual)
    {
        Assert.Equal((expected.Method, expected.Target, expected.Path, expected.Query, expected.Version), (actual.Method, actual.Target, actual.Path, actual.Query, actual.Version));
        Assert.Equal(expected.Headers.ToArray(), actual.Headers.ToArray());
        Assert.Equal(expected.Body.ToArray(), actual.Body.ToArray());
        Assert.Equal(expected.RouteValues.OrderBy(p => p.Key, StringComparer.Ordinal), actual.RouteValues.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(expected.TraceContext.TraceId, actual.TraceContext.TraceId);
        Assert.Equal(expected.TraceContext.SpanId, actual.TraceContext.SpanId);
        Assert.Equal(expected.TraceContext.TraceFlags, actual.TraceContext.TraceFlags);
    }

    private static byte[] Bytes(ResponseBody body) => body is ResponseBody.Bytes bytes ? bytes.Content.ToArray() : Array.Empty<byte>();
}
