using System.Text;

namespace ActorHttp.Http;

/// <summary>
/// The small, fixed bodies of error responses the server itself produces. They never contain exception
/// text or anything from the request.
/// </summary>
public static class ErrorResponses
{
    private static readonly HttpResponse?[] Cache = new HttpResponse?[600];

    /// <summary>A short HTML page naming the status, like nginx's default error pages.</summary>
    public static HttpResponse For(int status)
    {
        if (status is < 100 or >= 600) status = 500;
        return Cache[status] ??= HttpResponse.Bytes(
            status,
            Encoding.ASCII.GetBytes($"<html><head><title>{status} {ReasonPhrases.For(status)}</title></head><body><h1>{status} {ReasonPhrases.For(status)}</h1></body></html>\n"),
            "text/html; charset=utf-8");
    }

    /// <summary>
    /// 503 to a connection the server will not serve (over capacity, or shutting down), with the <c>Retry-After</c>
    /// RFC 9110 §15.6.4 suggests: the request was not read, so a client or balancer may send it again.
    /// </summary>
    public static readonly HttpResponse NotServing = For(503).WithHeader("Retry-After", "1");

    /// <summary>405 with the <c>Allow</c> list RFC 9110 §15.5.6 requires.</summary>
    public static HttpResponse MethodNotAllowed(string allow) => For(405).WithHeader("Allow", allow);
}
