using System.Diagnostics;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Hosting;

/// <summary>
/// HTTPS from the real host, as a user meets it: the second "Listening on https://" line, curl with --cacert, openssl
/// s_client refused TLS 1.1 and offered ALPN http/1.1, the plain port redirecting with 308, and a bad certificate
/// setting ending the start with exit code 2 and one line. Skipped where curl or openssl is not installed.
/// </summary>
public sealed class HttpsProcessSpec : IDisposable
{
    private const string Curl = InstalledPrograms.Curl;
    private const string OpenSsl = InstalledPrograms.OpenSsl;
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(15);

    private readonly TestWww _www = new();

    public void Dispose() => _www.Dispose();

    [FactNeeding(DebianPackage.Curl, DebianPackage.Openssl)]
    public async Task The_host_serves_https_to_curl_openssl_and_redirects_its_plain_port()
    {
        using var host = await HostProcess.StartAsync(_www.Root, "--port", "0", "--root", _www.Root,
            "--set", "actorhttp.access-log=off", "--set", "actorhttp.metrics.path=\"/metrics\"",
            "--set", "actorhttp.tls.port=0",
            "--set", $"actorhttp.tls.certificate={Quote(TestCertificate.CertificatePath)}",
            "--set", $"actorhttp.tls.key={Quote(TestCertificate.KeyPath)}",
            "--set", "actorhttp.tls.redirect-http=on");
        // The https line comes right after the plain one.
        var second = await host.WaitForOutputLineAsync(_ => true, TimeSpan.FromSeconds(5));
        Assert.Matches(@"^Listening on https://127\.0\.0\.1:\d+$", second);
        var port = int.Parse(second[(second.LastIndexOf(':') + 1)..]);

        var hello = await RunAsync(Curl, "--silent", "--show-error", "--max-time", "10", "--cacert", TestCertificate.CertificatePath, $"https://localhost:{port}/");
        Assert.Equal((0, TestWww.Hello), (hello.ExitCode, hello.Out));

        // The client is let offer TLS 1.1 (OpenSSL's default security level would refuse it before the server could).
        var old = await RunAsync(OpenSsl, "s_client", "-connect", $"127.0.0.1:{port}", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
        Assert.NotEqual(0, old.ExitCode);
        Assert.Contains("Cipher is (NONE)", old.Out); // no session: the handshake failed

        var alpn = await RunAsync(OpenSsl, "s_client", "-connect", $"127.0.0.1:{port}", "-servername", "localhost", "-alpn", "h2,http/1.1");
        Assert.Contains("ALPN protocol: http/1.1", alpn.Out);

        var redirect = await RunAsync(Curl, "--silent", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", $"http://127.0.0.1:{host.Port}/hello.html?a=b");
        Assert.Equal($"308 https://127.0.0.1:{port}/hello.html?a=b", redirect.Out);

        var metrics = await RunAsync(Curl, "--silent", "--max-time", "10", "--cacert", TestCertificate.CertificatePath, $"https://localhost:{port}/metrics");
        Assert.Contains("actorhttp_tls_handshake_failures_total{reason=\"protocol\"} 1\n", metrics.Out);
    }

    [Fact]
    public async Task A_missing_certificate_ends_the_host_with_exit_code_2_and_one_line_naming_the_key()
    {
        var (exitCode, errorLines) = await HostProcess.RunToExitAsync(_www.Root, "--port", "0", "--root", _www.Root,
            "--set", "actorhttp.tls.port=0",
            "--set", $"actorhttp.tls.certificate={Quote(Path.Combine(_www.Root, "missing.pem"))}",
            "--set", $"actorhttp.tls.key={Quote(TestCertificate.KeyPath)}");

        Assert.Equal(2, exitCode);
        Assert.StartsWith("error: actorhttp.tls.certificate: file \"", Assert.Single(errorLines));
    }

    private static string Quote(string path) => "\"" + path + "\"";

    /// <summary>Runs a tool with stdin closed (s_client then ends after its handshake) and returns its exit code and stdout.</summary>
    private static async Task<(int ExitCode, string Out)> RunAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool, args) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ToolTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"{tool} {string.Join(' ', args)} did not exit within {ToolTimeout}");
        }
        await error;
        return (process.ExitCode, await output);
    }
}
