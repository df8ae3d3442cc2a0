using Akka.Configuration;

namespace ActorHttp.Files;

/// <summary>
/// How static files are served: the document root, the names tried for a directory, content-type
/// overrides by extension (".ext" → "type/subtype"), the size up to which a file is kept in memory,
/// and the memory that cache may use.
/// </summary>
public sealed record StaticFileSettings(
    string Root,
    IReadOnlyList<string> IndexFiles,
    IReadOnlyDictionary<string, string> ContentTypeOverrides,
    long SmallFileLimit,
    long CacheMaxBytes)
{
    /// <summary>Tried in order when a path names a directory.</summary>
    public static readonly IReadOnlyList<string> DefaultIndexFiles = new[] { "hello.html", "index.html" };

    /// <summary>256 KiB: larger files are streamed from disk instead of cached.</summary>
    public const long DefaultSmallFileLimit = 256 * 1024;

    /// <summary>64 MiB of cached file contents at most.</summary>
    public const long DefaultCacheMaxBytes = 64 * 1024 * 1024;

    /// <summary>The defaults of the reference configuration, for the given root.</summary>
    public static StaticFileSettings Defaults(string root) =>
        new(root, DefaultIndexFiles, new Dictionary<string, string>(), DefaultSmallFileLimit, DefaultCacheMaxBytes);

    /// <summary>
    /// Reads <c>root</c>, <c>index-files</c>, <c>content-types</c>, <c>files.small-file-limit</c> and
    /// <c>files.cache-max-bytes</c> from the <c>actorhttp</c> section; a missing key takes its default.
    /// <paramref name="rootOverride"/> (the command line) wins over <c>root</c>.
    /// </summary>
    public static StaticFileSettings FromConfig(Config actorhttp, string? rootOverride = null)
    {
        var root = rootOverride ?? actorhttp.GetString("root", null)
            ?? throw new ConfigurationException("actorhttp.root is not set and no root was given.");

        var indexFiles = actorhttp.HasPath("index-files")
            ? actorhttp.GetStringList("index-files").ToArray()
            : DefaultIndexFiles;
        foreach (var name in indexFiles)
        {
            // An index file is a name inside the directory, never a path that could leave it.
            if (name.Length == 0 || name is "." or ".." || name.IndexOfAny(new[] { '/', '\\', '\0' }) >= 0)
                throw new ConfigurationException($"actorhttp.index-files: '{name}' is not a plain file name.");
        }

        var overrides = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (actorhttp.HasPath("content-types"))
        {
            foreach (var (extension, type) in actorhttp.GetConfig("content-types").AsEnumerable())
            {
                var value = type.GetString();
                if (string.IsNullOrWhiteSpace(value) || !value.Contains('/'))
                    throw new ConfigurationException($"actorhttp.content-types: '{extension}' maps to '{value}', not a type/subtype.");
                overrides[extension.StartsWith('.') ? extension : "." + extension] = value;
            }
        }

        var smallFileLimit = actorhttp.GetByteSize("files.small-file-limit", DefaultSmallFileLimit) ?? DefaultSmallFileLimit;
        var cacheMaxBytes = actorhttp.GetByteSize("files.cache-max-bytes", DefaultCacheMaxBytes) ?? DefaultCacheMaxBytes;
        if (smallFileLimit < 0) throw new ConfigurationException("actorhttp.files.small-file-limit must not be negative.");
        if (cacheMaxBytes < 0) throw new ConfigurationException("actorhttp.files.cache-max-bytes must not be negative.");

        return new StaticFileSettings(root, indexFiles, overrides, smallFileLimit, cacheMaxBytes);
    }
}
