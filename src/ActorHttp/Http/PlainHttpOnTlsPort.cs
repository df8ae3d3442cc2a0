namespace ActorHttp.Http;

/// <summary>
/// Plain HTTP sent to the HTTPS port (a URL typed with http:// and the TLS port): told apart by its first byte, and
/// answered as nginx answers it, with a 400 a person can read instead of a TLS alert a browser shows as a broken page.
/// </summary>
public static class PlainHttpOnTlsPort
{
    /// <summary>
    /// Whether the first byte a client sent on a TLS connection starts a plain HTTP request. A TLS client's first byte
    /// is the content type of its first record, a handshake (22, RFC 8446 §5.1), or a length's high bit in an SSLv2
    /// ClientHello; a request starts with its method (RFC 9112 §3), whose registered names all begin with a letter.
    /// </summary>
    public static bool Starts(byte first) => first is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z';

    private static readonly HttpResponse Answer = HttpResponse.Bytes(400,
        "400 Bad Request: the plain HTTP request was sent to the HTTPS port. Use https:// for this port.\n"u8.ToArray(),
        "text/plain; charset=utf-8");

    /// <summary>
    /// The whole response, written as every other response is (its Date, Server and Content-Length), nothing taken
    /// from what the client sent. It is the only response on the connection, which closes after it.
    /// </summary>
    public static byte[] Response() => ResponseWriter.Encode(Answer, HttpVersion.Http11, keepAlive: false, headOnly: false);
}
