using System.Diagnostics;

namespace ActorHttp.Tests.Support;

/// <summary>
/// Programs from Debian's packages that some specs run against (PostgreSQL, HAProxy, curl, openssl, Python's
/// websockets), found where Debian puts them, and the rule for a machine without them: the spec is reported as skipped with the package to install,
/// unless <c>ACTORHTTP_REQUIRE_PROGRAMS=1</c> (set by .ci/run, which installs them) makes their absence a failure.
/// </summary>
public static class InstalledPrograms
{
    /// <summary>The environment variable that turns a missing program into a failure instead of a skip.</summary>
    public const string RequireVariable = "ACTORHTTP_REQUIRE_PROGRAMS";

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>
    /// The folder holding PostgreSQL's server programs (initdb, pg_ctl, createdb), or null. Debian installs them
    /// under /usr/lib/postgresql/VERSION/bin, off the PATH; the PATH is looked at first (a wrapper or symlink
    /// there is followed to the real folder), then the newest version under /usr/lib/postgresql.
    /// </summary>
    public static string? PostgresBin { get; } = FindPostgresBin();

    /// <summary>The haproxy executable, or null.</summary>
    public static string? Haproxy { get; } = OnPath("haproxy") ?? (File.Exists("/usr/sbin/haproxy") ? "/usr/sbin/haproxy" : null);

    /// <summary>Debian's curl.</summary>
    public const string Curl = "/usr/bin/curl";

    /// <summary>Debian's openssl.</summary>
    public const string OpenSsl = "/usr/bin/openssl";

    /// <summary>Debian's Python, which sees Debian's python3-websockets (a python3 earlier on the PATH may not).</summary>
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<bool> PythonHasWebSockets = new(() =>
    {
        if (!File.Exists(Python)) return false;
        using var probe = Process.Start(new ProcessStartInfo(Python, new[] { "-c", "import websockets" }) { RedirectStandardError = true });
        return probe is not null && probe.WaitForExit(10_000) && probe.ExitCode == 0;
    });

    /// <summary>Why a spec needing <paramref name="package"/> cannot run here, or null when it can.</summary>
    public static string? Missing(DebianPackage package) => package switch
    {
        DebianPackage.Curl when !File.Exists(Curl) => $"{Curl} is not installed (apt-get install curl; .ci/run does)",
        DebianPackage.Openssl when !File.Exists(OpenSsl) => $"{OpenSsl} is not installed (apt-get install openssl; .ci/run does)",
        DebianPackage.Python3Websockets when !PythonHasWebSockets.Value =>
            $"{Python} cannot import websockets (apt-get install python3-websockets; .ci/run does)",
        DebianPackage.Postgresql when PostgresBin is null =>
            "PostgreSQL is not installed: no initdb and pg_ctl on the PATH or under /usr/lib/postgresql/*/bin (apt-get install postgresql; .ci/run does)",
        DebianPackage.Haproxy when Haproxy is null =>
            "HAProxy is not installed: no haproxy on the PATH or in /usr/sbin (apt-get install haproxy; .ci/run does)",
        _ => null,
    };

    /// <summary>Throws with <see cref="Missing"/>'s reason when the package's program is absent, for fixtures that need it.</summary>
    public static string Require(DebianPackage package, string? path) =>
        path ?? throw new InvalidOperationException(Missing(package));

    private static string? FindPostgresBin()
    {
        if (OnPath("pg_ctl") is { } pgCtl)
        {
            var real = new FileInfo(pgCtl).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? pgCtl;
            var folder = Path.GetDirectoryName(real)!;
            if (File.Exists(Path.Combine(folder, "initdb"))) return folder;
        }
        const string debian = "/usr/lib/postgresql";
        if (!Directory.Exists(debian)) return null;
        return Directory.GetDirectories(debian)
            .Select(version => Path.Combine(version, "bin"))
            .Where(bin => File.Exists(Path.Combine(bin, "pg_ctl")) && File.Exists(Path.Combine(bin, "initdb")))
            .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var v) ? v : 0)
            .FirstOrDefault();
    }

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);

    /// <summary>
    /// Runs a program to its end within <paramref name="timeout"/> and returns its stdout; a non-zero exit or a
    /// timeout throws with everything it printed. <paramref name="asUser"/> runs it as that user through
    /// runuser when this process is root (PostgreSQL refuses to run as root).
    /// </summary>
    public static string Run(string program, TimeSpan timeout, string? asUser, params string[] args)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asUser is not null && Environment.UserName == "root")
        {
            start.FileName = "runuser";
            foreach (var arg in new[] { "-u", asUser, "--", program }) start.ArgumentList.Add(arg);
        }
        else start.FileName = program;
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException(program + " did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        var line = $"{Path.GetFileName(program)} {string.Join(' ', args)}";
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{line} did not finish within {timeout}");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{line} exited with {process.ExitCode}:\n{output.Result}\n{error.Result}");
        return output.Result;
    }
}

/// <summary>The Debian packages whose programs some specs run.</summary>
public enum DebianPackage
{
    Postgresql,
    Haproxy,
    Curl,
    Openssl,
    Python3Websockets,
}

/// <summary>
/// A fact that needs a program from Debian's packages: reported as skipped, with the package to install, where it
/// is absent, except under <c>ACTORHTTP_REQUIRE_PROGRAMS=1</c>, where it runs and fails saying what is missing.
/// </summary>
public sealed class FactNeedingAttribute : FactAttribute
{
    public FactNeedingAttribute(params DebianPackage[] packages)
    {
        if (InstalledPrograms.Required) return;
        foreach (var package in packages)
            if (InstalledPrograms.Missing(package) is { } reason) { Skip = reason; return; }
    }
}
