namespace ActorHttp.Http;

/// <summary>One header field line as it appeared on the wire (name casing preserved).</summary>
public readonly record struct HttpHeader(string Name, string Value);

/// <summary>
/// An immutable, ordered list of header fields with case-insensitive lookup (RFC 9110 §5.1).
/// Repeated fields are kept in order; <see cref="GetCombined"/> joins them with ", " as §5.3 allows.
/// </summary>
public sealed class HttpHeaders : IReadOnlyList<HttpHeader>
{
    /// <summary>No headers at all.</summary>
    public static readonly HttpHeaders Empty = new(Array.Empty<HttpHeader>());

    private readonly HttpHeader[] _fields;
    private byte[]? _wireFields;

    /// <summary>Wraps the given fields; the array must not be changed afterwards.</summary>
    public HttpHeaders(HttpHeader[] fields) => _fields = fields;

    /// <summary>Copies the given fields.</summary>
    public HttpHeaders(IEnumerable<HttpHeader> fields) => _fields = fields.ToArray();

    public int Count => _fields.Length;

    public HttpHeader this[int index] => _fields[index];

    /// <summary>The first value of the named field, or null.</summary>
    public string? Get(string name)
    {
        foreach (var field in _fields)
            if (string.Equals(field.Name, name, StringComparison.OrdinalIgnoreCase)) return field.Value;
        return null;
    }

    /// <summary>Every value of the named field, in order.</summary>
    public IReadOnlyList<string> GetAll(string name)
    {
        List<string>? values = null;
        foreach (var field in _fields)
            if (string.Equals(field.Name, name, StringComparison.OrdinalIgnoreCase)) (values ??= new()).Add(field.Value);
        return values ?? (IReadOnlyList<string>)Array.Empty<string>();
    }

    /// <summary>All values of the named field joined by ", " (RFC 9110 §5.3), or null when absent.</summary>
    public string? GetCombined(string name)
    {
        var all = GetAll(name);
        return all.Count switch { 0 => null, 1 => all[0], _ => string.Join(", ", all) };
    }

    public bool Contains(string name) => Get(name) is not null;

    /// <summary>
    /// These fields encoded for a response head, computed on first use and kept: the instance is immutable,
    /// so its encoding never changes. A benign race may compute it twice.
    /// </summary>
    internal byte[] WireFields => _wireFields ??= ResponseWriter.EncodeFields(this);

    /// <summary>A copy with one more field at the end.</summary>
    public HttpHeaders With(string name, string value)
    {
        var copy = new HttpHeader[_fields.Length + 1];
        _fields.CopyTo(copy, 0);
        copy[^1] = new HttpHeader(name, value);
        return new HttpHeaders(copy);
    }

    public IEnumerator<HttpHeader> GetEnumerator() => ((IEnumerable<HttpHeader>)_fields).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => _fields.GetEnumerator();
}
