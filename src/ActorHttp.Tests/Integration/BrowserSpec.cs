using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ActorHttp.Hosting;
using ActorHttp.Tests.Hosting;
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

    [BrowserFact(Skip = "waits for HTTPS (issue #16, branch wt-tls): actorhttp.tls.* and the `Listening on https://` line")]
    public async Task A_browser_loads_a_page_over_HTTPS_trusting_the_servers_key_alone()
    {
        var (certificate, key, spki) = SelfSignedCertificate(_www.Root);
        using var host = await HostProcess.StartAsync(_www.Root,
            "--port", "0", "--root", RepoFiles.PathOf("www"), "--set", "actorhttp.access-log=off",
            "--set", "actorhttp.tls.port=0",
            "--set", "actorhttp.tls.certificate=" + ConfigLoader.Quote(certificate),
            "--set", "actorhttp.tls.key=" + ConfigLoader.Quote(key));
        var https = await host.WaitForOutputLineAsync(l => l.StartsWith("Listening on https://", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        // Chromium trusts this one key (by the SHA-256 of its SubjectPublicKeyInfo), not any certificate at all;
        // anything else would show its "Privacy error" page instead of ours.
        var browser = await BrowserAsync("--ignore-certificate-errors-spki-list=" + spki);

        await browser.NavigateAsync(new Uri(new Uri(https["Listening on ".Length..]), "/hello.html"));

        Assert.Equal("Hello", await browser.TitleAsync());
        Assert.Equal("https:", (await browser.ExecuteAsync("return location.protocol")).GetString());
    }

    /// <summary>A self-signed certificate for 127.0.0.1 and localhost, as PEM files in <paramref name="folder"/>, and the base64 SHA-256 of its public key.</summary>
    private static (string Certificate, string Key, string Spki) SelfSignedCertificate(string folder)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certificatePath = Path.Combine(folder, "cert.pem");
        var keyPath = Path.Combine(folder, "key.pem");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath, Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo())));
    }
}
