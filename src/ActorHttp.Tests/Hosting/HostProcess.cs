using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace ActorHttp.Tests.Hosting;

/// <summary>
/// The real <c>actorhttp</c> host as a child process (<c>dotnet ActorHttp.dll</c> from the test's output
/// folder, where the project reference puts it, or an installed <c>actorhttp</c> command), with its stdout and stderr read line by line so tests can
/// wait for what it prints instead of sleeping. Dispose kills it if it is still running.
/// </summary>
public sealed partial class HostProcess : IDisposable
{
    public const int SIGINT = 2;
    public const int SIGTERM = 15;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly Channel<string> _out = Channel.CreateUnbounded<string>();
    private readonly Channel<string> _error = Channel.CreateUnbounded<string>();
    private readonly List<string> _errorLines = new();

    private HostProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Forward(_out, e.Data);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (_errorLines) _errorLines.Add(e.Data);
            Forward(_error, e.Data);
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private static void Forward(Channel<string> channel, string? line)
    {
        if (line is null) channel.Writer.TryComplete();
        else channel.Writer.TryWrite(line);
    }

    /// <summary>The port from the <c>Listening on</c> line.</summary>
    public int Port { get; private set; }

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Everything written to stderr so far, for failure messages.</summary>
    public string ErrorText
    {
        get { lock (_errorLines) return string.Join("\n", _errorLines); }
    }

    /// <summary>Starts the host with the given arguments and waits for its <c>Listening on http://127.0.0.1:PORT</c> line.</summary>
    public static Task<HostProcess> StartAsync(string workingDirectory, params string[] args) =>
        StartAsync(workingDirectory, descriptorLimit: null, args);

    /// <summary>As <see cref="StartAsync(string, string[])"/>, waiting up to <paramref name="startTimeout"/> (a cluster node starts remoting first).</summary>
    public static Task<HostProcess> StartAsync(string workingDirectory, TimeSpan startTimeout, params string[] args) =>
        StartAsync(workingDirectory, descriptorLimit: null, args, startTimeout: startTimeout);

    /// <summary>As <see cref="StartAsync(string, string[])"/>, for the host installed as the executable <paramref name="command"/>.</summary>
    public static Task<HostProcess> StartCommandAsync(string command, string workingDirectory, params string[] args) =>
        StartAsync(workingDirectory, descriptorLimit: null, args, command);

    /// <summary>
    /// As <see cref="StartAsync(string, string[])"/>, with RLIMIT_NOFILE set to <paramref name="descriptorLimit"/>,
    /// soft and hard (the .NET runtime raises the soft limit to the hard one at startup), as <c>ulimit -n</c> does.
    /// </summary>
    public static Task<HostProcess> StartWithDescriptorLimitAsync(int descriptorLimit, string workingDirectory, params string[] args) =>
        StartAsync(workingDirectory, descriptorLimit, args);

    private static async Task<HostProcess> StartAsync(string workingDirectory, int? descriptorLimit, string[] args, string? command = null,
        TimeSpan? startTimeout = null)
    {
        var host = new HostProcess(Process.Start(StartInfo(workingDirectory, args, descriptorLimit, command)) ?? throw new InvalidOperationException("dotnet did not start"));
        try
        {
            var listening = await host.WaitForOutputLineAsync(l => l.StartsWith("Listening on ", StringComparison.Ordinal), startTimeout ?? StartTimeout);
            host.Port = int.Parse(ListeningLine().Match(listening).Groups[1].Value);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Runs the host until it exits, for a start that must fail: its exit code and everything it wrote to stderr.</summary>
    public static async Task<(int ExitCode, IReadOnlyList<string> ErrorLines)> RunToExitAsync(string workingDirectory, params string[] args)
    {
        using var host = new HostProcess(Process.Start(StartInfo(workingDirectory, args)) ?? throw new InvalidOperationException("dotnet did not start"));
        var exitCode = await host.WaitForExitAsync(StartTimeout);
        lock (host._errorLines) return (exitCode, host._errorLines.ToArray());
    }

    /// <summary>How to start the host: <c>dotnet ActorHttp.dll</c>, or <paramref name="command"/> when given.</summary>
    private static ProcessStartInfo StartInfo(string workingDirectory, string[] args, int? descriptorLimit = null, string? command = null)
    {
        var start = new ProcessStartInfo(command ?? DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (SigintIgnoredHere())
        {
            // Started in the background by a shell (`dotnet test &`), this process ignores SIGINT, and an ignored
            // signal stays ignored across exec: the host would never see it. env resets it and execs dotnet, so
            // the pid stays the host's.
            start.ArgumentList.Add("--default-signal=INT");
            start.ArgumentList.Add(start.FileName);
            start.FileName = "env";
        }
        if (command is null) start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ActorHttp.dll"));
        // An installed command is an apphost: pointed at the .NET install this test runs on (ROOT/shared/NAME/VERSION/).
        else start.Environment["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "../../.."));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        if (descriptorLimit is { } limit)
        {
            // sh sets the limit and execs the rest of the command line, so the pid stays the host's.
            start.ArgumentList.Insert(0, "-c");
            start.ArgumentList.Insert(1, $"ulimit -n {limit} && exec \"$@\"");
            start.ArgumentList.Insert(2, "sh");
            start.ArgumentList.Insert(3, start.FileName);
            start.FileName = "/bin/sh";
        }
        return start;
    }

    [GeneratedRegex(@"^Listening on http://127\.0\.0\.1:(\d+)$")]
    private static partial Regex ListeningLine();

    /// <summary>True when this process inherited SIGINT as ignored (bit 2 of SigIgn in /proc/self/status).</summary>
    private static bool SigintIgnoredHere()
    {
        var line = File.Exists("/proc/self/status")
            ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))
            : null;
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (SIGINT - 1))) != 0;
    }

    // dotnet test sets DOTNET_HOST_PATH to the muxer it runs with; outside it, "dotnet" from the PATH.
    internal static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";

    public Task<string> WaitForOutputLineAsync(Func<string, bool> match, TimeSpan timeout) => WaitForLineAsync(_out, "stdout", match, timeout);

    public Task<string> WaitForErrorLineAsync(Func<string, bool> match, TimeSpan timeout) => WaitForLineAsync(_error, "stderr", match, timeout);

    private async Task<string> WaitForLineAsync(Channel<string> channel, string name, Func<string, bool> match, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await foreach (var line in channel.Reader.ReadAllAsync(cancel.Token))
                if (match(line)) return line;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No such line on {name} within {timeout}. stderr:\n{ErrorText}");
        }
        throw new InvalidOperationException($"The host closed {name} without printing such a line. stderr:\n{ErrorText}");
    }

    /// <summary>The stdout lines not yet read by a wait; after <see cref="WaitForExitAsync"/>, all the rest.</summary>
    public IReadOnlyList<string> UnreadOutputLines()
    {
        var lines = new List<string>();
        while (_out.Reader.TryRead(out var line)) lines.Add(line);
        return lines;
    }

    /// <summary>Sends a POSIX signal to the host, as <c>kill -SIGNAL pid</c> would.</summary>
    public void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    /// <summary>The exit code, once the process has exited; a timeout fails with what it wrote to stderr.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The host did not exit within {timeout}. stderr:\n{ErrorText}");
        }
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
