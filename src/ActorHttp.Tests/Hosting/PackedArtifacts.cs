using System.Diagnostics;
using System.Text.RegularExpressions;
using ActorHttp.Tests.Observability;

namespace ActorHttp.Tests.Hosting;

/// <summary>
/// <c>dotnet pack -c Release</c> at the repository root, as the README gives it, into a temporary folder, once for
/// <see cref="PackagesSpec"/>: the library package ActorHttp and the tool package ActorHttp.Tool.
/// </summary>
public sealed partial class PackedArtifacts : IDisposable
{
    /// <summary>
    /// A bound on real work: a Release build of the solution with its ReadyToRun images, beside the rest of the suite
    /// on two cores. On a loaded machine the pack alone took about 110 s, and 150 s ran out when another build ran.
    /// </summary>
    private static readonly TimeSpan PackTimeout = TimeSpan.FromSeconds(300);

    public PackedArtifacts()
    {
        Folder = Directory.CreateTempSubdirectory("actorhttp-pack-").FullName;
        Artifacts = Path.Combine(Folder, "artifacts");
        DotnetCommand.Run(RepoFiles.Root, PackTimeout, new Dictionary<string, string>(), "pack", "-c", "Release", "-o", Artifacts);
        var tool = Directory.GetFiles(Artifacts, "ActorHttp.Tool.*.nupkg").Single();
        Version = ToolPackageName().Match(Path.GetFileName(tool)).Groups[1].Value;
    }

    /// <summary>A temporary folder for the specs; the packages are in <see cref="Artifacts"/> below it.</summary>
    public string Folder { get; }

    public string Artifacts { get; }

    /// <summary>The version both packages were packed with.</summary>
    public string Version { get; }

    public string PackagePath(string id, string extension = "nupkg") => Path.Combine(Artifacts, $"{id}.{Version}.{extension}");

    [GeneratedRegex(@"^ActorHttp\.Tool\.(\d+\.\d+\.\d+.*)\.nupkg$")]
    private static partial Regex ToolPackageName();

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

/// <summary>Runs the dotnet CLI to its end within a time limit; a non-zero exit fails with everything it printed.</summary>
internal static class DotnetCommand
{
    public static void Run(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(HostProcess.DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish within {timeout}");
        }
        Assert.True(process.ExitCode == 0,
            $"dotnet {string.Join(' ', args)} exited with {process.ExitCode}:\n{output.Result}\n{error.Result}");
    }
}
