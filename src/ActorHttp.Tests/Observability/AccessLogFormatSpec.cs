using ActorHttp.Observability;
using CsCheck;

namespace ActorHttp.Tests.Observability;

public sealed class AccessLogFormatSpec
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 23, 13, 25, 31, TimeSpan.Zero);

    private static AccessLogEntry Entry(
        string method = "GET", string target = "/", int status = 200, long bytes = 176,
        string? referer = null, string? userAgent = null, DateTimeOffset? time = null, string remote = "127.0.0.1",
        string version = "HTTP/1.1") =>
        new(remote, time ?? Noon, method, target, version, status, bytes, referer, userAgent);

    // Each row: the entry, then the Common line expected. The table is the whole behaviour of Common.
    public static TheoryData<AccessLogEntry, string> CommonCases => new()
    {
        { Entry(), "127.0.0.1 - - [23/Nov/2026:13:25:31 +0000] \"GET / HTTP/1.1\" 200 176" },
        // Apache's %b writes '-' rather than 0 when no body bytes were sent.
        { Entry(status: 304, bytes: 0), "127.0.0.1 - - [23/Nov/2026:13:25:31 +0000] \"GET / HTTP/1.1\" 304 -" },
        { Entry(method: "HEAD", target: "/a/b.html?x=1&y=2", version: "HTTP/1.0", status: 404, bytes: 9),
            "127.0.0.1 - - [23/Nov/2026:13:25:31 +0000] \"HEAD /a/b.html?x=1&y=2 HTTP/1.0\" 404 9" },
        { Entry(remote: "::1"), "::1 - - [23/Nov/2026:13:25:31 +0000] \"GET / HTTP/1.1\" 200 176" },
        { Entry(remote: ""), "- - - [23/Nov/2026:13:25:31 +0000] \"GET / HTTP/1.1\" 200 176" },
        // The offset is written as the entry carries it, without a colon.
        { Entry(time: new DateTimeOffset(2026, 1, 5, 3, 4, 5, TimeSpan.FromHours(-5.5))),
            "127.0.0.1 - - [05/Jan/2026:03:04:05 -0530] \"GET / HTTP/1.1\" 200 176" },
        { Entry(time: new DateTimeOffset(2026, 12, 31, 23, 59, 59, TimeSpan.FromHours(2))),
            "127.0.0.1 - - [31/Dec/2026:23:59:59 +0200] \"GET / HTTP/1.1\" 200 176" },
        // A request over TLS ends with nginx's $scheme; one over plain HTTP is the Common Log Format as it is.
        { Entry() with { Scheme = "https" }, "127.0.0.1 - - [23/Nov/2026:13:25:31 +0000] \"GET / HTTP/1.1\" 200 176 https" },
        { Entry(bytes: 5_000_000_000), "127.0.0.1 - - [23/Nov/2026:13:25:31 +0000] \"GET / HTTP/1.1\" 200 5000000000" },
        // Escaped as nginx does (log_format escape=default): a quote or backslash cannot end the quoted field early
        // or fake an escape, control characters cannot start a new line; each becomes \xHH.
        { Entry(target: "/a\"b\\c"), "127.0.0.1 - - [23/Nov/2026:13:25:31 +0000] \"GET /a\\x22b\\x5Cc HTTP/1.1\" 200 176" },
        { Entry(target: "/x\r\n1.2.3.4 - - fake"),
            "127.0.0.1 - - [23/Nov/2026:13:25:31 +0000] \"GET /x\\x0D\\x0A1.2.3.4 - - fake HTTP/1.1\" 200 176" },
        { Entry(target: "/\u001b[31m\u0000"), "127.0.0.1 - - [23/Nov/2026:13:25:31 +0000] \"GET /\\x1B[31m\\x00 HTTP/1.1\" 200 176" },
        // obs-text decoded as ISO-8859-1 is written as the byte it came from (C1 controls such as NEL included);
        // other characters as their UTF-8 bytes (LINE and PARAGRAPH SEPARATOR included).
        { Entry(target: "/caf\u00e9"), "127.0.0.1 - - [23/Nov/2026:13:25:31 +0000] \"GET /caf\\xE9 HTTP/1.1\" 200 176" },
        { Entry(target: "/\u0085"), "127.0.0.1 - - [23/Nov/2026:13:25:31 +0000] \"GET /\\x85 HTTP/1.1\" 200 176" },
        // A request the parser refused: its line as far as read stands for method, target and version, as nginx logs it.
        { Entry(method: "-", target: "-", status: 400, bytes: 0) with { RejectedLine = "\u0016\u0003\u0001 x\"" },
            "127.0.0.1 - - [23/Nov/2026:13:25:31 +0000] \"\\x16\\x03\\x01 x\\x22\" 400 -" },
        { Entry(method: "-", target: "-", status: 400, bytes: 0) with { RejectedLine = "" },
            "127.0.0.1 - - [23/Nov/2026:13:25:31 +0000] \"\" 400 -" },
        { Entry(target: "/\u2028\u2029"),
            "127.0.0.1 - - [23/Nov/2026:13:25:31 +0000] \"GET /\\xE2\\x80\\xA8\\xE2\\x80\\xA9 HTTP/1.1\" 200 176" },
        { Entry(target: "/\u20ac"), "127.0.0.1 - - [23/Nov/2026:13:25:31 +0000] \"GET /\\xE2\\x82\\xAC HTTP/1.1\" 200 176" },
        { Entry(target: "/\U0001F600"), "127.0.0.1 - - [23/Nov/2026:13:25:31 +0000] \"GET /\\xF0\\x9F\\x98\\x80 HTTP/1.1\" 200 176" },
        { Entry(target: "/\x7f"), "127.0.0.1 - - [23/Nov/2026:13:25:31 +0000] \"GET /\\x7F HTTP/1.1\" 200 176" },
        { Entry(method: "G\nET", version: "HTTP/1.1\r"),
            "127.0.0.1 - - [23/Nov/2026:13:25:31 +0000] \"G\\x0AET / HTTP/1.1\\x0D\" 200 176" },
    };

    [Theory]
    [MemberData(nameof(CommonCases))]
    public void Common_log_format_renders_each_field_as_Apache_does_with_nginx_escapes(AccessLogEntry entry, string expected) =>
        Assert.Equal(expected, AccessLogFormat.Common(entry));

    public static TheoryData<string?, string?, string> CombinedCases => new()
    {
        { "http://example.com/", "curl/8.5.0", " \"http://example.com/\" \"curl/8.5.0\"" },
        { null, null, " \"-\" \"-\"" },
        { "", "", " \"-\" \"-\"" },
        { null, "Mozilla/5.0 (X11; Linux x86_64)", " \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\"" },
        { "http://e.com/?q=\"x\"", "agent \"quoted\" \\", " \"http://e.com/?q=\\x22x\\x22\" \"agent \\x22quoted\\x22 \\x5C\"" },
        { "http://e.com/\ttab", "a\nb", " \"http://e.com/\\x09tab\" \"a\\x0Ab\"" },
        { "r\u0085\u00c2\u0085", "a\u2028b", " \"r\\x85\\xC2\\x85\" \"a\\xE2\\x80\\xA8b\"" },
    };

    [Theory]
    [MemberData(nameof(CombinedCases))]
    public void Combined_log_format_appends_quoted_referer_and_user_agent_with_dash_when_absent(
        string? referer, string? userAgent, string expectedSuffix)
    {
        var entry = Entry(referer: referer, userAgent: userAgent);
        Assert.Equal(AccessLogFormat.Common(entry) + expectedSuffix, AccessLogFormat.Combined(entry));
    }

    [Theory]
    [InlineData("common")]
    [InlineData("COMMON")]
    [InlineData("combined")]
    public void A_format_is_chosen_by_its_configuration_name(string name) =>
        Assert.NotNull(AccessLogFormat.ByName(name));

    [Fact]
    public void An_unknown_format_name_is_rejected() =>
        Assert.Throws<ArgumentException>(() => AccessLogFormat.ByName("xml"));

    [Fact]
    public void A_formatted_line_is_printable_ASCII_with_exactly_three_quoted_fields_whatever_the_client_sent() =>
        Gen.Select(AnyText, AnyText, AnyText).Sample((target, referer, agent) =>
        {
            var line = AccessLogFormat.Combined(Entry(target: target, referer: referer, userAgent: agent));
            return line.All(c => c >= 0x20 && c < 0x7F) && line.Count(c => c == '"') == 6;
        });

    // Any UTF-16 code unit, lone surrogates included, as a decoder bug upstream could produce.
    private static readonly Gen<string> AnyText = Gen.Char.Array[0, 40].Select(chars => new string(chars));
}

public sealed class AccessLogEntrySpec
{
    [Theory]
    [InlineData("127.0.0.1", 5000, "127.0.0.1")]
    [InlineData("::ffff:10.1.2.3", 5000, "10.1.2.3")]
    [InlineData("::1", 5000, "::1")]
    [InlineData("2001:db8::7", 443, "2001:db8::7")]
    public void The_remote_address_is_the_IP_without_the_port_and_mapped_IPv4_is_shown_as_IPv4(string ip, int port, string expected) =>
        Assert.Equal(expected, AccessLogEntry.AddressText(new System.Net.IPEndPoint(System.Net.IPAddress.Parse(ip), port)));

    [Fact]
    public void An_unknown_remote_address_is_a_dash() => Assert.Equal("-", AccessLogEntry.AddressText(null));
}
