namespace ActorHttp.Tests.Observability;

/// <summary>Finds files of the source tree (HOCON snippets and profiles) from the test's output folder.</summary>
internal static class RepoFiles
{
    /// <summary>The repository root: the nearest folder above the test binaries holding ActorHttp.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ActorHttp.sln"))) return dir.FullName;
        throw new InvalidOperationException("ActorHttp.sln not found above " + AppContext.BaseDirectory);
    }
}
