namespace ActorHttp.Http;

/// <summary>Byte classes of RFC 9110 §5.6.2 (tchar), §5.5 (field-vchar) and RFC 3986 as lookup tables.</summary>
internal static class CharClasses
{
    private static readonly bool[] Token = Build(b =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
        || "!#$%&'*+-.^_`|~".Contains((char)b));

    // field-value = *( field-vchar / SP / HTAB ), field-vchar = VCHAR / obs-text: no CTL, no DEL.
    private static readonly bool[] FieldValue = Build(b => b == '\t' || (b >= 0x20 && b != 0x7F));

    // Visible ASCII except '#': a fragment is never part of a request-target (RFC 9112 §3.2). Spaces and
    // controls end the target or are forbidden; non-ASCII must be percent-encoded (RFC 3986 §2.1).
    private static readonly bool[] Target = Build(b => b is > 0x20 and < 0x7F && b != '#');

    // reg-name and IPv4address characters: unreserved / pct-encoded / sub-delims (RFC 3986 §3.2.2).
    private static readonly bool[] Host = Build(b =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
        || "-._~!$&'()*+,;=%".Contains((char)b));

    // The inside of an IP-literal: IPv6address or IPvFuture (hex digits, ':', '.', 'v', unreserved, sub-delims).
    private static readonly bool[] IpLiteral = Build(b => Host[b] || b == ':');

    private static bool[] Build(Func<int, bool> predicate)
    {
        var table = new bool[256];
        for (var i = 0; i < 256; i++) table[i] = predicate(i);
        return table;
    }

    public static bool IsTokenChar(byte b) => Token[b];

    public static bool IsFieldValueChar(byte b) => FieldValue[b];

    public static bool IsTargetChar(byte b) => Target[b];

    /// <summary>
    /// Host = uri-host [ ":" port ] (RFC 9110 §7.2), where uri-host is an IP-literal in brackets or a reg-name /
    /// IPv4address, and port is *DIGIT. An empty value is valid (RFC 9112 §3.2: empty authority).
    /// </summary>
    public static bool IsValidHost(string value)
    {
        var host = value.AsSpan();
        var port = ReadOnlySpan<char>.Empty;
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']');
            if (close < 2) return false;
            foreach (var c in host[1..close])
                if (c > 0xFF || !IpLiteral[c]) return false;
            var rest = host[(close + 1)..];
            if (!rest.IsEmpty)
            {
                if (rest[0] != ':') return false;
                port = rest[1..];
            }
        }
        else
        {
            var colon = host.IndexOf(':');
            if (colon >= 0)
            {
                port = host[(colon + 1)..];
                host = host[..colon];
            }
            foreach (var c in host)
                if (c > 0xFF || !Host[c]) return false;
        }
        foreach (var c in port)
            if (c is < '0' or > '9') return false;
        return true;
    }
}
