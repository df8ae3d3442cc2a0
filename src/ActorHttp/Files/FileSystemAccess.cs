using Microsoft.Win32.SafeHandles;

namespace ActorHttp.Files;

/// <summary>
/// The two calls by which the static files meet file permissions: the lstat of each name on a path (a folder that
/// may not be searched refuses it) and the open of a file for reading. Either throws
/// <see cref="UnauthorizedAccessException"/> for EACCES. Specs give one that refuses as the kernel would, because the
/// suite runs as root in CI, and root reads whatever a mode says.
/// </summary>
internal sealed class FileSystemAccess(Func<string, FileInfo> stat, Func<string, SafeFileHandle> openRead)
{
    /// <summary>The file system itself.</summary>
    public static readonly FileSystemAccess Real = new(
        path => new FileInfo(path),
        path => File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));

    /// <summary>A FileInfo for the path, which stats it when first asked for an attribute.</summary>
    public Func<string, FileInfo> Stat { get; } = stat;

    /// <summary>A handle for reading, sharing the file with writers and deleters.</summary>
    public Func<string, SafeFileHandle> OpenRead { get; } = openRead;
}
