using System.Text;
using System.Text.Json;
using ActorHttp.Tests.Observability;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Integration;

/// <summary>
/// A real browser (headless Chromium) against a real server: the shipped pages as a user sees them, and the
/// browser's own clients (EventSource) against the server's push routes.
/// </summary>
public sealed class BrowserSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
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

    private readonly TestWww _www = new();
    private readonly List<IAsyncDisposable> _started = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // The browser first, so that its open streams are gone before the servers stop.
        for (var i = _started.Count - 1; i >= 0; i--) await _started[i].DisposeAsync();
        _www.Dispose();
    }

    private async Task<TestServer> ServeAsync(string root)
    {
        var server = await TestServer.StartAsync(Sys, TestSettings.For(root));
        _started.Add(server);
        return server;
    }

    private async Task<HeadlessBrowser> BrowserAsync(params string[] switches)
    {
        var browser = await HeadlessBrowser.StartAsync(switches);
        _started.Add(browser);
        return browser;
    }

    [BrowserFact]
    public async Task A_browser_shows_the_shipped_hello_page()
    {
        var server = await ServeAsync(RepoFiles.PathOf("www"));
        var browser = await BrowserAsync();

        await browser.NavigateAsync(new Uri(server.Binding.BaseAddress, "/hello.html"));

        Assert.Equal("Hello", await browser.TitleAsync());
        Assert.Equal("Hello!", await browser.TextAsync(await browser.FindAsync("h1")));
    }

    [BrowserFact]
    public async Task A_browsers_EventSource_receives_the_clock_events()
    {
        _www.Write("clock.html", Encoding.UTF8.GetBytes(ClockPage));
        var server = await ServeAsync(_www.Root);
        var browser = await BrowserAsync();

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
}
