using Akka.Actor;
using Akka.Event;
using ActorHttp.Hosting;
using ActorHttp.Routing;
using ActorHttp.Tests.Routing;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Integration;

/// <summary>
/// Control characters a client sends, raw or percent-encoded, never start a line of their own in either log:
/// the access log (combined, to a file) and Akka's log through the real <see cref="StderrLogger"/>.
/// </summary>
public sealed class LogInjectionSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private readonly TestWww _www = new();
    private readonly CapturedText _stderr = new();
    private readonly string _accessLog;
    private TestServer _server = null!;

    public LogInjectionSpec() => _accessLog = Path.Combine(_www.Root, "..", Path.GetFileName(_www.Root) + "-access.log");

    public async Task InitializeAsync()
    {
        Sys.EventStream.Subscribe(Sys.ActorOf(Props.Create(() => new StderrLogger(_stderr))), typeof(LogEvent));
        var routes = new RouteBuilder().Get("/fail/*", Props.Create<DecodedPathThrowingHandler>()).Build();
        var settings = TestSettings.For(_www.Root,
            $"actorhttp.access-log = {ConfigLoader.Quote(_accessLog)}\nactorhttp.access-log-format = combined");
        _server = await TestServer.StartAsync(Sys, settings, routes);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        File.Delete(_accessLog);
        _www.Dispose();
    }

    [Fact]
    public void Escapes_in_the_path_user_agent_and_referer_give_one_access_log_line_and_one_stderr_line()
    {
        using var raw = _server.Connect();
        // Raw CR, LF and ESC are refused in a field value by the parser; obs-text (RFC 9110 §5.5) is not, and
        // NEL (U+0085) and LINE SEPARATOR (U+2028) in UTF-8 end a line for some log viewers.
        raw.Send("GET /fail/before%0d%0aforged%1b[31m HTTP/1.1\r\nHost: x\r\n"
                 + "User-Agent: ua%0d%0a%1b \u00c2\u0085forged-agent\r\n"
                 + "Referer: http://r/%0d%0a\u00e2\u0080\u00a8forged-referer\r\nConnection: close\r\n\r\n");
        Assert.Equal(500, raw.ReadResponse().Status);

        AwaitAssert(() => Assert.True(File.Exists(_accessLog) && File.ReadAllText(_accessLog).EndsWith('\n')), TimeSpan.FromSeconds(5));
        var accessLine = Assert.Single(File.ReadAllLines(_accessLog));
        Assert.Contains("\"GET /fail/before%0d%0aforged%1b[31m HTTP/1.1\" 500 ", accessLine);
        Assert.EndsWith(" \"http://r/%0d%0a\\xE2\\x80\\xA8forged-referer\" \"ua%0d%0a%1b \\xC2\\x85forged-agent\"", accessLine);

        // The handler's failure is logged by its supervisor with the exception, whose message holds the decoded path.
        AwaitAssert(() => Assert.Contains(_stderr.Lines, l => l.Contains("forged")), TimeSpan.FromSeconds(5));
        var stderrLine = Assert.Single(_stderr.Lines, l => l.Contains("forged"));
        Assert.Contains("The path '/fail/before\\x0D\\x0Aforged\\x1B[31m' is too long.", stderrLine);
        Assert.All(_stderr.Lines, l => Assert.DoesNotContain(l, c => c < 0x20 || c is >= '\u007f' and <= '\u009f' or '\u2028' or '\u2029'));
    }

    [Fact]
    public void A_request_the_parser_refused_is_logged_with_its_line_as_far_as_read_escaped_as_nginx_does()
    {
        using var raw = _server.Connect();
        // A space inside the target: the line cannot be parsed (400), and an ESC and a quote ride along.
        raw.Send("\r\nGET /a b\u001b[31m\"x HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(400, raw.ReadResponse().Status);

        AwaitAssert(() => Assert.True(File.Exists(_accessLog) && File.ReadAllText(_accessLog).EndsWith('\n')), TimeSpan.FromSeconds(15));
        var accessLine = Assert.Single(File.ReadAllLines(_accessLog));
        Assert.Contains(" \"GET /a b\\x1B[31m\\x22x HTTP/1.1\" 400 ", accessLine);
    }
}
