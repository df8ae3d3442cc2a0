using Microsoft.AspNetCore.StaticFiles;

namespace ActorHttp.Files;

/// <summary>
/// Content-Type for a file name: configured overrides first, then ASP.NET Core's extension table,
/// then <c>application/octet-stream</c> (RFC 9110 §8.3.1: "unknown" is better said as octet-stream than guessed).
/// </summary>
public sealed class ContentTypes
{
    /// <summary>The type sent when the extension is unknown.</summary>
    public const string Unknown = "application/octet-stream";

    private readonly FileExtensionContentTypeProvider _table = new();
    private readonly Dictionary<string, string> _overrides;

    /// <summary>Builds the lookup; override keys are extensions with their dot (".ext"), compared case-insensitively.</summary>
    public ContentTypes(IReadOnlyDictionary<string, string> overrides)
    {
        _overrides = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (extension, type) in overrides)
            _overrides[extension.StartsWith('.') ? extension : "." + extension] = type;
    }

    /// <summary>The Content-Type field value for the file name, with <c>charset=utf-8</c> on textual types.</summary>
    public string For(string fileName)
    {
        var extension = Path.GetExtension(fileName);
        if (extension.Length == 0) return Unknown;
        if (!_overrides.TryGetValue(extension, out var type) && !_table.TryGetContentType(fileName, out type))
            return Unknown;
        return WithCharset(type);
    }

    /// <summary>
    /// Appends <c>; charset=utf-8</c> to text/* and the textual application and image types, unless the
    /// type already carries parameters. Without it, browsers guess the encoding of text (RFC 9110 §8.3.1
    /// leaves the charset to the media type; HTML's default is windows-1252, not UTF-8).
    /// </summary>
    public static string WithCharset(string type)
    {
        if (type.Contains(';')) return type;
        var textual = type.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/javascript", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/xml", StringComparison.OrdinalIgnoreCase)
            || type.Equals("image/svg+xml", StringComparison.OrdinalIgnoreCase);
        return textual ? type + "; charset=utf-8" : type;
    }
}
