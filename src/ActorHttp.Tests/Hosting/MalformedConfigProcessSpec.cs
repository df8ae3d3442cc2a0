using System.Diagnostics;

namespace ActorHttp.Tests.Hosting;

/// <summary>
/// Akka's HOCON parser spins forever (and allocates without end) on some malformed input, such as a list
/// closed by '}'. The host must give up on it, say why and exit 2. Run as a child process, because the
/// spinning parser thread cannot be stopped and must not live on in the test process.
/// </summary>
public sealed class MalformedConfigProcessSpec
{
    [Fact]
    public async Task A_setting_the_hocon_parser_never_finishes_on_ends_the_host_with_exit_code_2()
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } dotnet && File.Exists(dotnet) ? dotnet : "dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ActorHttp.dll"));
        start.ArgumentList.Add("--set");
        start.ArgumentList.Add("actorhttp.port=[1, }");
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("malformed HOCON", await error);
    }
}
