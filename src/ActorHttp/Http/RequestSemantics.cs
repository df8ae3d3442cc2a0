namespace ActorHttp.Http;

/// <summary>How a request's body is delimited (RFC 9112 §6.3): not at all, by a Content-Length, or chunked.</summary>
internal readonly record struct RequestBodyFraming(bool IsChunked, long ContentLength)
{
    public static readonly RequestBodyFraming None = new(false, 0);
    public static readonly RequestBodyFraming Chunked = new(true, 0);

    public static RequestBodyFraming Length(long contentLength) => new(false, contentLength);

    /// <summary>False for no framing and for Content-Length: 0 alike: the request ends with its head.</summary>
    public bool HasBody => IsChunked || ContentLength > 0;
}

/// <summary>
/// What the syntax allows but the meaning forbids, checked on a parsed head (RFC 9110; RFC 9112 §3.2, §6): an
/// implemented method, one valid Host, an expectation we can meet, and one unambiguous framing for the body.
/// Pure: the body limit is not its business, as whether a body is buffered is the caller's choice.
/// </summary>
internal static class RequestSemantics
{
    /// <summary>The rejection the head earns, or null with the framing of its body.</summary>
    public static RequestRejectionReason? Check(HttpRequest request, out RequestBodyFraming framing)
    {
        framing = RequestBodyFraming.None;

        if (!HttpMethods.IsImplemented(request.Method)) return RequestRejectionReason.MethodNotImplemented;

        // RFC 9112 §3.2: 400 for an HTTP/1.1 request without Host, or with more than one, or an invalid value.
        var hosts = 0;
        string? transferEncoding = null;
        string? contentLength = null;
        foreach (var field in request.Headers)
        {
            if (field.Name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                hosts++;
                if (!CharClasses.IsValidHost(field.Value)) return RequestRejectionReason.InvalidHost;
                // RFC 9112 §3.3: for an origin- or asterisk-form target the Host value is the target URI's authority,
                // and an "http" URI with an empty host is invalid (RFC 9110 §4.2.1). An absolute-form target carries
                // its own authority, which is used instead of Host (RFC 9112 §3.2.2).
                if (field.Value.Length == 0 && request.Target[0] is '/' or '*') return RequestRejectionReason.InvalidHost;
            }
            else if (field.Name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                transferEncoding = transferEncoding is null ? field.Value : transferEncoding + "," + field.Value;
            }
            else if (field.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                contentLength = contentLength is null ? field.Value : contentLength + "," + field.Value;
            }
        }
        if (hosts > 1 || (hosts == 0 && request.Version == HttpVersion.Http11)) return RequestRejectionReason.InvalidHost;

        // RFC 9110 §10.1.1: Expect = #expectation; 100-continue is the only one defined, anything else gets 417.
        if (request.Headers.GetCombined("Expect") is { } expect)
        {
            foreach (var range in expect.AsSpan().Split(','))
            {
                var expectation = expect.AsSpan()[range].Trim(" \t");
                if (!expectation.IsEmpty && !expectation.Equals("100-continue", StringComparison.OrdinalIgnoreCase))
                    return RequestRejectionReason.ExpectationFailed;
            }
        }

        if (transferEncoding is not null)
        {
            // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means faulty framing; §6.3 ¶3: with Content-Length it
            // is a smuggling attempt. We reject both rather than guess which length the sender meant.
            if (request.Version == HttpVersion.Http10) return RequestRejectionReason.InvalidTransferEncoding;
            if (contentLength is not null) return RequestRejectionReason.ContentLengthWithTransferEncoding;
            var rejection = CheckTransferCodings(transferEncoding);
            if (rejection is null) framing = RequestBodyFraming.Chunked;
            return rejection;
        }

        if (contentLength is not null)
        {
            // RFC 9110 §8.6: 1*DIGIT; a list of identical values may be treated as one, different ones are an error.
            // A value past long.MaxValue is no length anyone can send, so it is not a valid value (400, RFC 9112
            // §6.3 ¶5) rather than a large one.
            long? length = null;
            foreach (var part in contentLength.Split(','))
            {
                if (!Numerals.TryParseDecimal(part.AsSpan().Trim(" \t"), out var value, out var capped) || capped)
                    return RequestRejectionReason.InvalidContentLength;
                if (length is not null && length != value) return RequestRejectionReason.InvalidContentLength;
                length = value;
            }
            framing = RequestBodyFraming.Length(length!.Value);
        }
        return null;
    }

    /// <summary>
    /// True when the client asked for <c>100 Continue</c> before sending the body; in an HTTP/1.0 request the
    /// expectation is ignored (RFC 9110 §10.1.1).
    /// </summary>
    public static bool ExpectsContinue(HttpRequest request) =>
        request.Version == HttpVersion.Http11 && ConnectionPersistence.HasToken(request.Headers.GetCombined("Expect"), "100-continue");

    /// <summary>
    /// The final coding decides first: unless it is chunked the body's length cannot be determined, which is 400 and
    /// close (RFC 9112 §6.3 ¶4). Before it, chunked again is an error (applied once, §6.1) and any other coding is one
    /// we do not understand, 501 (§6.1). chunked defines no parameters (§7.1): "chunked;x=y" is not chunked, and
    /// reading it as chunked could disagree with a proxy that does not.
    /// </summary>
    private static RequestRejectionReason? CheckTransferCodings(string transferEncoding)
    {
        string? finalCoding = null;
        var chunkedBefore = false;
        var otherBefore = false;
        foreach (var part in transferEncoding.Split(','))
        {
            var coding = part.Trim(' ', '\t');
            if (coding.Length == 0) continue; // empty list elements are ignored (RFC 9110 §5.6.1)
            if (finalCoding is not null)
            {
                if (IsChunked(finalCoding)) chunkedBefore = true;
                else otherBefore = true;
            }
            finalCoding = coding;
        }
        if (finalCoding is null || !IsChunked(finalCoding) || chunkedBefore) return RequestRejectionReason.InvalidTransferEncoding;
        if (otherBefore) return RequestRejectionReason.UnsupportedTransferCoding;
        return null;
    }

    private static bool IsChunked(string coding) => coding.Equals("chunked", StringComparison.OrdinalIgnoreCase);
}
