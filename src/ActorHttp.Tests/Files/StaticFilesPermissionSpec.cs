using ActorHttp.Files;
using ActorHttp.Tests.Support;
using static ActorHttp.Tests.Files.Requests;

namespace ActorHttp.Tests.Files;

/// <summary>
/// Files the server may not read are 403, as nginx answers EACCES: the file itself (small, read into the cache, or
/// large, streamed), a file in a folder the server may not search, and such a folder's index. CI runs as root, which
/// reads whatever the mode says, so the refusals come from a <see cref="FileSystemAccess"/> that refuses as the
/// kernel would; the last spec makes the kernel refuse, where the suite does not run as root.
/// </summary>
public sealed class StaticFilesPermissionSpec : IDisposable
{
    private readonly TempTree _tree = new();

    public StaticFilesPermissionSpec()
    {
        _tree.Write("www/open.txt", "readable");
        _tree.Write("www/secret.txt", "small and unreadable");
        _tree.Write("www/secret.bin", new byte[1000]);
        _tree.Write("www/locked/in.txt", "behind a folder without x");
        _tree.Write("www/locked/index.html", "the folder's index");
    }

    public void Dispose() => _tree.Dispose();

    /// <summary>Refuses to open files named secret.*, and to look into the folder "locked", with EACCES as .NET reports it.</summary>
    private FileSystemAccess Refusing() => new(
        path => path.Contains($"{Path.DirectorySeparatorChar}locked{Path.DirectorySeparatorChar}")
            ? throw new UnauthorizedAccessException($"Access to the path '{path}' is denied.")
            : FileSystemAccess.Real.Stat(path),
        path => Path.GetFileName(path).StartsWith("secret.")
            ? throw new UnauthorizedAccessException($"Access to the path '{path}' is denied.")
            : FileSystemAccess.Real.OpenRead(path));

    private StaticFiles Serve(FileSystemAccess access) =>
        new(TestSettings.Files(_tree.Full("www")) with { SmallFileLimit = 64 }, new ManualClock(Now), access);

    [Theory]
    [InlineData("GET", "/secret.txt")]
    [InlineData("HEAD", "/secret.txt")]
    [InlineData("GET", "/secret.bin")]
    [InlineData("HEAD", "/secret.bin")]
    [InlineData("GET", "/locked/in.txt")]
    [InlineData("GET", "/locked/")]
    public void What_the_server_may_not_read_is_403(string method, string path)
    {
        var files = Serve(Refusing());

        Assert.Equal(403, files.TryServe(Make(method, path))!.Status);
        Assert.Equal(403, files.TryServe(Make(method, path))!.Status); // and so while the lookup is remembered
        Assert.Equal(200, files.TryServe(Get("/open.txt"))!.Status);
    }

    [Fact]
    public void A_method_static_files_do_not_serve_is_405_before_the_file_is_opened()
    {
        Assert.Equal(405, Serve(Refusing()).TryServe(Make("POST", "/locked/in.txt"))!.Status);
    }

    [Fact]
    public void A_folder_that_may_not_be_searched_is_still_redirected_to_its_slash_form()
    {
        // As nginx: the folder itself is seen from its parent; what is in it is not.
        Assert.Equal(301, Serve(Refusing()).TryServe(Get("/locked"))!.Status);
    }

    [UnlessRootFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_file_and_a_folder_the_kernel_refuses_are_403()
    {
        File.SetUnixFileMode(_tree.Full("www/secret.txt"), UnixFileMode.None);
        File.SetUnixFileMode(_tree.Full("www/secret.bin"), UnixFileMode.None);
        File.SetUnixFileMode(_tree.Full("www/locked"), UnixFileMode.None);
        try
        {
            var files = Serve(FileSystemAccess.Real);
            Assert.Equal(403, files.TryServe(Get("/secret.txt"))!.Status);
            Assert.Equal(403, files.TryServe(Get("/secret.bin"))!.Status);
            Assert.Equal(403, files.TryServe(Get("/locked/in.txt"))!.Status);
        }
        finally
        {
            File.SetUnixFileMode(_tree.Full("www/locked"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
