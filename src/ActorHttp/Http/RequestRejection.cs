namespace ActorHttp.Http;

/// <summary>Why the parser refused a request. Each reason maps to exactly one status in <see cref="RequestRejection.StatusFor"/>.</summary>
public enum RequestRejectionReason
{
    /// <summary>The request line is not <c>method SP request-target SP HTTP-version CRLF</c> (RFC 9112 §3).</summary>
    InvalidRequestLine,
    /// <summary>The method is not a token (RFC 9110 §9.1).</summary>
    InvalidMethod,
    /// <summary>The request-target is not in origin-, absolute- or asterisk-form, or holds forbidden bytes (RFC 9112 §3.2).</summary>
    InvalidRequestTarget,
    /// <summary>The HTTP-version is not <c>HTTP/DIGIT.DIGIT</c> (RFC 9112 §2.3).</summary>
    MalformedVersion,
    /// <summary>A well-formed version other than 1.0 and 1.1 (RFC 9110 §15.6.6).</summary>
    UnsupportedVersion,
    /// <summary>The request line is longer than the limit; in practice the target (RFC 9112 §3).</summary>
    RequestLineTooLong,
    /// <summary>A field line without a colon, with whitespace before it, or with forbidden bytes (RFC 9112 §5).</summary>
    InvalidHeaderLine,
    /// <summary>A field line that starts with whitespace: obsolete line folding (RFC 9112 §5.2).</summary>
    ObsoleteLineFolding,
    /// <summary>The header section is larger than the limit (RFC 6585 §5).</summary>
    HeadersTooLarge,
    /// <summary>More header fields than the limit (RFC 6585 §5).</summary>
    TooManyHeaders,
    /// <summary>
    /// An HTTP/1.1 request without Host, with several, or with an invalid value (RFC 9112 §3.2); or an empty Host
    /// where the target URI takes its authority from it, which leaves the URI without a host (RFC 9112 §3.3, RFC 9110 §4.2.1).
    /// </summary>
    InvalidHost,
    /// <summary>
    /// A Content-Length that is not a plain decimal, is past what a long holds, or several different ones
    /// (RFC 9110 §8.6, RFC 9112 §6.3 ¶5).
    /// </summary>
    InvalidContentLength,
    /// <summary>Both Content-Length and Transfer-Encoding: a smuggling vector, refused (RFC 9112 §6.3 ¶3).</summary>
    ContentLengthWithTransferEncoding,
    /// <summary>
    /// Transfer-Encoding in HTTP/1.0 or chunked twice (RFC 9112 §6.1), or a final coding other than chunked, which
    /// leaves the body's length unknown (RFC 9112 §6.3 ¶4).
    /// </summary>
    InvalidTransferEncoding,
    /// <summary>A transfer coding other than chunked before the final chunked: one this server does not understand (RFC 9112 §6.1).</summary>
    UnsupportedTransferCoding,
    /// <summary>
    /// A chunk size that is not hexadecimal or past what a long holds, whitespace in a chunk line where the grammar
    /// has no BWS, or a malformed chunk (RFC 9112 §7.1, §7.1.1).
    /// </summary>
    InvalidChunk,
    /// <summary>
    /// A body larger than the limit: a Content-Length over it, or a chunk whose size would take a buffered body
    /// past it, refused before its data (RFC 9110 §15.5.14).
    /// </summary>
    BodyTooLarge,
    /// <summary>
    /// A well-formed method this server does not implement (RFC 9110 §15.6.2); a token longer than any method it
    /// implements is refused as soon as it is seen, before its request line is complete.
    /// </summary>
    MethodNotImplemented,
    /// <summary>An Expect value other than 100-continue (RFC 9110 §10.1.1).</summary>
    ExpectationFailed,
    /// <summary>The request head did not arrive whole within the request-header timeout (RFC 9110 §15.5.9).</summary>
    RequestTimeout,
}

/// <summary>The one table from rejection reason to response status.</summary>
public static class RequestRejection
{
    public static int StatusFor(RequestRejectionReason reason) => reason switch
    {
        RequestRejectionReason.UnsupportedVersion => 505,
        RequestRejectionReason.RequestLineTooLong => 414,
        RequestRejectionReason.HeadersTooLarge => 431,
        RequestRejectionReason.TooManyHeaders => 431,
        RequestRejectionReason.BodyTooLarge => 413,
        RequestRejectionReason.UnsupportedTransferCoding => 501,
        RequestRejectionReason.MethodNotImplemented => 501,
        RequestRejectionReason.ExpectationFailed => 417,
        RequestRejectionReason.RequestTimeout => 408,
        _ => 400,
    };
}
