using ActorHttp.Http;

namespace ActorHttp.Tests.Http;

/// <summary>
/// <see cref="RequestSemantics"/> on parsed heads: the framing it chooses for the body. Its rejections are rows of
/// the parser's table; what it leaves to the parser is pinned here.
/// </summary>
public sealed class RequestSemanticsTests
{
    private static HttpRequest Head(params string[] fields) =>
        new("POST", "/", "/", "", HttpVersion.Http11,
            new HttpHeaders(new[] { new HttpHeader("Host", "a") }.Concat(fields.Select(f => new HttpHeader(f[..f.IndexOf(':')], f[(f.IndexOf(':') + 2)..])))),
            ReadOnlyMemory<byte>.Empty);

    [Theory]
    [InlineData(new string[0], false, 0L)]
    [InlineData(new[] { "Content-Length: 0" }, false, 0L)]
    [InlineData(new[] { "Content-Length: 12" }, false, 12L)]
    [InlineData(new[] { "Content-Length: 7", "Content-Length: 007" }, false, 7L)]
    [InlineData(new[] { "Transfer-Encoding: chunked" }, true, 0L)]
    [InlineData(new[] { "Transfer-Encoding: , Chunked" }, true, 0L)]
    public void A_head_gets_the_framing_its_fields_announce(string[] fields, bool chunked, long length)
    {
        Assert.Null(RequestSemantics.Check(Head(fields), out var framing));
        Assert.Equal(new RequestBodyFraming(chunked, length), framing);
        Assert.Equal(chunked || length > 0, framing.HasBody);
    }

    [Fact]
    public void The_body_limit_is_left_to_the_parser_which_alone_knows_whether_the_body_is_buffered()
    {
        Assert.Null(RequestSemantics.Check(Head("Content-Length: 9223372036854775807"), out var framing));
        Assert.Equal(long.MaxValue, framing.ContentLength);
    }

    [Theory]
    [InlineData(HttpVersion.Http11, "100-continue", true)]
    [InlineData(HttpVersion.Http11, "100-Continue", true)]
    [InlineData(HttpVersion.Http10, "100-continue", false)] // RFC 9110 §10.1.1: ignored in HTTP/1.0
    [InlineData(HttpVersion.Http11, null, false)]
    public void Only_an_HTTP_11_client_that_asked_for_it_expects_100_continue(HttpVersion version, string? expect, bool expected)
    {
        var fields = expect is null ? Array.Empty<HttpHeader>() : new[] { new HttpHeader("Expect", expect) };
        var request = new HttpRequest("PUT", "/", "/", "", version, new HttpHeaders(fields), ReadOnlyMemory<byte>.Empty);
        Assert.Equal(expected, RequestSemantics.ExpectsContinue(request));
    }
}
