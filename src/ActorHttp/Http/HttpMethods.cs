namespace ActorHttp.Http;

/// <summary>The request methods this server implements (RFC 9110 §9, and PATCH from RFC 5789): the one list.</summary>
public static class HttpMethods
{
    /// <summary>Every implemented method; the parser answers any other token 501 (RFC 9110 §15.6.2).</summary>
    internal static readonly string[] Implemented = { "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH" };

    /// <summary>The length of the longest implemented method: a longer token names none of them.</summary>
    internal static readonly int LongestImplemented = Implemented.Max(m => m.Length);

    /// <summary>
    /// The <c>Allow</c> value of a response to <c>OPTIONS *</c>, which asks about the server as a whole (RFC 9110
    /// §9.3.7): the implemented methods but TRACE, which no part of this server answers and which servers
    /// customarily keep out of sight, as its echo of the request is what cross-site tracing abuses.
    /// </summary>
    public static readonly string ServerWideAllow = string.Join(", ", Implemented.Where(m => m != "TRACE"));

    internal static bool IsImplemented(string method) => Array.IndexOf(Implemented, method) >= 0;
}
