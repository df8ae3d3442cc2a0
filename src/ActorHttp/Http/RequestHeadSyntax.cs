using System.Text;

namespace ActorHttp.Http;

/// <summary>
/// The syntax of a request head (RFC 9112 §2–§5): the request line (method, request-target, HTTP-version) and the
/// field lines. Pure functions over complete lines; finding where the head ends is <see cref="RequestHeadReader"/>'s
/// job, what the fields mean is <see cref="RequestSemantics"/>'.
/// </summary>
internal static class RequestHeadSyntax
{
    private const byte CR = (byte)'\r';
    private const byte LF = (byte)'\n';
    private const byte SP = (byte)' ';
    private const byte HTAB = (byte)'\t';
    private const byte Colon = (byte)':';

    /// <summary>
    /// Parses a complete head, <paramref name="head"/> ending with the LF of its last field line (or of the request
    /// line), into a request with no body. <paramref name="fields"/> is scratch space reused across heads, so only the
    /// final array is allocated.
    /// </summary>
    public static HttpRequest? ParseHead(ReadOnlySpan<byte> head, HttpLimits limits, List<HttpHeader> fields, out RequestRejectionReason? rejection)
    {
        rejection = null;
        if (StartsWithOverlongMethod(head)) { rejection = RequestRejectionReason.MethodNotImplemented; return null; }
        var lineEnd = head.IndexOf(LF);
        var line = TrimCr(head[..lineEnd]);
        if (line.Length > limits.MaxRequestLineBytes) { rejection = RequestRejectionReason.RequestLineTooLong; return null; }
        if (!ParseRequestLine(line, out var method, out var target, out var path, out var query, out var version, out rejection))
            return null;

        var rest = head[(lineEnd + 1)..];
        if (rest.Length > limits.MaxHeaderBytes) { rejection = RequestRejectionReason.HeadersTooLarge; return null; }
        fields.Clear();
        while (!rest.IsEmpty)
        {
            var lf = rest.IndexOf(LF);
            var fieldLine = TrimCr(rest[..lf]);
            rest = rest[(lf + 1)..];
            if (fieldLine.IsEmpty) break;
            if (StartsWithWhitespace(fieldLine))
            {
                // Obsolete line folding, or whitespace between the start line and the first field (RFC 9112 §2.2, §5.2).
                rejection = fields.Count == 0 ? RequestRejectionReason.InvalidHeaderLine : RequestRejectionReason.ObsoleteLineFolding;
                return null;
            }
            if (fields.Count == limits.MaxHeaderCount) { rejection = RequestRejectionReason.TooManyHeaders; return null; }
            if (!ParseFieldLine(fieldLine, out var field)) { rejection = RequestRejectionReason.InvalidHeaderLine; return null; }
            fields.Add(field);
        }

        return new HttpRequest(method, target, path, query, version, new HttpHeaders(fields.ToArray()), ReadOnlyMemory<byte>.Empty);
    }

    /// <summary>
    /// True when the line starts with more token bytes than the longest method this server implements has: whatever
    /// follows, it is a method we do not implement (RFC 9110 §15.6.2) or no method at all. Checked before anything
    /// else on the request line, on the whole head and on a partial one alike, so such a line is refused as soon
    /// as those bytes are in rather than when it reaches the request-line limit, and with the same status either way.
    /// </summary>
    public static bool StartsWithOverlongMethod(ReadOnlySpan<byte> line) =>
        line.Length > HttpMethods.LongestImplemented && CharClasses.IsToken(line[..(HttpMethods.LongestImplemented + 1)]);

    /// <summary>The line without the CR of its CRLF; a bare LF also ends a line in the head (RFC 9112 §2.2).</summary>
    public static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == CR ? line[..^1] : line;

    /// <summary>A field line that starts with SP or HTAB: obs-fold (RFC 9112 §5.2), in the head or the trailers.</summary>
    public static bool StartsWithWhitespace(ReadOnlySpan<byte> line) => line[0] is SP or HTAB;

    /// <summary>request-line = method SP request-target SP HTTP-version (RFC 9112 §3), without its line end.</summary>
    public static bool ParseRequestLine(ReadOnlySpan<byte> line, out string method, out string target, out string path,
        out string query, out HttpVersion version, out RequestRejectionReason? rejection)
    {
        method = target = path = query = "";
        version = HttpVersion.Http11;
        rejection = RequestRejectionReason.InvalidRequestLine;

        // Exactly one SP between the three parts, none elsewhere.
        var firstSpace = line.IndexOf(SP);
        if (firstSpace <= 0) return false;
        var methodBytes = line[..firstSpace];
        if (!CharClasses.IsToken(methodBytes)) { rejection = RequestRejectionReason.InvalidMethod; return false; }
        var afterMethod = line[(firstSpace + 1)..];
        var secondSpace = afterMethod.IndexOf(SP);
        if (secondSpace <= 0) return false;
        var targetBytes = afterMethod[..secondSpace];
        var versionBytes = afterMethod[(secondSpace + 1)..];
        if (versionBytes.IndexOf(SP) >= 0) return false;

        if (!ParseVersion(versionBytes, out version, out rejection)) return false;

        method = KnownStrings.Method(methodBytes);
        if (!ParseTarget(targetBytes, method, out target, out path, out query)) { rejection = RequestRejectionReason.InvalidRequestTarget; return false; }
        rejection = null;
        return true;
    }

    private static bool ParseVersion(ReadOnlySpan<byte> bytes, out HttpVersion version, out RequestRejectionReason? rejection)
    {
        version = HttpVersion.Http11;
        rejection = null;
        // HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3).
        if (bytes.Length != 8 || !bytes.StartsWith("HTTP/"u8) || !CharClasses.IsDigit(bytes[5]) || bytes[6] != (byte)'.' || !CharClasses.IsDigit(bytes[7]))
        {
            rejection = RequestRejectionReason.MalformedVersion;
            return false;
        }
        if (bytes[5] == (byte)'1' && bytes[7] == (byte)'1') { version = HttpVersion.Http11; return true; }
        if (bytes[5] == (byte)'1' && bytes[7] == (byte)'0') { version = HttpVersion.Http10; return true; }
        rejection = RequestRejectionReason.UnsupportedVersion;
        return false;
    }

    /// <summary>
    /// RFC 9112 §3.2: origin-form (<c>/path?query</c>), absolute-form (<c>http://host/path</c>, which a server
    /// MUST accept), asterisk-form (<c>*</c>, OPTIONS only) and authority-form (CONNECT only).
    /// </summary>
    private static bool ParseTarget(ReadOnlySpan<byte> bytes, string method, out string target, out string path, out string query)
    {
        target = path = query = "";
        foreach (var b in bytes)
            if (!CharClasses.IsTargetChar(b)) return false;

        if (bytes.Length == 1 && bytes[0] == (byte)'*')
        {
            if (method != "OPTIONS") return false;
            target = path = "*";
            return true;
        }

        ReadOnlySpan<byte> pathAndQuery;
        if (bytes[0] == (byte)'/')
        {
            pathAndQuery = bytes;
        }
        else if (method == "CONNECT")
        {
            target = path = Encoding.ASCII.GetString(bytes);
            return true;
        }
        else
        {
            var schemeEnd = bytes.IndexOf("://"u8);
            if (schemeEnd <= 0 || !IsScheme(bytes[..schemeEnd])) return false;
            var authorityAndPath = bytes[(schemeEnd + 3)..];
            var pathStart = authorityAndPath.IndexOfAny((byte)'/', (byte)'?');
            if (pathStart == 0) return false; // empty authority
            // RFC 9110 §4.2.4: userinfo is deprecated in http(s) URIs and its presence is to be treated as an error.
            // The rest of the authority is uri-host [ ":" port ], like a Host value (RFC 9112 §3.2.2).
            var authority = pathStart < 0 ? authorityAndPath : authorityAndPath[..pathStart];
            if (!CharClasses.IsValidHost(Encoding.ASCII.GetString(authority))) return false;
            pathAndQuery = pathStart < 0 ? "/"u8 : authorityAndPath[pathStart..];
        }

        target = bytes.Length == 1 ? "/" : Encoding.ASCII.GetString(bytes);
        var q = pathAndQuery.IndexOf((byte)'?');
        if (q < 0)
        {
            path = bytes[0] == (byte)'/' ? target : Encoding.ASCII.GetString(pathAndQuery);
        }
        else
        {
            path = q == 0 ? "/" : Encoding.ASCII.GetString(pathAndQuery[..q]);
            query = Encoding.ASCII.GetString(pathAndQuery[(q + 1)..]);
        }
        return true;
    }

    private static bool IsScheme(ReadOnlySpan<byte> scheme) =>
        scheme.SequenceEqual("http"u8) || scheme.SequenceEqual("https"u8) ||
        Ascii.EqualsIgnoreCase(scheme, "http"u8) || Ascii.EqualsIgnoreCase(scheme, "https"u8);

    /// <summary>
    /// field-line = field-name ":" OWS field-value OWS (RFC 9112 §5), without its line end; no whitespace before the
    /// colon. Serves the head and the chunked trailer section alike.
    /// </summary>
    public static bool ParseFieldLine(ReadOnlySpan<byte> line, out HttpHeader field)
    {
        field = default;
        var colon = line.IndexOf(Colon);
        if (colon <= 0) return false;
        var name = line[..colon];
        if (!CharClasses.IsToken(name)) return false; // also rejects "Name :" (RFC 9112 §5.1 requires 400)
        var value = line[(colon + 1)..];
        while (!value.IsEmpty && value[0] is SP or HTAB) value = value[1..];
        while (!value.IsEmpty && value[^1] is SP or HTAB) value = value[..^1];
        foreach (var b in value)
            if (!CharClasses.IsFieldValueChar(b)) return false; // NUL, bare CR, LF, other CTLs (RFC 9110 §5.5)
        field = new HttpHeader(KnownStrings.HeaderName(name), KnownStrings.HeaderValue(value));
        return true;
    }
}
