using System.Text;
using ActorHttp.Tests.Observability;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Integration;

/// <summary>
/// A real browser (headless Chromium) against a real server: the shipped pages as a user sees them, and the
/// browser's own clients (EventSource) against the server's push routes.
/// </summary>
public sealed class BrowserSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<BrowserFixture>, IAsyncLifetime
{
    // An EventSource page: each event's data becomes an item of the list.
    private const string ClockPage =
        """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Clock</title></head>
        <body><ol id="events"></ol>
        <script>
          new EventSource("/events/clock").onmessage = event => {
            const item = document.createElement("li");
            item.textContent = event.data;
            document.getElementById("events").append(item);
          };
        </script>
        </body>
        </html>
        """;

    private readonly BrowserFixture _browsers;
    private readonly TestWww _www = new();
    private readonly List<TestServer> _servers = new();
    private readonly List<string> _tabs = new();

    public BrowserSpec(BrowserFixture browsers) => _browsers = browsers;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // The tabs first, so that their open streams are gone before the servers stop.
        if (_tabs.Count > 0) await _browsers.CloseTabsAsync(_tabs);
        foreach (var server in _servers) await server.DisposeAsync();
        _www.Dispose();
    }

    private async Task<TestServer> ServeAsync(string root, string hocon = "")
    {
        var server = await TestServer.StartAsync(Sys, TestSettings.For(root, hocon));
        _servers.Add(server);
        return server;
    }

    /// <summary>The shared browser, in a new tab of this test's.</summary>
    private async Task<HeadlessBrowser> OpenTabAsync()
    {
        var (browser, tab) = await _browsers.OpenTabAsync();
        _tabs.Add(tab);
        return browser;
    }

    /// <summary>Types <paramref name="text"/> into chat.html's message box of the current tab and presses its send button.</summary>
    private static async Task SayAsync(HeadlessBrowser browser, string text)
    {
        await browser.TypeAsync(await browser.FindAsync("#message"), text);
        await browser.ClickAsync(await browser.FindAsync("#send"));
    }

    [BrowserFact]
    public async Task A_browser_shows_the_shipped_hello_page()
    {
        var server = await ServeAsync(RepoFiles.PathOf("www"));
        var browser = await OpenTabAsync();

        await browser.NavigateAsync(new Uri(server.Binding.BaseAddress, "/hello.html"));

        Assert.Equal("Hello", await browser.TitleAsync());
        Assert.Equal("Hello!", await browser.TextAsync(await browser.FindAsync("h1")));
    }

    [BrowserFact]
    public async Task A_browsers_EventSource_receives_the_clock_events()
    {
        _www.Write("clock.html", Encoding.UTF8.GetBytes(ClockPage));
        var server = await ServeAsync(_www.Root);
        var browser = await OpenTabAsync();

        await browser.NavigateAsync(new Uri(server.Binding.BaseAddress, "/clock.html"));
        // Waits in the page, woken by each new item, until the second event has arrived.
        var events = await browser.ExecuteAsync(
            """
            const list = document.getElementById("events");
            const items = () => Array.from(list.children, item => item.textContent);
            return new Promise(resolve => {
              if (list.children.length >= 2) return resolve(items());
              new MutationObserver((_, observer) => {
                if (list.children.length >= 2) { observer.disconnect(); resolve(items()); }
              }).observe(list, { childList: true });
            });
            """);

        var times = events.EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.True(times.Count >= 2, $"{times.Count} events");
        Assert.All(times, t => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", t));
    }

    [BrowserFact]
    public async Task A_browser_loads_a_page_over_HTTPS_trusting_the_servers_key_alone()
    {
        var server = await ServeAsync(RepoFiles.PathOf("www"), TestCertificate.Hocon);
        // The browser trusts the test certificate's key alone: with another certificate its "Privacy error" page would show.
        var browser = await OpenTabAsync();

        await browser.NavigateAsync(new Uri(server.Binding.TlsBaseAddress!, "/hello.html"));

        Assert.Equal("Hello", await browser.TitleAsync());
        Assert.Equal("https:", (await browser.ExecuteAsync("return location.protocol")).GetString());
    }

    [BrowserTheory]
    [InlineData("http")]
    [InlineData("https")]
    public async Task A_chat_message_typed_in_one_tab_appears_in_the_other(string scheme)
    {
        // Over https the page opens its socket with wss://, through the same kind of TLS session as the page itself.
        var server = await ServeAsync(RepoFiles.PathOf("www"), scheme == "https" ? TestCertificate.Hocon : "");
        var chat = new Uri(scheme == "https" ? server.Binding.TlsBaseAddress! : server.Binding.BaseAddress, "/chat.html");
        var browser = await OpenTabAsync();
        var first = _tabs[^1];
        await browser.NavigateAsync(chat);
        // chat.html enables its message box once its socket is open, and says so.
        await browser.WaitForTextAsync("#status", "connected");
        await OpenTabAsync();
        var second = _tabs[^1];
        await browser.NavigateAsync(chat);
        await browser.WaitForTextAsync("#status", "connected");

        // The room sends every message to every member, its sender included, and a socket joins the room after it
        // opens: a tab that sees its own message back is in the room, so the second one is before the first speaks.
        await SayAsync(browser, "the second tab is here");
        await browser.WaitForTextAsync("#log li", "the second tab is here");
        await browser.SwitchToAsync(first);
        await SayAsync(browser, "hello from the first tab");
        await browser.SwitchToAsync(second);
        await browser.WaitForTextAsync("#log li", "hello from the first tab");

        Assert.Equal(new[] { "the second tab is here", "hello from the first tab" }, await browser.TextsAsync("#log li"));
    }
}
