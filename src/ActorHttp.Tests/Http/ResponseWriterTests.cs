using System.Buffers;
using System.Text;
using ActorHttp.Http;
using Akka.IO;
using Akka.Streams.Dsl;

namespace ActorHttp.Tests.Http;

/// <summary>The response head and framing the server writes (RFC 9112 §4, §6, §9.3).</summary>
public sealed class ResponseWriterTests
{
    private static readonly ResponseBody UnknownLengthStream = new ResponseBody.Stream(Source.Empty<ByteString>());

    /// <summary>Encodes a response and splits it into head lines and body.</summary>
    private static (string[] Lines, string Body) Encode(HttpResponse response, HttpVersion version = HttpVersion.Http11, bool keepAlive = true, bool headOnly = false)
    {
        var text = Encoding.Latin1.GetString(ResponseWriter.Encode(response, version, keepAlive, headOnly));
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end >= 0, "The head ends with an empty line.");
        return (text[..end].Split("\r\n"), text[(end + 4)..]);
    }

    private static string? Field(string[] lines, string name) =>
        lines.Skip(1).Where(l => l.StartsWith(name + ": ", StringComparison.OrdinalIgnoreCase)).Select(l => l[(name.Length + 2)..]).SingleOrDefault();

    private static int Count(string[] lines, string name) =>
        lines.Skip(1).Count(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase));

    [Theory]
    [InlineData(200, "HTTP/1.1 200 OK")]
    [InlineData(404, "HTTP/1.1 404 Not Found")]
    [InlineData(505, "HTTP/1.1 505 HTTP Version Not Supported")]
    [InlineData(42, "HTTP/1.1 500 Internal Server Error")] // not a status code: the server's own failure
    public void The_status_line_carries_the_status_and_its_reason_phrase(int status, string expected) =>
        Assert.Equal(expected, Encode(HttpResponse.Empty(status)).Lines[0]);

    [Fact]
    public void The_server_s_request_id_is_written_once_replacing_a_handler_s_own()
    {
        var response = HttpResponse.Empty(200).WithHeader("X-Request-Id", "from-handler");
        var lines = Encoding.Latin1.GetString(ResponseWriter.Encode(response, HttpVersion.Http11, true, false, requestId: "abc-1")).Split("\r\n");

        Assert.Equal(1, Count(lines, "X-Request-Id"));
        Assert.Equal("abc-1", Field(lines, "X-Request-Id"));
    }

    [Theory]
    [InlineData(ResponseWriter.CopiedBodyLimit, false, false)]
    [InlineData(ResponseWriter.CopiedBodyLimit + 1, false, true)]
    [InlineData(ResponseWriter.CopiedBodyLimit + 1, true, false)]
    public void A_body_over_the_copy_limit_follows_the_head_as_its_own_array_and_a_smaller_one_is_copied_beside_it(
        int length, bool headOnly, bool shared)
    {
        var body = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        var response = HttpResponse.Bytes(200, body, "application/octet-stream");

        var written = ResponseWriter.EncodeSharingBody(response, HttpVersion.Http11, keepAlive: true, headOnly, requestId: "id-1");

        Assert.Equal(ResponseWriter.Encode(response, HttpVersion.Http11, keepAlive: true, headOnly, requestId: "id-1"), written.ToArray());
        Assert.Equal(!shared, written.IsCompact);
        // A compact ByteString's span is its own buffer: the body's array itself, or a copy outside it.
        var bodyPart = written.Slice(written.Count - (headOnly ? 0 : length));
        Assert.Equal(shared, bodyPart.ToReadOnlySpan().Overlaps(body));
    }

    [Fact]
    public void An_HTTP_10_client_still_gets_an_HTTP_11_status_line() =>
        Assert.Equal("HTTP/1.1 200 OK", Encode(HttpResponse.Empty(200), HttpVersion.Http10).Lines[0]);

    [Fact]
    public void Every_response_has_a_Date_and_a_Server_field()
    {
        var (lines, _) = Encode(HttpResponse.Text(200, "hi"));
        Assert.True(HttpDate.TryParse(Field(lines, "Date"), out _), "Date is an HTTP-date");
        Assert.Equal("ActorHttp", Field(lines, "Server"));
    }

    [Fact]
    public void A_byte_body_is_announced_by_Content_Length_and_follows_the_head()
    {
        var (lines, body) = Encode(HttpResponse.Text(200, "héllo"));
        Assert.Equal("6", Field(lines, "Content-Length"));
        Assert.Equal("text/plain; charset=utf-8", Field(lines, "Content-Type"));
        Assert.Equal("héllo", Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(body)));
        Assert.Equal(0, Count(lines, "Transfer-Encoding"));
    }

    [Fact]
    public void An_empty_200_has_Content_Length_0() =>
        Assert.Equal("0", Field(Encode(HttpResponse.Empty(200)).Lines, "Content-Length"));

    [Theory]
    [InlineData(204)]
    [InlineData(304)]
    [InlineData(100)]
    public void A_status_that_forbids_content_has_neither_Content_Length_nor_body(int status)
    {
        var (lines, body) = Encode(HttpResponse.Text(status, "ignored"));
        Assert.Equal(0, Count(lines, "Content-Length"));
        Assert.Equal(0, Count(lines, "Transfer-Encoding"));
        Assert.Equal("", body);
    }

    [Fact]
    public void A_response_to_HEAD_announces_the_length_but_sends_no_body()
    {
        var (lines, body) = Encode(HttpResponse.Text(200, "hello"), headOnly: true);
        Assert.Equal("5", Field(lines, "Content-Length"));
        Assert.Equal("", body);
    }

    [Fact]
    public void A_stream_of_unknown_length_is_chunked_for_HTTP_11()
    {
        var response = new HttpResponse(200, HttpHeaders.Empty, UnknownLengthStream);
        Assert.Equal(BodyFraming.Chunked, ResponseWriter.FramingFor(response, HttpVersion.Http11));
        var (lines, _) = Encode(response);
        Assert.Equal("chunked", Field(lines, "Transfer-Encoding"));
        Assert.Equal(0, Count(lines, "Content-Length"));
    }

    [Fact]
    public void A_stream_of_unknown_length_is_close_delimited_for_HTTP_10()
    {
        var response = new HttpResponse(200, HttpHeaders.Empty, UnknownLengthStream);
        Assert.Equal(BodyFraming.CloseDelimited, ResponseWriter.FramingFor(response, HttpVersion.Http10));
        var (lines, _) = Encode(response, HttpVersion.Http10, keepAlive: false);
        Assert.Equal(0, Count(lines, "Transfer-Encoding"));
        Assert.Equal(0, Count(lines, "Content-Length"));
        Assert.Equal("close", Field(lines, "Connection"));
    }

    [Fact]
    public void A_stream_of_known_length_uses_Content_Length()
    {
        var response = new HttpResponse(200, HttpHeaders.Empty, new ResponseBody.Stream(Source.Empty<ByteString>(), 1234));
        Assert.Equal(BodyFraming.ContentLength, ResponseWriter.FramingFor(response, HttpVersion.Http11));
        Assert.Equal("1234", Field(Encode(response).Lines, "Content-Length"));
    }

    [Fact]
    public void A_file_region_uses_Content_Length() =>
        Assert.Equal("100", Field(Encode(new HttpResponse(206, HttpHeaders.Empty, new ResponseBody.File("/x", 10, 100))).Lines, "Content-Length"));

    [Theory]
    [InlineData(HttpVersion.Http11, true, null)]
    [InlineData(HttpVersion.Http11, false, "close")]
    [InlineData(HttpVersion.Http10, true, "keep-alive")]
    [InlineData(HttpVersion.Http10, false, "close")]
    public void The_Connection_field_says_what_the_server_decided(HttpVersion version, bool keepAlive, string? expected)
    {
        var (lines, _) = Encode(HttpResponse.Empty(200), version, keepAlive);
        Assert.Equal(expected, Field(lines, "Connection"));
        Assert.Equal(expected is null ? 0 : 1, Count(lines, "Connection"));
    }

    [Fact]
    public void Framing_and_connection_fields_set_by_a_handler_are_replaced_by_the_servers_own()
    {
        var response = HttpResponse.Text(200, "abc")
            .WithHeader("Content-Length", "999").WithHeader("transfer-encoding", "gzip").WithHeader("Connection", "keep-alive")
            .WithHeader("Date", "yesterday").WithHeader("Server", "Other");
        var (lines, _) = Encode(response, keepAlive: false);
        Assert.Equal("3", Field(lines, "Content-Length"));
        Assert.Equal(0, Count(lines, "Transfer-Encoding"));
        Assert.Equal("close", Field(lines, "Connection"));
        Assert.NotEqual("yesterday", Field(lines, "Date"));
        Assert.Equal("ActorHttp", Field(lines, "Server"));
    }

    [Fact]
    public void Handler_fields_are_written_in_order_with_their_casing()
    {
        var response = HttpResponse.Empty(200).WithHeader("X-One", "1").WithHeader("x-two", "2").WithHeader("X-One", "3");
        var (lines, _) = Encode(response);
        Assert.Equal(new[] { "X-One: 1", "x-two: 2", "X-One: 3" }, lines.Where(l => l.StartsWith("X-", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void CR_LF_and_NUL_in_a_header_value_are_neutralised()
    {
        var response = HttpResponse.Empty(200).WithHeader("X-Injected", "a\r\nSet-Cookie: evil=1\0\nb");
        var (lines, _) = Encode(response);
        Assert.Equal("a  Set-Cookie: evil=1  b", Field(lines, "X-Injected"));
        Assert.Equal(0, Count(lines, "Set-Cookie"));
    }

    [Fact]
    public void A_header_name_that_is_not_a_token_is_dropped()
    {
        var response = HttpResponse.Empty(200).WithHeader("X-Bad\r\nSet-Cookie", "evil=1").WithHeader("Bad Name", "v").WithHeader("", "v").WithHeader("X-Good", "ok");
        var (lines, _) = Encode(response);
        Assert.Equal(0, Count(lines, "Set-Cookie"));
        Assert.DoesNotContain(lines, l => l.Contains("evil") || l.StartsWith("Bad") || l.StartsWith(":"));
        Assert.Equal("ok", Field(lines, "X-Good"));
    }

    [Fact]
    public void Non_Latin1_characters_in_a_value_become_question_marks() =>
        Assert.Equal("caf\u00e9 ?", Field(Encode(HttpResponse.Empty(200).WithHeader("X-V", "caf\u00e9 \u20ac")).Lines, "X-V"));

    [Fact]
    public void WriteHead_writes_the_same_head_as_Encode()
    {
        var response = HttpResponse.Text(200, "body");
        var buffer = new ArrayBufferWriter<byte>();
        ResponseWriter.WriteHead(buffer, response, HttpVersion.Http11, keepAlive: true, BodyFraming.ContentLength);
        var head = Encoding.Latin1.GetString(buffer.WrittenSpan);
        Assert.EndsWith("\r\n\r\n", head);
        Assert.Contains("Content-Length: 4\r\n", head);
    }

    [Theory]
    [InlineData(1, "1\r\n")]
    [InlineData(255, "ff\r\n")]
    [InlineData(4096, "1000\r\n")]
    public void A_chunk_header_is_the_size_in_hex_and_CRLF(int size, string expected) =>
        Assert.Equal(expected, Encoding.ASCII.GetString(ResponseWriter.ChunkHeader(size)));

    [Fact]
    public void The_last_chunk_ends_with_an_empty_trailer_section() =>
        Assert.Equal("0\r\n\r\n", Encoding.ASCII.GetString(ResponseWriter.LastChunk));
}
