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

    // uri-host [ ":" port ]: reg-name, IPv4, or an IP-literal in brackets (RFC 3986 §3.2.2).
    private static readonly bool[] Host = Build(b =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
        || "-._~!$&'()*+,;=:[]%".Contains((char)b));

    private static bool[] Build(Func<int, bool> predicate)
    {
        var table = new bool[256];
        for (var i = 0; i < 256; i++) table[i] = predicate(i);
        return table;
    }

    public static bool IsTokenChar(byte b) => Token[b];

    public static bool IsFieldValueChar(byte b) => FieldValue[b];

    public static bool IsTargetChar(byte b) => Target[b];

    public static bool IsValidHost(string value)
    {
        foreach (var c in value)
            if (c > 0xFF || !Host[c]) return false;
        return true;
    }
}
