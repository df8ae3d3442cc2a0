using System.Diagnostics.CodeAnalysis;

namespace ActorHttp.Routing;

/// <summary>
/// The path part of a route: exact (<c>/echo</c>), prefix (<c>/api/*</c>, which also matches <c>/api</c>)
/// or template (<c>/users/{id}</c>, one segment per parameter). Matching is on the raw path; captured
/// values are percent-decoded.
/// </summary>
public abstract record PathPattern
{
    private PathPattern() { }

    /// <summary>Parses the route syntax above.</summary>
    /// <exception cref="ArgumentException">The pattern is not valid (see <see cref="TryParse"/>).</exception>
    public static PathPattern Parse(string pattern) =>
        TryParse(pattern, out var parsed, out var problem) ? parsed : throw new ArgumentException($"Route path \"{pattern}\" {problem}", nameof(pattern));

    /// <summary>
    /// Parses the route syntax above, or says what is wrong: a path starts with '/' and holds only the characters
    /// of a path (RFC 3986 §3.3: no space, '?', '#' or control character, '%' only before two hex digits), and a
    /// '{' only opens a whole segment <c>{name}</c>, each name once, never in a prefix. A pattern that breaks these
    /// rules could never match the path it seems to describe.
    /// </summary>
    public static bool TryParse(string pattern, [NotNullWhen(true)] out PathPattern? parsed, [NotNullWhen(false)] out string? problem)
    {
        parsed = null;
        problem = Problem(pattern);
        if (problem is not null) return false;
        var isPrefix = pattern.EndsWith("/*", StringComparison.Ordinal);
        if (isPrefix && pattern.Contains('{')) problem = "cannot capture a value in a prefix route (\"/*\")";
        else parsed = isPrefix ? new Prefix(pattern[..^2]) : pattern.Contains('{') ? new Template(pattern.Split('/')) : new Exact(pattern);
        return parsed is not null;
    }

    private static string? Problem(string pattern)
    {
        if (string.IsNullOrEmpty(pattern) || pattern[0] != '/') return "must start with '/'";
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var segment in pattern[1..].Split('/'))
        {
            if (segment.StartsWith('{'))
            {
                var name = segment.Length > 2 && segment[^1] == '}' ? segment[1..^1] : "";
                if (name.Length == 0 || !name.All(IsPathChar) || name.Contains('%'))
                    return $"has a segment \"{segment}\" that is not a whole {{name}}";
                if (!names.Add(name)) return $"names {{{name}}} twice";
            }
            else
            {
                for (var i = 0; i < segment.Length; i++)
                {
                    var c = segment[i];
                    var valid = c == '%'
                        ? i + 2 < segment.Length && Uri.IsHexDigit(segment[i + 1]) && Uri.IsHexDigit(segment[i + 2])
                        : IsPathChar(c);
                    if (!valid) return $"has '{c}' where a path cannot (RFC 3986 §3.3)";
                }
            }
        }
        return null;
    }

    // RFC 3986 §3.3 pchar: unreserved / pct-encoded / sub-delims / ":" / "@" ('%' is checked by the caller).
    private static bool IsPathChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '%' or '!' or '$' or '&' or '\'' or '(' or ')'
            or '*' or '+' or ',' or ';' or '=' or ':' or '@';

    /// <summary>The names of the values a template captures, in path order; none for other patterns.</summary>
    public virtual IReadOnlyList<string> ValueNames => Array.Empty<string>();

    /// <summary>
    /// The value of <paramref name="pattern"/> that names a sharded entity: <paramref name="wanted"/> when the
    /// pattern captures it, else the only value it captures. Null, with what is wrong, when there is none to take.
    /// </summary>
    public static string? EntityIdName(PathPattern pattern, string? wanted, out string problem)
    {
        var names = pattern.ValueNames;
        problem = wanted is not null
            ? names.Contains(wanted) ? "" : $"captures no value {{{wanted}}}"
            : names.Count == 1 ? "" : names.Count == 0 ? "captures no value such as {id} to name the entity" : "captures several values: entity-id must name one";
        return problem.Length > 0 ? null : wanted ?? names[0];
    }

    /// <summary>Matches a raw request path; on success the captured values (empty unless a template).</summary>
    public abstract bool TryMatch(string path, out IReadOnlyDictionary<string, string> values);

    private static readonly IReadOnlyDictionary<string, string> NoValues = new Dictionary<string, string>(0);

    public sealed record Exact(string Path) : PathPattern
    {
        public override bool TryMatch(string path, out IReadOnlyDictionary<string, string> values)
        {
            values = NoValues;
            return string.Equals(path, Path, StringComparison.Ordinal);
        }

        public override string ToString() => Path;
    }

    public sealed record Prefix(string Path) : PathPattern
    {
        public override bool TryMatch(string path, out IReadOnlyDictionary<string, string> values)
        {
            values = NoValues;
            if (Path.Length == 0) return true; // "/*" matches everything
            return path.StartsWith(Path, StringComparison.Ordinal)
                && (path.Length == Path.Length || path[Path.Length] == '/');
        }

        public override string ToString() => Path + "/*";
    }

    public sealed record Template(string[] Segments) : PathPattern
    {
        public override IReadOnlyList<string> ValueNames =>
            Segments.Where(s => s.Length > 2 && s[0] == '{' && s[^1] == '}').Select(s => s[1..^1]).ToArray();

        public override bool TryMatch(string path, out IReadOnlyDictionary<string, string> values)
        {
            values = NoValues;
            var parts = path.Split('/');
            if (parts.Length != Segments.Length) return false;
            Dictionary<string, string>? captured = null;
            for (var i = 0; i < parts.Length; i++)
            {
                var segment = Segments[i];
                if (segment.Length > 2 && segment[0] == '{' && segment[^1] == '}')
                {
                    if (parts[i].Length == 0) return false;
                    (captured ??= new Dictionary<string, string>())[segment[1..^1]] = Uri.UnescapeDataString(parts[i]);
                }
                else if (!string.Equals(segment, parts[i], StringComparison.Ordinal))
                {
                    return false;
                }
            }
            if (captured is not null) values = captured;
            return true;
        }

        public override string ToString() => string.Join('/', Segments);
    }
}
