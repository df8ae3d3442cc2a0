using System.Security.Cryptography;

namespace ActorHttp.Tests.Support;

/// <summary>
/// One headless browser for all the tests of a class (an xunit class fixture), started on first use, since
/// starting Chromium costs more than most of those tests. It trusts the self-signed <see cref="TestCertificate"/>
/// of the HTTPS tests, that key alone. Each test works in tabs of its own (<see cref="OpenTabAsync"/>)
/// and closes them with <see cref="CloseTabsAsync"/>; the first tab stays open, for a session ends with its
/// last tab.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private readonly object _gate = new();
    private Task<(HeadlessBrowser Browser, string FirstTab)>? _started;

    /// <summary>The base64 SHA-256 of the test certificate's SubjectPublicKeyInfo, as Chromium's SPKI allow-list takes it.</summary>
    public static string Spki { get; } =
        Convert.ToBase64String(SHA256.HashData(TestCertificate.Certificate.PublicKey.ExportSubjectPublicKeyInfo()));

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>The shared browser, started by the first caller, with a new tab made current for the caller.</summary>
    public async Task<(HeadlessBrowser Browser, string Tab)> OpenTabAsync()
    {
        var (browser, _) = await Started();
        var tab = await browser.NewTabAsync();
        await browser.SwitchToAsync(tab);
        return (browser, tab);
    }

    /// <summary>Closes <paramref name="tabs"/> (and so their pages' connections) and makes the first tab current again.</summary>
    public async Task CloseTabsAsync(IEnumerable<string> tabs)
    {
        var (browser, firstTab) = await Started();
        foreach (var tab in tabs) await browser.CloseTabAsync(tab);
        await browser.SwitchToAsync(firstTab);
    }

    private Task<(HeadlessBrowser, string)> Started()
    {
        lock (_gate) return _started ??= StartAsync();
    }

    private async Task<(HeadlessBrowser, string)> StartAsync()
    {
        // Chromium then trusts this one key, not any certificate at all: anything else still gets its "Privacy
        // error" page.
        var browser = await HeadlessBrowser.StartAsync("--ignore-certificate-errors-spki-list=" + Spki);
        try
        {
            return (browser, await browser.CurrentTabAsync());
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        Task<(HeadlessBrowser Browser, string)>? started;
        lock (_gate) started = _started;
        if (started is not null)
        {
            try
            {
                await (await started).Browser.DisposeAsync();
            }
            catch (Exception) when (started.IsFaulted)
            {
                // It never started; the test that asked for it has failed with the reason.
            }
        }
    }
}
