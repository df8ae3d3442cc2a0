using System.Text;
using ActorHttp.Http;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Http;

/// <summary>The calling contract of <see cref="HttpRequestParser.Parse"/>: what Consumed means, and the state properties.</summary>
public sealed class HttpRequestParserContractTests
{
    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    [Fact]
    public void A_body_of_known_length_arriving_in_pieces_costs_little_more_than_itself_in_arrays()
    {
        // Doubling from 1 KiB to 1 MiB allocates about twice the body; going straight to the Content-Length once
        // an eighth has arrived keeps what is outgrown on the way to a fraction of it.
        const int size = 1024 * 1024;
        var parser = new HttpRequestParser(TestSettings.Limits);
        var head = System.Text.Encoding.ASCII.GetBytes($"POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: {size}\r\n\r\n");
        Assert.Equal(ParseOutcome.NeedMore, parser.Parse(head).Outcome);
        var piece = new byte[16 * 1024];
        var before = GC.GetAllocatedBytesForCurrentThread();
        ParseResult result = default;
        for (var sent = 0; sent < size; sent += piece.Length) result = parser.Parse(piece);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(ParseOutcome.Complete, result.Outcome);
        Assert.Equal(size, result.Request!.Body.Length);
        Assert.True(allocated < size * 3 / 2, $"{allocated} bytes allocated for a {size}-byte body");
    }

    [Fact]
    public void An_incomplete_head_consumes_nothing()
    {
        var parser = new HttpRequestParser(TestSettings.Limits);
        var result = parser.Parse(Ascii("GET / HTTP/1.1\r\nHost: a\r\n"));
        Assert.Equal(ParseOutcome.NeedMore, result.Outcome);
        Assert.Equal(0, result.Consumed);
        Assert.False(parser.IsReadingBody);
    }

    [Fact]
    public void Leading_empty_lines_are_consumed_while_waiting_for_the_request_line()
    {
        var parser = new HttpRequestParser(TestSettings.Limits);
        var result = parser.Parse(Ascii("\r\n\nGE"));
        Assert.Equal(ParseOutcome.NeedMore, result.Outcome);
        Assert.Equal(3, result.Consumed);
    }

    [Fact]
    public void Body_bytes_are_consumed_as_they_arrive()
    {
        var parser = new HttpRequestParser(TestSettings.Limits);
        var head = Ascii("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n");
        var first = parser.Parse(head.Concat(Ascii("01234")).ToArray());
        Assert.Equal(ParseOutcome.NeedMore, first.Outcome);
        Assert.Equal(head.Length + 5, first.Consumed);
        Assert.True(parser.IsReadingBody);

        var second = parser.Parse(Ascii("56789GET"));
        Assert.Equal(ParseOutcome.Complete, second.Outcome);
        Assert.Equal(5, second.Consumed); // the next request's bytes stay with the caller
        Assert.Equal("0123456789", Encoding.ASCII.GetString(second.Request!.Body.Span));
        Assert.False(parser.IsReadingBody);
    }

    [Fact]
    public void A_complete_request_consumes_exactly_its_own_bytes()
    {
        var parser = new HttpRequestParser(TestSettings.Limits);
        var first = Ascii("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n");
        var result = parser.Parse(first.Concat(Ascii("GET /2 HTTP/1.1\r\n")).ToArray());
        Assert.Equal(ParseOutcome.Complete, result.Outcome);
        Assert.Equal(first.Length, result.Consumed);
    }

    [Fact]
    public void An_oversized_Content_Length_is_rejected_before_any_body_byte_is_read()
    {
        var parser = new HttpRequestParser(new HttpLimits(8192, 32768, 100, 100));
        var result = parser.Parse(Ascii("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n"));
        Assert.Equal(ParseOutcome.Rejected, result.Outcome);
        Assert.Equal(RequestRejectionReason.BodyTooLarge, result.Rejection);
        Assert.Equal(413, RequestRejection.StatusFor(result.Rejection));
    }

    [Fact]
    public void A_buffered_chunked_body_never_reserves_more_than_the_body_limit()
    {
        var parser = new HttpRequestParser(new HttpLimits(8192, 32768, 100, 3000));
        var chunk = "3e8\r\n" + new string('c', 1000) + "\r\n";
        var result = parser.Parse(Ascii("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk + chunk + "0\r\n\r\n"));

        Assert.Equal(ParseOutcome.Complete, result.Outcome);
        Assert.Equal(3000, result.Request!.Body.Length);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(result.Request.Body, out var reserved));
        Assert.InRange(reserved.Array!.Length, 3000, 3000);
    }

    [Fact]
    public void Expect_100_continue_awaits_continue_until_the_first_body_byte()
    {
        var parser = new HttpRequestParser(TestSettings.Limits);
        var head = parser.Parse(Ascii("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"));
        Assert.Equal(ParseOutcome.NeedMore, head.Outcome);
        Assert.True(parser.AwaitsContinue);

        Assert.Equal(ParseOutcome.NeedMore, parser.Parse(Ascii("o")).Outcome);
        Assert.False(parser.AwaitsContinue);
        Assert.Equal(ParseOutcome.Complete, parser.Parse(Ascii("k")).Outcome);
    }

    [Fact]
    public void Expect_100_continue_with_the_body_already_there_does_not_await_continue()
    {
        var parser = new HttpRequestParser(TestSettings.Limits);
        var result = parser.Parse(Ascii("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok"));
        Assert.Equal(ParseOutcome.Complete, result.Outcome);
        Assert.False(parser.AwaitsContinue);
    }

    [Fact]
    public void Expect_100_continue_in_HTTP_10_is_ignored()
    {
        // RFC 9110 §10.1.1: a 100-continue expectation in an HTTP/1.0 request MUST be ignored.
        var parser = new HttpRequestParser(TestSettings.Limits);
        parser.Parse(Ascii("PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"));
        Assert.False(parser.AwaitsContinue);
    }

    [Fact]
    public void A_head_at_the_default_limits_fed_one_byte_at_a_time_parses()
    {
        // Exercises the incremental end-of-head search over the largest head the limits allow.
        var target = "/" + new string('a', TestSettings.Limits.MaxRequestLineBytes - "GET / HTTP/1.1".Length);
        var fields = new StringBuilder("Host: a\r\n");
        while (fields.Length + 412 <= TestSettings.Limits.MaxHeaderBytes) fields.Append("X-Filler: ").Append(new string('v', 400)).Append("\r\n");
        var input = ParserDriver.Bytes($"GET {target} HTTP/1.1\r\n{fields}\r\n");

        var run = ParserDriver.ByteByByte(TestSettings.Limits, input);

        Assert.Null(run.Rejection);
        Assert.Equal(target, Assert.Single(run.Requests).Target);
    }
}
