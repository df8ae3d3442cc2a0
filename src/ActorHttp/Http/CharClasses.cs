namespace ActorHttp.Http;

/// <summary>
/// Byte classes of RFC 9110 §5.6.2 (tchar), §5.5 (field-vchar), RFC 5234 (DIGIT, HEXDIG) and RFC 3986 as lookup
/// tables, and the checks built on them that more than one part of the server makes.
/// </summary>
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

    // HEXDIG = DIGIT / "A"-"F", case-insensitive (RFC 5234 §2.3, B.1); -1 for any other byte.
    private static readonly sbyte[] Hex = BuildHex();

    private static sbyte[] BuildHex()
    {
        var table = new sbyte[256];
        for (var i = 0; i < 256; i++)
            table[i] = (sbyte)(i is >= '0' and <= '9' ? i - '0' : (i | 0x20) is >= 'a' and <= 'f' ? (i | 0x20) - 'a' + 10 : -1);
        return table;
    }

    private static bool[] Build(Func<int, bool> predicate)
    {
        var table = new bool[256];
        for (var i = 0; i < 256; i++) table[i] = predicate(i);
        return table;
    }

    /// <summary>token = 1*tchar (RFC 9110 §5.6.2): methods, field names, chunk extensions.</summary>
    public static bool IsToken(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return false;
        foreach (var b in bytes)
            if (!Token[b]) return false;
        return true;
    }

    /// <summary>The same check on text, such as a field name a handler chose; no character past 0x7F is a tchar.</summary>
    public static bool IsToken(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return false;
        foreach (var c in text)
            if (c > 0x7F || !Token[c]) return false;
        return true;
    }

    /// <summary>The number of tchar characters at the start of <paramref name="text"/>.</summary>
    public static int TokenLength(ReadOnlySpan<char> text)
    {
        var i = 0;
        while (i < text.Length && text[i] <= 0x7F && Token[text[i]]) i++;
        return i;
    }

    /// <summary>The number of tchar bytes at the start of <paramref name="bytes"/>.</summary>
    public static int TokenLength(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length && Token[bytes[i]]) i++;
        return i;
    }

    public static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    /// <summary>The value of a HEXDIG, byte or character (RFC 5234 B.1), or -1 for anything else.</summary>
    public static int HexValue(int c) => (uint)c < 256 ? Hex[c] : -1;

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
