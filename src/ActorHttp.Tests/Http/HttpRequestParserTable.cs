using ActorHttp.Http;
using static ActorHttp.Http.HttpVersion;
using static ActorHttp.Http.RequestRejectionReason;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Http;

/// <summary>One request the parser is expected to produce.</summary>
public sealed record ExpectedRequest(string Method, string Target, string Path, string Query, HttpVersion Version, string[] Headers, string Body = "");

/// <summary>
/// One row of the parser table: raw bytes in, the requests (and possibly a final rejection with its status)
/// out. <see cref="KeepAlive"/>, when set, is what <see cref="ConnectionPersistence"/> decides for the last request.
/// </summary>
public sealed record ParserCase(string Name, string Wire, ExpectedRequest[] Requests, RequestRejectionReason? Rejection = null,
    int? Status = null, HttpLimits? Limits = null, bool? KeepAlive = null)
{
    public HttpLimits EffectiveLimits => Limits ?? TestSettings.Limits;
}

/// <summary>
/// The behaviour of <see cref="HttpRequestParser"/> as data, in the manner of httparse's tests. Each row cites
/// the rule it pins down. Wire text is Latin-1: "\u0000" is one NUL byte, "\u00E9" one obs-text byte.
/// </summary>
public static class HttpRequestParserTable
{
    private const string Host = "Host: example.com\r\n";
    private static readonly string[] HostOnly = { "Host: example.com" };

    /// <summary>Small limits so the limit rows stay short enough to split at every byte.</summary>
    public static readonly HttpLimits Small = new(MaxRequestLineBytes: 32, MaxHeaderBytes: 64, MaxHeaderCount: 3, MaxBodyBytes: 16);

    private static ExpectedRequest Get(string target, string path, string query = "", HttpVersion version = Http11, string[]? headers = null) =>
        new("GET", target, path, query, version, headers ?? HostOnly);

    /// <summary>The head of a chunked POST to /; the rows append its body.</summary>
    private const string ChunkedHead = "POST / HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked\r\n\r\n";

    private static ExpectedRequest ChunkedPost(string body) =>
        new("POST", "/", "/", "", Http11, new[] { "Host: example.com", "Transfer-Encoding: chunked" }, body);

    private static ParserCase Ok(string name, string wire, params ExpectedRequest[] requests) => new(name, wire, requests);

    private static ParserCase Reject(string name, string wire, RequestRejectionReason reason, int status, HttpLimits? limits = null) =>
        new(name, wire, Array.Empty<ExpectedRequest>(), reason, status, limits);

    public static readonly IReadOnlyList<ParserCase> Cases = new[]
    {
        // ---- request line (RFC 9112 §3) ----------------------------------------------------------
        Ok("simple GET", "GET / HTTP/1.1\r\n" + Host + "\r\n", Get("/", "/")),
        Ok("origin-form with query", "GET /search/x?q=a%20b&n=1 HTTP/1.1\r\n" + Host + "\r\n", Get("/search/x?q=a%20b&n=1", "/search/x", "q=a%20b&n=1")),
        Ok("empty query after question mark", "GET /a? HTTP/1.1\r\n" + Host + "\r\n", Get("/a?", "/a", "")),
        Ok("absolute-form takes path and query from the target (RFC 9112 §3.2.2)",
            "GET http://example.com/a/b?c=d HTTP/1.1\r\n" + Host + "\r\n", Get("http://example.com/a/b?c=d", "/a/b", "c=d")),
        Ok("absolute-form without a path means /", "GET https://example.com:8443 HTTP/1.1\r\n" + Host + "\r\n", Get("https://example.com:8443", "/")),
        Ok("absolute-form with only a query", "GET http://example.com?x=1 HTTP/1.1\r\n" + Host + "\r\n", Get("http://example.com?x=1", "/", "x=1")),
        Ok("asterisk-form for OPTIONS (RFC 9112 §3.2.4)", "OPTIONS * HTTP/1.1\r\n" + Host + "\r\n",
            new ExpectedRequest("OPTIONS", "*", "*", "", Http11, HostOnly)),
        Ok("HTTP/1.0 may omit Host", "GET /old HTTP/1.0\r\n\r\n", Get("/old", "/old", "", Http10, Array.Empty<string>())),
        Ok("every known method", "HEAD / HTTP/1.1\r\n" + Host + "\r\nDELETE /x HTTP/1.1\r\n" + Host + "\r\nTRACE / HTTP/1.1\r\n" + Host + "\r\n" +
            "PUT /p HTTP/1.1\r\n" + Host + "\r\nPATCH /p HTTP/1.1\r\n" + Host + "\r\n",
            new ExpectedRequest("HEAD", "/", "/", "", Http11, HostOnly), new ExpectedRequest("DELETE", "/x", "/x", "", Http11, HostOnly),
            new ExpectedRequest("TRACE", "/", "/", "", Http11, HostOnly), new ExpectedRequest("PUT", "/p", "/p", "", Http11, HostOnly),
            new ExpectedRequest("PATCH", "/p", "/p", "", Http11, HostOnly)),
        Ok("leading empty lines are ignored (RFC 9112 §2.2)", "\r\n\n\r\nGET / HTTP/1.1\r\n" + Host + "\r\n", Get("/", "/")),
        Ok("eight leading empty lines are still ignored", string.Concat(Enumerable.Repeat("\r\n", 8)) + "GET / HTTP/1.1\r\n" + Host + "\r\n", Get("/", "/")),
        Reject("a ninth leading empty line is refused", string.Concat(Enumerable.Repeat("\r\n", 9)) + "GET / HTTP/1.1\r\n" + Host + "\r\n", InvalidRequestLine, 400),
        Reject("a long run of empty lines is refused however it arrives", string.Concat(Enumerable.Repeat("\n", 40)), InvalidRequestLine, 400),
        Ok("bare LF line endings are recognised (RFC 9112 §2.2)", "GET / HTTP/1.1\nHost: example.com\n\n", Get("/", "/")),

        Reject("lowercase method is a token but not implemented (RFC 9110 §9.1)", "get / HTTP/1.1\r\n" + Host + "\r\n", MethodNotImplemented, 501),
        Reject("unknown method", "BREW /pot HTTP/1.1\r\n" + Host + "\r\n", MethodNotImplemented, 501),
        Reject("CONNECT authority-form is not implemented", "CONNECT example.com:443 HTTP/1.1\r\n" + Host + "\r\n", MethodNotImplemented, 501),
        Reject("method that is not a token", "G(T / HTTP/1.1\r\n" + Host + "\r\n", InvalidMethod, 400),
        Reject("a method longer than any implemented one is not implemented (RFC 9110 §15.6.2)",
            "OPTIONSX / HTTP/1.1\r\n" + Host + "\r\n", MethodNotImplemented, 501),
        Reject("an endless method is refused as not implemented, not as a long URI", new string('M', 60), MethodNotImplemented, 501, Small),
        Reject("an over-long method is refused before the rest of its line is looked at", "PROPPATCHX / HTTP/9.9\r\n" + Host + "\r\n", MethodNotImplemented, 501),
        Reject("an over-long method is refused even if a non-token byte follows it", "ABCDEFGH(x / HTTP/1.1\r\n" + Host + "\r\n", MethodNotImplemented, 501),
        Reject("leading space before the method", " GET / HTTP/1.1\r\n" + Host + "\r\n", InvalidRequestLine, 400),
        Reject("two spaces after the method", "GET  / HTTP/1.1\r\n" + Host + "\r\n", InvalidRequestLine, 400),
        Reject("trailing space after the version", "GET / HTTP/1.1 \r\n" + Host + "\r\n", InvalidRequestLine, 400),
        Reject("no version (HTTP/0.9 simple request)", "GET /\r\n\r\n", InvalidRequestLine, 400),
        Reject("tab instead of space", "GET\t/ HTTP/1.1\r\n" + Host + "\r\n", InvalidMethod, 400),
        Reject("bare CR ending the request line", "GET / HTTP/1.1\r\r\n" + Host + "\r\n", MalformedVersion, 400),
        Reject("asterisk-form only for OPTIONS", "GET * HTTP/1.1\r\n" + Host + "\r\n", InvalidRequestTarget, 400),
        Reject("relative target", "GET foo HTTP/1.1\r\n" + Host + "\r\n", InvalidRequestTarget, 400),
        Reject("fragment in the target (RFC 9112 §3.2)", "GET /a#b HTTP/1.1\r\n" + Host + "\r\n", InvalidRequestTarget, 400),
        Reject("raw non-ASCII byte in the target", "GET /caf\u00E9 HTTP/1.1\r\n" + Host + "\r\n", InvalidRequestTarget, 400),
        Reject("NUL in the target", "GET /a\u0000b HTTP/1.1\r\n" + Host + "\r\n", InvalidRequestTarget, 400),
        Reject("absolute-form with a scheme other than http(s)", "GET ftp://example.com/ HTTP/1.1\r\n" + Host + "\r\n", InvalidRequestTarget, 400),
        Reject("absolute-form with empty authority", "GET http:///a HTTP/1.1\r\n" + Host + "\r\n", InvalidRequestTarget, 400),
        Reject("absolute-form with a malformed authority", "GET http://exa\"mple:80x/ HTTP/1.1\r\n" + Host + "\r\n", InvalidRequestTarget, 400),
        Ok("absolute-form with an IPv6 authority", "GET http://[::1]:8080/p HTTP/1.1\r\n" + Host + "\r\n", Get("http://[::1]:8080/p", "/p")),
        Reject("absolute-form with userinfo (RFC 9110 §4.2.4)", "GET http://user:pw@example.com/ HTTP/1.1\r\n" + Host + "\r\n", InvalidRequestTarget, 400),

        // ---- version (RFC 9112 §2.3, RFC 9110 §15.6.6) -------------------------------------------
        Reject("HTTP/2.0 is well-formed but unsupported", "GET / HTTP/2.0\r\n" + Host + "\r\n", UnsupportedVersion, 505),
        Reject("HTTP/1.2 is well-formed but unsupported", "GET / HTTP/1.2\r\n" + Host + "\r\n", UnsupportedVersion, 505),
        Reject("HTTP/0.9 is well-formed but unsupported", "GET / HTTP/0.9\r\n" + Host + "\r\n", UnsupportedVersion, 505),
        Reject("version without minor digit", "GET / HTTP/1\r\n" + Host + "\r\n", MalformedVersion, 400),
        Reject("lowercase protocol name", "GET / http/1.1\r\n" + Host + "\r\n", MalformedVersion, 400),
        Reject("junk after the version", "GET / HTTP/1.1x\r\n" + Host + "\r\n", MalformedVersion, 400),
        Reject("two-digit minor version", "GET / HTTP/1.10\r\n" + Host + "\r\n", MalformedVersion, 400),

        // ---- field lines (RFC 9112 §5, RFC 9110 §5.5) --------------------------------------------
        Ok("field values lose surrounding whitespace and keep inner spaces",
            "GET / HTTP/1.1\r\nHost:example.com\r\nX-A:  one  two \t\r\nX-Empty:\r\nx-lower: v\r\n\r\n",
            Get("/", "/", headers: new[] { "Host: example.com", "X-A: one  two", "X-Empty: ", "x-lower: v" })),
        Ok("obs-text in a value is kept as Latin-1", "GET / HTTP/1.1\r\n" + Host + "X-Name: caf\u00E9\r\n\r\n",
            Get("/", "/", headers: new[] { "Host: example.com", "X-Name: caf\u00E9" })),
        Ok("repeated fields are kept in order", "GET / HTTP/1.1\r\n" + Host + "Accept: a\r\nAccept: b\r\n\r\n",
            Get("/", "/", headers: new[] { "Host: example.com", "Accept: a", "Accept: b" })),
        Reject("field line without a colon", "GET / HTTP/1.1\r\n" + Host + "NoColon\r\n\r\n", InvalidHeaderLine, 400),
        Reject("space before the colon (RFC 9112 §5.1)", "GET / HTTP/1.1\r\nHost : example.com\r\n\r\n", InvalidHeaderLine, 400),
        Reject("tab before the colon", "GET / HTTP/1.1\r\n" + Host + "X-A\t: v\r\n\r\n", InvalidHeaderLine, 400),
        Reject("empty field name", "GET / HTTP/1.1\r\n" + Host + ": v\r\n\r\n", InvalidHeaderLine, 400),
        Reject("NUL in a value", "GET / HTTP/1.1\r\n" + Host + "X-A: a\u0000b\r\n\r\n", InvalidHeaderLine, 400),
        Reject("bare CR in a value", "GET / HTTP/1.1\r\n" + Host + "X-A: a\rb\r\n\r\n", InvalidHeaderLine, 400),
        Reject("control byte in a value", "GET / HTTP/1.1\r\n" + Host + "X-A: a\u0001b\r\n\r\n", InvalidHeaderLine, 400),
        Reject("DEL in a value", "GET / HTTP/1.1\r\n" + Host + "X-A: a\u007Fb\r\n\r\n", InvalidHeaderLine, 400),
        Reject("NUL in a name", "GET / HTTP/1.1\r\n" + Host + "X-\u0000A: v\r\n\r\n", InvalidHeaderLine, 400),
        Reject("bare CR line in the header section", "GET / HTTP/1.1\r\n" + Host + "\r\r\n\r\n", InvalidHeaderLine, 400),
        Reject("obsolete line folding (RFC 9112 §5.2)", "GET / HTTP/1.1\r\n" + Host + "X-A: one\r\n two\r\n\r\n", ObsoleteLineFolding, 400),
        Reject("folding with a tab", "GET / HTTP/1.1\r\n" + Host + "X-A: one\r\n\ttwo\r\n\r\n", ObsoleteLineFolding, 400),
        Reject("whitespace before the first field line (RFC 9112 §2.2)", "GET / HTTP/1.1\r\n " + Host + "\r\n", InvalidHeaderLine, 400),

        // ---- Host (RFC 9112 §3.2) ----------------------------------------------------------------
        Ok("Host with port", "GET / HTTP/1.1\r\nHost: example.com:8080\r\n\r\n", Get("/", "/", headers: new[] { "Host: example.com:8080" })),
        Ok("Host as an IPv6 literal", "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", Get("/", "/", headers: new[] { "Host: [::1]:8080" })),
        Reject("empty Host with an origin-form target: the target URI has no host (RFC 9110 §4.2.1, RFC 9112 §3.3)",
            "GET / HTTP/1.1\r\nHost:\r\n\r\n", InvalidHost, 400),
        Reject("Host of only whitespace is empty", "GET /a HTTP/1.1\r\nHost: \t \r\n\r\n", InvalidHost, 400),
        Reject("empty Host with an asterisk-form target", "OPTIONS * HTTP/1.1\r\nHost:\r\n\r\n", InvalidHost, 400),
        Reject("empty Host in HTTP/1.0", "GET / HTTP/1.0\r\nHost:\r\n\r\n", InvalidHost, 400),
        Ok("empty Host with an absolute-form target, whose authority is used instead (RFC 9112 §3.2.2)",
            "GET http://example.com/a HTTP/1.1\r\nHost:\r\n\r\n", Get("http://example.com/a", "/a", headers: new[] { "Host: " })),
        Ok("Host name is case-insensitive", "GET / HTTP/1.1\r\nhost: example.com\r\n\r\n", Get("/", "/", headers: new[] { "host: example.com" })),
        Reject("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", InvalidHost, 400),
        Reject("two Host fields", "GET / HTTP/1.1\r\n" + Host + "Host: other.example\r\n\r\n", InvalidHost, 400),
        Reject("two identical Host fields", "GET / HTTP/1.1\r\n" + Host + Host + "\r\n", InvalidHost, 400),
        Reject("Host with a space inside", "GET / HTTP/1.1\r\nHost: exa mple.com\r\n\r\n", InvalidHost, 400),
        Reject("Host with a path", "GET / HTTP/1.1\r\nHost: example.com/a\r\n\r\n", InvalidHost, 400),
        Reject("Host with userinfo", "GET / HTTP/1.1\r\nHost: u@example.com\r\n\r\n", InvalidHost, 400),
        Reject("Host with a non-numeric port", "GET / HTTP/1.1\r\nHost: example.com:http\r\n\r\n", InvalidHost, 400),
        Reject("Host with an unclosed IPv6 literal", "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", InvalidHost, 400),
        Reject("invalid Host in HTTP/1.0", "GET / HTTP/1.0\r\nHost: a b\r\n\r\n", InvalidHost, 400),

        // ---- Content-Length (RFC 9110 §8.6, RFC 9112 §6.3) ---------------------------------------
        Ok("Content-Length body", "POST /form HTTP/1.1\r\n" + Host + "Content-Length: 5\r\n\r\nhello",
            new ExpectedRequest("POST", "/form", "/form", "", Http11, new[] { "Host: example.com", "Content-Length: 5" }, "hello")),
        Ok("Content-Length 0 means no body", "POST / HTTP/1.1\r\n" + Host + "Content-Length: 0\r\n\r\n",
            new ExpectedRequest("POST", "/", "/", "", Http11, new[] { "Host: example.com", "Content-Length: 0" })),
        Ok("a list of identical Content-Length values is one value", "PUT / HTTP/1.1\r\n" + Host + "Content-Length: 3, 3\r\n\r\nabc",
            new ExpectedRequest("PUT", "/", "/", "", Http11, new[] { "Host: example.com", "Content-Length: 3, 3" }, "abc")),
        Ok("repeated identical Content-Length fields are one value", "PUT / HTTP/1.1\r\n" + Host + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
            new ExpectedRequest("PUT", "/", "/", "", Http11, new[] { "Host: example.com", "Content-Length: 3", "Content-Length: 3" }, "abc")),
        Ok("Content-Length with leading zeros", "PUT / HTTP/1.1\r\n" + Host + "Content-Length: 0003\r\n\r\nabc",
            new ExpectedRequest("PUT", "/", "/", "", Http11, new[] { "Host: example.com", "Content-Length: 0003" }, "abc")),
        Ok("a body holding CRLFs is read by length, not by lines", "POST / HTTP/1.1\r\n" + Host + "Content-Length: 8\r\n\r\n\r\n\r\nGET ",
            new ExpectedRequest("POST", "/", "/", "", Http11, new[] { "Host: example.com", "Content-Length: 8" }, "\r\n\r\nGET ")),
        Reject("different Content-Length values", "POST / HTTP/1.1\r\n" + Host + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello", InvalidContentLength, 400),
        Reject("different Content-Length values in one list", "POST / HTTP/1.1\r\n" + Host + "Content-Length: 5, 6\r\n\r\nhello", InvalidContentLength, 400),
        Reject("Content-Length with a sign", "POST / HTTP/1.1\r\n" + Host + "Content-Length: +5\r\n\r\nhello", InvalidContentLength, 400),
        Reject("negative Content-Length", "POST / HTTP/1.1\r\n" + Host + "Content-Length: -1\r\n\r\n", InvalidContentLength, 400),
        Reject("hexadecimal Content-Length", "POST / HTTP/1.1\r\n" + Host + "Content-Length: 0x10\r\n\r\n", InvalidContentLength, 400),
        Reject("Content-Length with inner space", "POST / HTTP/1.1\r\n" + Host + "Content-Length:  5 5\r\n\r\n", InvalidContentLength, 400),
        Reject("empty Content-Length", "POST / HTTP/1.1\r\n" + Host + "Content-Length:\r\n\r\n", InvalidContentLength, 400),
        Reject("fractional Content-Length", "POST / HTTP/1.1\r\n" + Host + "Content-Length: 1.0\r\n\r\n", InvalidContentLength, 400),
        Reject("Content-Length too large for any length is not a valid value (RFC 9110 §8.6)",
            "POST / HTTP/1.1\r\n" + Host + "Content-Length: 99999999999999999999999\r\n\r\n", InvalidContentLength, 400),
        Reject("Content-Length one past the largest long", "POST / HTTP/1.1\r\n" + Host + "Content-Length: 9223372036854775808\r\n\r\n", InvalidContentLength, 400),
        Reject("Content-Length of the largest long is valid and too large", "POST / HTTP/1.1\r\n" + Host + "Content-Length: 9223372036854775807\r\n\r\n", BodyTooLarge, 413),
        Reject("an unrepresentable Content-Length in a list", "POST / HTTP/1.1\r\n" + Host + "Content-Length: 5, 18446744073709551621\r\n\r\nhello", InvalidContentLength, 400),
        Ok("a Content-Length of many leading zeros is its value", "PUT / HTTP/1.1\r\n" + Host + "Content-Length: 0000000000000000000000000003\r\n\r\nabc",
            new ExpectedRequest("PUT", "/", "/", "", Http11, new[] { "Host: example.com", "Content-Length: 0000000000000000000000000003" }, "abc")),
        Reject("Content-Length with Transfer-Encoding (RFC 9112 §6.3 ¶3)",
            "POST / HTTP/1.1\r\n" + Host + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", ContentLengthWithTransferEncoding, 400),

        // ---- chunked (RFC 9112 §7.1) -------------------------------------------------------------
        Ok("chunked body", ChunkedHead + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", ChunkedPost("hello world")),
        Ok("chunked with extensions, uppercase hex and trailers",
            ChunkedHead + "A;name=value;flag\r\n0123456789\r\n1 ; q=\"quoted\"\r\n!\r\n0;last\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n", ChunkedPost("0123456789!")),
        Ok("chunked is case-insensitive and may have leading zeros in sizes", "POST / HTTP/1.1\r\n" + Host + "Transfer-Encoding: Chunked\r\n\r\n003\r\nabc\r\n000\r\n\r\n",
            new ExpectedRequest("POST", "/", "/", "", Http11, new[] { "Host: example.com", "Transfer-Encoding: Chunked" }, "abc")),
        Ok("bare LF in the head and trailers, CRLF in chunk lines", "POST / HTTP/1.1\n" + Host + "Transfer-Encoding: chunked\n\n3\r\nabc\r\n0\r\nT: 1\n\n",
            ChunkedPost("abc")),
        Reject("bare LF ending a chunk-size line", ChunkedHead + "3\nabc\r\n0\r\n\r\n", InvalidChunk, 400),
        Reject("bare LF after chunk data", ChunkedHead + "3\r\nabc\n0\r\n\r\n", InvalidChunk, 400),
        Reject("bare LF ending the last chunk", ChunkedHead + "3\r\nabc\r\n0\n\r\n", InvalidChunk, 400),
        Reject("bare CR in a chunk-size line", ChunkedHead + "3\r\r\nabc\r\n0\r\n\r\n", InvalidChunk, 400),
        Ok("empty chunked body", ChunkedHead + "0\r\n\r\n",
            new ExpectedRequest("POST", "/", "/", "", Http11, new[] { "Host: example.com", "Transfer-Encoding: chunked" })),
        Reject("chunk size that is not hexadecimal", ChunkedHead + "zz\r\nhello\r\n0\r\n\r\n", InvalidChunk, 400),
        Reject("empty chunk size", ChunkedHead + "\r\nhello\r\n0\r\n\r\n", InvalidChunk, 400),
        Reject("chunk size with a sign", ChunkedHead + "+5\r\nhello\r\n0\r\n\r\n", InvalidChunk, 400),
        Reject("junk after the chunk size", ChunkedHead + "5 x\r\nhello\r\n0\r\n\r\n", InvalidChunk, 400),
        Reject("chunk size that overflows", ChunkedHead + "ffffffffffffffffff\r\n", InvalidChunk, 400),
        Reject("a 16-digit chunk size past the largest long", ChunkedHead + "8000000000000000\r\nabc", InvalidChunk, 400),
        Ok("a 16-digit chunk size that is small", ChunkedHead + "0000000000000003\r\nabc\r\n0\r\n\r\n", ChunkedPost("abc")),
        Ok("leading zeros beyond 16 digits are legal (1*HEXDIG) when the value is small",
            ChunkedHead + "000000000000000000001\r\na\r\n00000000000000000000000\r\n\r\n", ChunkedPost("a")),
        Reject("whitespace after the chunk size (RFC 9112 §7.1: BWS only before a ;)", ChunkedHead + "5 \r\nhello\r\n0\r\n\r\n", InvalidChunk, 400),
        Reject("a tab after the chunk size", ChunkedHead + "5\t\r\nhello\r\n0\r\n\r\n", InvalidChunk, 400),
        Reject("whitespace after the last chunk size", ChunkedHead + "0 \r\n\r\n", InvalidChunk, 400),
        Reject("whitespace after a chunk extension name", ChunkedHead + "5;a \r\nhello\r\n0\r\n\r\n", InvalidChunk, 400),
        Reject("whitespace after a chunk extension value", ChunkedHead + "5;a=b\t\r\nhello\r\n0\r\n\r\n", InvalidChunk, 400),
        Ok("whitespace before a chunk extension (BWS)", ChunkedHead + "5 ;ext\r\nhello\r\n0\t;x=\"y\"\r\n\r\n", ChunkedPost("hello")),
        Reject("chunk data longer than its size", ChunkedHead + "3\r\nhello\r\n0\r\n\r\n", InvalidChunk, 400),
        Ok("chunk extensions: names, token and quoted values, whitespace around ; and =",
            ChunkedHead + "3 ; a ; b = c;d=\"x \\\" ;y\"\r\nabc\r\n0;e=\"\"\r\n\r\n", ChunkedPost("abc")),
        Reject("chunk extension without a name", ChunkedHead + "3;\r\nabc\r\n0\r\n\r\n", InvalidChunk, 400),
        Reject("chunk extension with an empty value", ChunkedHead + "3;a=\r\nabc\r\n0\r\n\r\n", InvalidChunk, 400),
        Reject("chunk extension value with a space", ChunkedHead + "3;a=b c\r\nabc\r\n0\r\n\r\n", InvalidChunk, 400),
        Reject("chunk extension with an unterminated quote", ChunkedHead + "3;a=\"b\r\nabc\r\n0\r\n\r\n", InvalidChunk, 400),
        Reject("control byte in a chunk extension", ChunkedHead + "3;a\u0000\r\nabc\r\n0\r\n\r\n", InvalidChunk, 400),
        Reject("trailer without a colon", ChunkedHead + "0\r\nBad trailer\r\n\r\n", InvalidHeaderLine, 400),
        Reject("folded trailer", ChunkedHead + "0\r\nX-A: 1\r\n 2\r\n\r\n", ObsoleteLineFolding, 400),
        Reject("a final transfer coding other than chunked leaves the length unknown (RFC 9112 §6.3 ¶4)",
            "POST / HTTP/1.1\r\n" + Host + "Transfer-Encoding: gzip\r\n\r\n", InvalidTransferEncoding, 400),
        Reject("chunked followed by another coding", "POST / HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", InvalidTransferEncoding, 400),
        Reject("chunked in one field and another coding in a later one", "POST / HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked\r\nTransfer-Encoding: br\r\n\r\n0\r\n\r\n", InvalidTransferEncoding, 400),
        Reject("an unknown coding before a final chunked is not understood (RFC 9112 §6.1)",
            "POST / HTTP/1.1\r\n" + Host + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", UnsupportedTransferCoding, 501),
        Reject("chunked with a parameter is not chunked, so the final coding is not chunked",
            "POST / HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked;q=1\r\n\r\n0\r\n\r\n", InvalidTransferEncoding, 400),
        Reject("chunked twice around an unknown coding", "POST / HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked, gzip, chunked\r\n\r\n0\r\n\r\n", InvalidTransferEncoding, 400),
        Ok("empty elements in the Transfer-Encoding list are ignored", "POST / HTTP/1.1\r\n" + Host + "Transfer-Encoding: , chunked\r\n\r\n0\r\n\r\n",
            new ExpectedRequest("POST", "/", "/", "", Http11, new[] { "Host: example.com", "Transfer-Encoding: , chunked" })),
        Reject("chunked twice", "POST / HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", InvalidTransferEncoding, 400),
        Reject("empty Transfer-Encoding", "POST / HTTP/1.1\r\n" + Host + "Transfer-Encoding:\r\n\r\n", InvalidTransferEncoding, 400),
        Reject("Transfer-Encoding in HTTP/1.0 (RFC 9112 §6.1)", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", InvalidTransferEncoding, 400),

        // ---- Expect (RFC 9110 §10.1.1) -----------------------------------------------------------
        Ok("Expect: 100-continue is accepted", "POST / HTTP/1.1\r\n" + Host + "Expect: 100-continue\r\nContent-Length: 2\r\n\r\nok",
            new ExpectedRequest("POST", "/", "/", "", Http11, new[] { "Host: example.com", "Expect: 100-continue", "Content-Length: 2" }, "ok")),
        Reject("any other expectation fails", "GET / HTTP/1.1\r\n" + Host + "Expect: 200-ok\r\n\r\n", ExpectationFailed, 417),
        Reject("another expectation beside 100-continue fails", "GET / HTTP/1.1\r\n" + Host + "Expect: 100-continue, x\r\n\r\n", ExpectationFailed, 417),
        Reject("another expectation in a second Expect field fails", "GET / HTTP/1.1\r\n" + Host + "Expect: 100-Continue\r\nExpect: foo=bar\r\n\r\n", ExpectationFailed, 417),

        // ---- limits (RFC 9112 §3, RFC 6585 §5, RFC 9110 §15.5.14) --------------------------------
        Ok("request line at the limit", "GET /" + new string('a', 18) + " HTTP/1.1\r\n" + Host + "\r\n",
            new ExpectedRequest("GET", "/" + new string('a', 18), "/" + new string('a', 18), "", Http11, HostOnly)) with { Limits = Small },
        Reject("request line over the limit", "GET /" + new string('a', 19) + " HTTP/1.1\r\n" + Host + "\r\n", RequestLineTooLong, 414, Small),
        Reject("endless request line", "GET /" + new string('a', 60), RequestLineTooLong, 414, Small),
        Ok("header section at the limit", "GET / HTTP/1.1\r\n" + Host + "X-A: " + new string('v', 38) + "\r\n\r\n",
            Get("/", "/", headers: new[] { "Host: example.com", "X-A: " + new string('v', 38) })) with { Limits = Small },
        Reject("header section over the limit", "GET / HTTP/1.1\r\n" + Host + "X-A: " + new string('v', 39) + "\r\n\r\n", HeadersTooLarge, 431, Small),
        Reject("endless header section", "GET / HTTP/1.1\r\n" + Host + "X-A: " + new string('v', 100), HeadersTooLarge, 431, Small),
        Reject("bad request line wins over a large header section", "GET / HTTP/9.9\r\n" + Host + "X-A: " + new string('v', 100), UnsupportedVersion, 505, Small),
        Reject("more fields than the limit", "GET / HTTP/1.1\r\n" + Host + "A: 1\r\nB: 2\r\nC: 3\r\n\r\n", TooManyHeaders, 431, Small),
        Reject("Content-Length over the limit is refused before the body", "POST / HTTP/1.1\r\n" + Host + "Content-Length: 17\r\n\r\n", BodyTooLarge, 413, Small),
        Ok("chunked body at the limit", ChunkedHead + "8\r\n01234567\r\n8\r\n89abcdef\r\n0\r\n\r\n", ChunkedPost("0123456789abcdef")) with { Limits = Small },
        Reject("chunked body growing over the limit", ChunkedHead + "8\r\n01234567\r\n9\r\n", BodyTooLarge, 413, Small),
        Ok("one chunk of exactly the limit", ChunkedHead + "10\r\n0123456789abcdef\r\n0\r\n\r\n", ChunkedPost("0123456789abcdef")) with { Limits = Small },
        Reject("one chunk of one byte over the limit", ChunkedHead + "11\r\n0123456789abcdefg\r\n0\r\n\r\n", BodyTooLarge, 413, Small),
        Reject("a chunk size that would overflow the running body length is over the limit, not a negative length",
            ChunkedHead + "1\r\na\r\n7fffffffffffffff\r\n" + new string('x', 40), BodyTooLarge, 413, Small),
        Reject("the same overflow with the default limits", ChunkedHead + "1\r\na\r\n7fffffffffffffff\r\n" + new string('x', 40), BodyTooLarge, 413),
        Reject("a second chunk of the largest size after one at the limit",
            ChunkedHead + "10\r\n0123456789abcdef\r\n7FFFFFFFFFFFFFFF\r\nxx", BodyTooLarge, 413, Small),
        Reject("one huge chunk is refused before its data", ChunkedHead + "7fffffffffffffff\r\n" + new string('x', 40), BodyTooLarge, 413),
        Reject("a chunk size of zeros longer than the line limit", ChunkedHead + new string('0', 40) + "1\r\na\r\n0\r\n\r\n", InvalidChunk, 400, Small),
        Reject("endless chunk-size line", ChunkedHead + "1;" + new string('x', 40), InvalidChunk, 400, Small),
        Reject("trailer section over the limit", ChunkedHead + "0\r\nX-T: " + new string('t', 70), HeadersTooLarge, 431, Small),

        // ---- pipelining: each body read exactly, the next request starts at the right byte -------
        Ok("pipelined requests in one buffer",
            "GET /1 HTTP/1.1\r\n" + Host + "\r\n" +
            "POST /2 HTTP/1.1\r\n" + Host + "Content-Length: 4\r\n\r\nGET " +
            "POST /3 HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked\r\n\r\n4;x=y\r\nGET \r\n0\r\nT: 1\r\n\r\n" +
            "\r\nGET /4?last HTTP/1.0\r\n\r\n",
            Get("/1", "/1"),
            new ExpectedRequest("POST", "/2", "/2", "", Http11, new[] { "Host: example.com", "Content-Length: 4" }, "GET "),
            new ExpectedRequest("POST", "/3", "/3", "", Http11, new[] { "Host: example.com", "Transfer-Encoding: chunked" }, "GET "),
            Get("/4?last", "/4", "last", Http10, Array.Empty<string>())),
        new("a rejection after good pipelined requests ends the stream",
            "GET /1 HTTP/1.1\r\n" + Host + "\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n" + Host + "\r\n",
            new[] { Get("/1", "/1") }, InvalidHost, 400),

        // ---- persistence (RFC 9112 §9.3) ---------------------------------------------------------
        Ok("HTTP/1.1 keeps the connection by default", "GET / HTTP/1.1\r\n" + Host + "\r\n", Get("/", "/")) with { KeepAlive = true },
        Ok("HTTP/1.1 with Connection: close", "GET / HTTP/1.1\r\n" + Host + "Connection: close\r\n\r\n",
            Get("/", "/", headers: new[] { "Host: example.com", "Connection: close" })) with { KeepAlive = false },
        Ok("close among other connection options", "GET / HTTP/1.1\r\n" + Host + "Connection: Upgrade\r\nConnection: x, CLOSE\r\n\r\n",
            Get("/", "/", headers: new[] { "Host: example.com", "Connection: Upgrade", "Connection: x, CLOSE" })) with { KeepAlive = false },
        Ok("HTTP/1.0 closes by default", "GET / HTTP/1.0\r\n\r\n", Get("/", "/", "", Http10, Array.Empty<string>())) with { KeepAlive = false },
        Ok("HTTP/1.0 with Connection: keep-alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
            Get("/", "/", "", Http10, new[] { "Connection: Keep-Alive" })) with { KeepAlive = true },
    };

    /// <summary>xunit rows: the case names (unique), looked up in <see cref="Cases"/>.</summary>
    public static IEnumerable<object[]> Names => Cases.Select(c => new object[] { c.Name });

    public static ParserCase Find(string name) => Cases.Single(c => c.Name == name);
}
