using ActorHttp.Http;

namespace ActorHttp.Tests.Http;

/// <summary>The status line's reason phrase for every code a handler may answer with (RFC 9110 §15, RFC 6585).</summary>
public sealed class ReasonPhrasesTests
{
    [Theory]
    [InlineData(100, "Continue")]
    [InlineData(101, "Switching Protocols")]
    [InlineData(200, "OK")]
    [InlineData(201, "Created")]
    [InlineData(202, "Accepted")]
    [InlineData(203, "Non-Authoritative Information")]
    [InlineData(204, "No Content")]
    [InlineData(205, "Reset Content")]
    [InlineData(206, "Partial Content")]
    [InlineData(300, "Multiple Choices")]
    [InlineData(301, "Moved Permanently")]
    [InlineData(302, "Found")]
    [InlineData(303, "See Other")]
    [InlineData(304, "Not Modified")]
    [InlineData(307, "Temporary Redirect")]
    [InlineData(308, "Permanent Redirect")]
    [InlineData(400, "Bad Request")]
    [InlineData(401, "Unauthorized")]
    [InlineData(402, "Payment Required")]
    [InlineData(403, "Forbidden")]
    [InlineData(404, "Not Found")]
    [InlineData(405, "Method Not Allowed")]
    [InlineData(406, "Not Acceptable")]
    [InlineData(407, "Proxy Authentication Required")]
    [InlineData(408, "Request Timeout")]
    [InlineData(409, "Conflict")]
    [InlineData(410, "Gone")]
    [InlineData(411, "Length Required")]
    [InlineData(412, "Precondition Failed")]
    [InlineData(413, "Content Too Large")]
    [InlineData(414, "URI Too Long")]
    [InlineData(415, "Unsupported Media Type")]
    [InlineData(416, "Range Not Satisfiable")]
    [InlineData(417, "Expectation Failed")]
    [InlineData(421, "Misdirected Request")]
    [InlineData(422, "Unprocessable Content")]
    [InlineData(426, "Upgrade Required")]
    [InlineData(428, "Precondition Required")]
    [InlineData(429, "Too Many Requests")]
    [InlineData(431, "Request Header Fields Too Large")]
    [InlineData(500, "Internal Server Error")]
    [InlineData(501, "Not Implemented")]
    [InlineData(502, "Bad Gateway")]
    [InlineData(503, "Service Unavailable")]
    [InlineData(504, "Gateway Timeout")]
    [InlineData(505, "HTTP Version Not Supported")]
    [InlineData(511, "Network Authentication Required")]
    public void Every_registered_status_has_its_reason_phrase(int status, string phrase) =>
        Assert.Equal(phrase, ReasonPhrases.For(status));

    // RFC 9112 §4: the reason phrase may be empty, and clients ignore it; "Unknown" would be a phrase the code does not have.
    [Theory]
    [InlineData(299)]
    [InlineData(499)]
    [InlineData(599)]
    public void An_unregistered_status_has_an_empty_reason_phrase(int status)
    {
        Assert.Equal("", ReasonPhrases.For(status));
        Assert.StartsWith($"HTTP/1.1 {status} \r\n", System.Text.Encoding.ASCII.GetString(ResponseWriter.Encode(HttpResponse.Empty(status), HttpVersion.Http11, keepAlive: true, headOnly: false)));
    }
}
