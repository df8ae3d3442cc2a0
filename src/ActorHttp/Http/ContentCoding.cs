namespace ActorHttp.Http;

/// <summary>The content codings this server can send (RFC 9110 §8.4.1): none, Brotli (RFC 7932) and gzip (RFC 1952).</summary>
public enum ContentCoding
{
    Identity,
    Brotli,
    Gzip,
}

/// <summary>The names and file suffixes of <see cref="ContentCoding"/> values.</summary>
public static class ContentCodings
{
    /// <summary>The coding's token as Accept-Encoding and Content-Encoding write it ("br", "gzip", "identity").</summary>
    public static string Token(this ContentCoding coding) => coding switch
    {
        ContentCoding.Brotli => "br",
        ContentCoding.Gzip => "gzip",
        _ => "identity",
    };

    /// <summary>The suffix of a precompressed sibling file, and of the entity-tag of that coding (".br", ".gz").</summary>
    public static string FileSuffix(this ContentCoding coding) => coding switch
    {
        ContentCoding.Brotli => ".br",
        ContentCoding.Gzip => ".gz",
        _ => "",
    };

    /// <summary>
    /// The coding a token names, compared case-insensitively (§8.4.1); "x-gzip" is gzip (§8.4.1.3). False for any
    /// coding this server does not send.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> token, out ContentCoding coding)
    {
        coding = ContentCoding.Identity;
        if (token.Equals("br", StringComparison.OrdinalIgnoreCase)) coding = ContentCoding.Brotli;
        else if (token.Equals("gzip", StringComparison.OrdinalIgnoreCase) || token.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
            coding = ContentCoding.Gzip;
        else if (!token.Equals("identity", StringComparison.OrdinalIgnoreCase)) return false;
        return true;
    }
}
