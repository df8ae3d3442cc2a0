using ActorHttp.Http;
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

    /// <summary>True for a content-types key: a file extension with or without its dot, such as ".mjs" or "mjs".</summary>
    public static bool IsExtension(string key)
    {
        // Path.GetExtension keeps only what follows the last dot, so a key with two dots ("tar.gz") never matches.
        var name = key.StartsWith('.') ? key[1..] : key;
        return !name.Contains('.') && StaticFileSettings.IsPlainName(name);
    }

    /// <summary>
    /// True for a media type as RFC 9110 §8.3.1 writes it: <c>type "/" subtype</c>, each a token, then any
    /// parameters (§5.6.6: <c>; name=token</c> or <c>; name="quoted string"</c>). Nothing else can reach the
    /// Content-Type line: no control character, so no line break that would end the header early.
    /// </summary>
    public static bool IsMediaType(string value)
    {
        var i = 0;
        if (!SkipToken(value, ref i) || !Skip(value, ref i, '/') || !SkipToken(value, ref i)) return false;
        while (true)
        {
            SkipWhitespace(value, ref i);
            if (i == value.Length) return true;
            if (!Skip(value, ref i, ';')) return false;
            SkipWhitespace(value, ref i);
            if (i == value.Length || value[i] == ';') continue; // §5.6.6 allows an empty parameter
            if (!SkipToken(value, ref i) || !Skip(value, ref i, '=')) return false;
            if (!(i < value.Length && value[i] == '"' ? SkipQuotedString(value, ref i) : SkipToken(value, ref i))) return false;
        }
    }

    private static bool SkipToken(string value, ref int i)
    {
        var length = CharClasses.TokenLength(value.AsSpan(i));
        i += length;
        return length > 0;
    }

    private static bool Skip(string value, ref int i, char expected)
    {
        if (i == value.Length || value[i] != expected) return false;
        i++;
        return true;
    }

    private static void SkipWhitespace(string value, ref int i)
    {
        while (i < value.Length && value[i] is ' ' or '\t') i++;
    }

    // RFC 9110 §5.6.4: DQUOTE *( qdtext / quoted-pair ) DQUOTE, over visible ASCII, space and tab only.
    private static bool SkipQuotedString(string value, ref int i)
    {
        for (i++; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '"') { i++; return true; }
            if (c == '\\' && ++i == value.Length) return false;
            if (value[i] is not ('\t' or (>= ' ' and < (char)127))) return false;
        }
        return false;
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
