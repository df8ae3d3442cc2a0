using System.Text;

namespace ActorHttp.Files;

/// <summary>What a walk found: a regular file or a directory, by its real (link-free) full path.</summary>
public sealed record FoundEntry(string FullPath, bool IsDirectory, long Length, DateTime LastWriteUtc);

/// <summary>
/// Resolves names below the document root one component at a time, following symbolic links the
/// way the kernel would, so that the final real path can be compared against the root's real path.
/// Comparing the joined request path alone is not enough: a link inside the root (or a link to a
/// folder holding a link) can point anywhere. No file is opened; each component costs one lstat.
/// </summary>
public sealed class FileSystemWalk
{
    // Linux gives up after 40 links (ELOOP); a cycle must end the walk, not the server.
    private const int MaxLinks = 40;

    private static readonly char[] Separators = { '/', Path.DirectorySeparatorChar };

    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private readonly string _rootWithSeparator;
    private readonly Func<string, FileInfo> _stat;

    /// <summary>Resolves the root itself (it may be or contain a link); it must be an existing directory.</summary>
    public FileSystemWalk(string root) : this(root, FileSystemAccess.Real) { }

    /// <summary>The same, stating names through <paramref name="access"/>.</summary>
    internal FileSystemWalk(string root, FileSystemAccess access)
    {
        _stat = access.Stat;
        var full = Path.GetFullPath(root);
        var pathRoot = Path.GetPathRoot(full)!;
        var found = Walk(pathRoot, full[pathRoot.Length..].Split(Separators, StringSplitOptions.RemoveEmptyEntries), confineTo: null);
        if (found is not { IsDirectory: true })
            throw new DirectoryNotFoundException($"The document root '{root}' is not an existing directory.");
        Root = found.FullPath;
        _rootWithSeparator = Path.EndsInDirectorySeparator(Root) ? Root : Root + Path.DirectorySeparatorChar;
    }

    /// <summary>The real full path of the root directory.</summary>
    public string Root { get; }

    /// <summary>The most UTF-8 bytes a file name can have (NAME_MAX on Linux and macOS, 255 UTF-16 units on NTFS).</summary>
    public const int MaxNameBytes = 255;

    /// <summary>True when a file system could hold a file of that name: its UTF-8 form fits <see cref="MaxNameBytes"/>.</summary>
    public static bool IsPossibleName(string name) =>
        name.Length <= MaxNameBytes / 3 || (name.Length <= MaxNameBytes && Encoding.UTF8.GetByteCount(name) <= MaxNameBytes);

    /// <summary>
    /// The entry the names lead to from <paramref name="directory"/> (a real path under the root),
    /// or null when it does not exist or its real location is outside the root.
    /// </summary>
    public FoundEntry? Find(string directory, IReadOnlyList<string> names)
    {
        try
        {
            return Walk(directory, names, _rootWithSeparator);
        }
        catch (IOException)
        {
            // lstat(2) failing otherwise than with ENOENT means there is no such file to serve either: a name
            // over NAME_MAX or a path over PATH_MAX (ENAMETOOLONG, thrown as PathTooLongException), a link
            // loop the kernel met (ELOOP), a file where a folder should be (ENOTDIR). A 404, never a 500.
            return null;
        }
    }

    private FoundEntry? Walk(string start, IReadOnlyList<string> names, string? confineTo)
    {
        // Names still to resolve, next one on top; a link's target is pushed in place of the link.
        var pending = new Stack<string>(names.Count);
        for (var i = names.Count - 1; i >= 0; i--) pending.Push(names[i]);

        var current = start;
        FileSystemInfo? info = null;
        var links = 0;
        while (pending.Count > 0)
        {
            var name = pending.Pop();
            if (name.Length == 0 || name == ".") continue;
            if (name == "..")
            {
                // current has no links in it, so its textual parent is its real parent.
                current = Path.GetDirectoryName(current) ?? current;
                info = null;
                continue;
            }

            var next = Path.Join(current, name);
            var candidate = _stat(next);
            var attributes = candidate.Attributes; // one lstat; -1 when the name does not exist
            if ((int)attributes == -1) return null;
            if ((attributes & FileAttributes.ReparsePoint) != 0)
            {
                var target = candidate.LinkTarget;
                if (target is null || ++links > MaxLinks) return null;
                if (Path.IsPathRooted(target)) current = Path.GetPathRoot(target)!;
                var parts = target.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
                for (var i = parts.Length - 1; i >= 0; i--) pending.Push(parts[i]);
                info = null;
                continue;
            }
            current = next;
            info = candidate;
        }

        if (confineTo is not null
            && !current.StartsWith(confineTo, PathComparison)
            && !string.Equals(current + Path.DirectorySeparatorChar, confineTo, PathComparison))
            return null;

        if (info is null)
        {
            // The walk ended on its start, after "..", or through a link: stat the place it reached.
            info = _stat(current);
            if ((int)info.Attributes == -1) return null;
        }
        return (info.Attributes & FileAttributes.Directory) != 0
            ? new FoundEntry(current, true, 0, info.LastWriteTimeUtc)
            : new FoundEntry(current, false, ((FileInfo)info).Length, info.LastWriteTimeUtc);
    }
}
