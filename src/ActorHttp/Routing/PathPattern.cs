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
    public static PathPattern Parse(string pattern)
    {
        if (string.IsNullOrEmpty(pattern) || pattern[0] != '/')
            throw new ArgumentException($"A route path must start with '/': \"{pattern}\"", nameof(pattern));
        if (pattern.EndsWith("/*", StringComparison.Ordinal)) return new Prefix(pattern[..^2]);
        if (pattern.Contains('{')) return new Template(pattern.Split('/'));
        return new Exact(pattern);
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
