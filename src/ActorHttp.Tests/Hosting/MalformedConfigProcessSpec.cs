using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Hosting;

/// <summary>
/// A bad setting ends the real host, as a child process, with exit code 2 and one line on stderr: never the runtime's
/// "Unhandled exception" and its stack trace. Akka's HOCON parser spins forever (and allocates without end) on some
/// malformed input, such as a list closed by '}': the host must give up on it, and the spinning parser thread cannot
/// be stopped, so it must not live on in the test process.
/// </summary>
public sealed class MalformedConfigProcessSpec : IDisposable
{
    private readonly TestWww _www = new();

    public void Dispose() => _www.Dispose();

    [Theory]
    [InlineData("actorhttp.port=[1, }", "error: --set \"actorhttp.port=[1, }\": malformed HOCON: '}' closes a '['")]
    [InlineData("actorhttp.access-log-format=bogus", "error: actorhttp.access-log-format:")]
    [InlineData("actorhttp.access-log=\"/no/such/folder/access.log\"", "error: actorhttp.access-log:")]
    [InlineData("actorhttp.routes=[{ method = GET, path = \"/x\", handler = No.Such.Handler }]", "error: actorhttp.routes[0].handler:")]
    [InlineData("akka.loglevel=bogus", "error: akka:")]
    public async Task A_bad_setting_ends_the_host_with_exit_code_2_and_one_line_on_stderr(string set, string start)
    {
        var (exitCode, errorLines) = await HostProcess.RunToExitAsync(_www.Root, "--port", "0", "--root", _www.Root, "--set", set);

        Assert.Equal(2, exitCode);
        Assert.StartsWith(start, Assert.Single(errorLines));
    }
}
