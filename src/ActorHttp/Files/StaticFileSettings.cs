namespace ActorHttp.Files;

/// <summary>
/// How static files are served: the document root, the names tried for a directory, content-type
/// overrides by extension (".ext" → "type/subtype"), the size up to which a file is kept in memory,
/// the memory that cache may use, and compression. Read and validated with the other settings by
/// <c>ServerSettings.Create</c> (<c>root</c>, <c>index-files</c>, <c>content-types</c>, <c>files.*</c>,
/// <c>compression.*</c>; the defaults are in reference.conf).
/// </summary>
public sealed record StaticFileSettings(
    string Root,
    IReadOnlyList<string> IndexFiles,
    IReadOnlyDictionary<string, string> ContentTypeOverrides,
    long SmallFileLimit,
    long CacheMaxBytes,
    CompressionSettings Compression)
{
    /// <summary>
    /// True for the name of an entry inside one folder: not empty, not "." or "..", without '/', '\' or control
    /// characters. An index file is such a name, so a directory's index is always inside the directory.
    /// </summary>
    public static bool IsPlainName(string name) =>
        name.Length > 0 && name is not ("." or "..") && !name.Any(c => c is '/' or '\\' || char.IsControl(c));

    /// <summary>
    /// True for plain names joined by '/' ("404.html", "errors/404.html"): a file below the root, never above it
    /// and never an absolute path.
    /// </summary>
    public static bool IsRelativePath(string path) => path.Split('/').All(IsPlainName);
}
