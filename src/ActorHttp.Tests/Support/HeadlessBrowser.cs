using System.Diagnostics;
using System.Net.Http;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ActorHttp.Tests.Support;

/// <summary>
/// A headless Chromium driven through chromedriver's W3C WebDriver HTTP API (https://www.w3.org/TR/webdriver2/),
/// with nothing but <see cref="HttpClient"/> and JSON: one session, its tabs, navigation, elements found by CSS,
/// typing, clicking, text, and scripts. Every call is bounded by a timeout; dispose ends the session and kills
/// chromedriver with everything it started.
/// </summary>
public sealed partial class HeadlessBrowser : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";
    public const string Chromedriver = "/usr/bin/chromedriver";

    /// <summary>How long a page load or a script (a wait in the page included) may take inside the browser.</summary>
    public static readonly TimeSpan PageTimeout = TimeSpan.FromSeconds(15);

    // Longer than the browser's own timeouts, so that they, with their error, come first.
    private static readonly TimeSpan CallTimeout = PageTimeout + TimeSpan.FromSeconds(5);
    // Starting Chromium is the slowest step, and slower still on a loaded machine.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    // The key of an element reference in WebDriver's JSON (W3C WebDriver §12.1, "web element identifier").
    private const string ElementKey = "element-6066-11e4-a52e-4f735466cecf";

    // Without the background-networking, component-update and sync switches Chromium keeps calling Google's
    // services at startup, and on a closed network it fails; QUIC is off so that nothing tries UDP.
    private static readonly string[] BrowserSwitches =
    {
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    };

    private readonly Process _driver;
    private readonly string _profile;
    private readonly HttpClient _http;
    private string? _session;

    private HeadlessBrowser(Process driver, int port, string profile)
    {
        _driver = driver;
        _profile = profile;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = StartTimeout };
    }

    /// <summary>True when both Chromium and chromedriver are installed where Debian's packages put them.</summary>
    public static bool IsInstalled => File.Exists(Chromium) && File.Exists(Chromedriver);

    /// <summary>Starts chromedriver on a free loopback port and opens a session with a fresh profile; <paramref name="switches"/> are added to Chromium's.</summary>
    public static async Task<HeadlessBrowser> StartAsync(params string[] switches)
    {
        if (!IsInstalled)
            throw new InvalidOperationException($"{Chromium} and {Chromedriver} are needed (Debian: apt-get install chromium chromium-driver)");
        var profile = Path.Combine(Path.GetTempPath(), "actorhttp-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        // Port 0: chromedriver binds a free port itself and prints it, so no other process can take it in between.
        var start = new ProcessStartInfo(Chromedriver, new[] { "--port=0" })
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var driver = Process.Start(start) ?? throw new InvalidOperationException("chromedriver did not start");
        HeadlessBrowser? browser = null;
        try
        {
            _ = driver.StandardError.ReadToEndAsync();
            browser = new HeadlessBrowser(driver, await ReadPortAsync(driver), profile);
            await browser.OpenSessionAsync(switches);
            return browser;
        }
        catch
        {
            if (browser is not null) await browser.DisposeAsync();
            else
            {
                Kill(driver);
                DeleteProfile(profile);
            }
            throw;
        }
    }

    /// <summary>The port from chromedriver's <c>started successfully on port N.</c> line.</summary>
    private static async Task<int> ReadPortAsync(Process driver)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            while (await driver.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (StartedLine().Match(line) is { Success: true } started)
                {
                    // Keep draining stdout so that chromedriver never blocks on a full pipe.
                    _ = driver.StandardOutput.ReadToEndAsync();
                    return int.Parse(started.Groups[1].Value);
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"chromedriver did not say its port within {StartTimeout}");
        }
        throw new InvalidOperationException("chromedriver exited before saying its port");
    }

    [GeneratedRegex(@"started successfully on port (\d+)")]
    private static partial Regex StartedLine();

    private async Task OpenSessionAsync(string[] switches)
    {
        var args = new JsonArray();
        foreach (var s in BrowserSwitches.Concat(switches).Append("--user-data-dir=" + _profile)) args.Add(s);
        var capabilities = new JsonObject
        {
            ["alwaysMatch"] = new JsonObject
            {
                ["browserName"] = "chrome",
                ["timeouts"] = new JsonObject
                {
                    ["pageLoad"] = (int)PageTimeout.TotalMilliseconds,
                    ["script"] = (int)PageTimeout.TotalMilliseconds,
                    ["implicit"] = 0,
                },
                ["goog:chromeOptions"] = new JsonObject { ["binary"] = Chromium, ["args"] = args },
            },
        };
        var value = await CallAsync(HttpMethod.Post, "session", new JsonObject { ["capabilities"] = capabilities }, StartTimeout);
        _session = value.GetProperty("sessionId").GetString();
    }

    /// <summary>The current tab's handle.</summary>
    public async Task<string> CurrentTabAsync() => (await SessionCallAsync(HttpMethod.Get, "window")).GetString()!;

    /// <summary>Opens a new tab and returns its handle; the current tab stays current.</summary>
    public async Task<string> NewTabAsync() =>
        (await SessionCallAsync(HttpMethod.Post, "window/new", new JsonObject { ["type"] = "tab" })).GetProperty("handle").GetString()!;

    /// <summary>Makes the tab with <paramref name="handle"/> the one later commands act on.</summary>
    public Task SwitchToAsync(string handle) => SessionCallAsync(HttpMethod.Post, "window", new JsonObject { ["handle"] = handle });

    /// <summary>Closes the tab with <paramref name="handle"/> (its page's connections with it); another tab must be made current after.</summary>
    public async Task CloseTabAsync(string handle)
    {
        await SwitchToAsync(handle);
        await SessionCallAsync(HttpMethod.Delete, "window");
    }

    /// <summary>Loads <paramref name="url"/> in the current tab and waits for it to finish loading.</summary>
    public Task NavigateAsync(Uri url) => SessionCallAsync(HttpMethod.Post, "url", new JsonObject { ["url"] = url.ToString() });

    /// <summary>The current page's title.</summary>
    public async Task<string> TitleAsync() => (await SessionCallAsync(HttpMethod.Get, "title")).GetString()!;

    /// <summary>The first element matching <paramref name="css"/>; fails when there is none.</summary>
    public async Task<string> FindAsync(string css) =>
        (await SessionCallAsync(HttpMethod.Post, "element", new JsonObject { ["using"] = "css selector", ["value"] = css }))
            .GetProperty(ElementKey).GetString()!;

    /// <summary>Types <paramref name="text"/> into the element, as keystrokes.</summary>
    public Task TypeAsync(string element, string text) =>
        SessionCallAsync(HttpMethod.Post, $"element/{element}/value", new JsonObject { ["text"] = text });

    public Task ClickAsync(string element) => SessionCallAsync(HttpMethod.Post, $"element/{element}/click");

    /// <summary>The element's rendered text.</summary>
    public async Task<string> TextAsync(string element) => (await SessionCallAsync(HttpMethod.Get, $"element/{element}/text")).GetString()!;

    /// <summary>
    /// Runs <paramref name="script"/> as a function body in the current page with <paramref name="args"/> as
    /// <c>arguments</c>; a returned promise is awaited (W3C WebDriver §13.2.1), for at most <see cref="PageTimeout"/>.
    /// </summary>
    public Task<JsonElement> ExecuteAsync(string script, params string[] args)
    {
        var list = new JsonArray();
        foreach (var a in args) list.Add(a);
        return SessionCallAsync(HttpMethod.Post, "execute/sync", new JsonObject { ["script"] = script, ["args"] = list });
    }

    /// <summary>
    /// Waits, inside the page, until an element matching <paramref name="css"/> has exactly <paramref name="text"/>
    /// as its text. A MutationObserver wakes the check on every change of the document, so nothing polls.
    /// </summary>
    public async Task WaitForTextAsync(string css, string text)
    {
        try
        {
            await ExecuteAsync(WaitForTextScript, css, text);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("script timeout", StringComparison.Ordinal))
        {
            throw new TimeoutException($"No element matching {css} had the text \"{text}\" within {PageTimeout}", e);
        }
    }

    private const string WaitForTextScript =
        """
        const [css, text] = arguments;
        const found = () => Array.from(document.querySelectorAll(css)).some(element => element.textContent === text);
        return new Promise(resolve => {
          if (found()) return resolve(true);
          new MutationObserver((_, observer) => {
            if (found()) { observer.disconnect(); resolve(true); }
          }).observe(document, { subtree: true, childList: true, characterData: true });
        });
        """;

    /// <summary>The text of every element matching <paramref name="css"/>, in document order.</summary>
    public async Task<IReadOnlyList<string>> TextsAsync(string css) =>
        (await ExecuteAsync("return Array.from(document.querySelectorAll(arguments[0]), element => element.textContent);", css))
            .EnumerateArray().Select(text => text.GetString()!).ToList();

    private Task<JsonElement> SessionCallAsync(HttpMethod method, string path, JsonObject? body = null) =>
        CallAsync(method, $"session/{_session ?? throw new InvalidOperationException("no session")}/{path}", body);

    /// <summary>One WebDriver command: its <c>value</c>, or an exception with the WebDriver error and message.</summary>
    private async Task<JsonElement> CallAsync(HttpMethod method, string path, JsonObject? body = null, TimeSpan? timeout = null)
    {
        var limit = timeout ?? CallTimeout;
        using var cancel = new CancellationTokenSource(limit);
        try
        {
            return await SendCommandAsync(method, path, body, cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw new TimeoutException($"WebDriver {method} /{path} got no answer within {limit}");
        }
    }

    private async Task<JsonElement> SendCommandAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(method, path);
        // POST commands always carry a JSON object, an empty one when they take no parameters (W3C WebDriver §6.5).
        // As a string with a Content-Length: chromedriver's HTTP server does not take chunked request bodies.
        if (method == HttpMethod.Post)
            request.Content = new StringContent((body ?? new JsonObject()).ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _http.SendAsync(request, cancel);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(cancel);
        var value = json.GetProperty("value");
        if (!response.IsSuccessStatusCode)
        {
            var error = value.TryGetProperty("error", out var e) ? e.GetString() : response.StatusCode.ToString();
            var message = value.TryGetProperty("message", out var m) ? m.GetString() : "";
            throw new InvalidOperationException($"WebDriver {method} /{path}: {error}: {message}");
        }
        return value.Clone();
    }

    /// <summary>Ends the session (Chromium quits), then kills chromedriver and whatever of its tree is left, and deletes the profile.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_session is not null && !_driver.HasExited)
        {
            try
            {
                using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                using var response = await _http.DeleteAsync($"session/{_session}", quit.Token);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                // The kill below ends Chromium with chromedriver's whole process tree.
            }
            _session = null;
        }
        _http.Dispose();
        Kill(_driver);
        DeleteProfile(_profile);
    }

    private static void Kill(Process driver)
    {
        try
        {
            if (!driver.HasExited) driver.Kill(entireProcessTree: true);
            driver.WaitForExit(TimeSpan.FromSeconds(5));
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
        driver.Dispose();
    }

    private static void DeleteProfile(string profile)
    {
        try { Directory.Delete(profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
