using System.Diagnostics;
using ActorHttp.Http;

namespace ActorHttp.Observability;

/// <summary>
/// The <c>ActorHttp</c> <see cref="ActivitySource"/>: one server span per request, named and tagged after the
/// OpenTelemetry HTTP semantic conventions, continuing the client's W3C <c>traceparent</c>. With no listener
/// attached (no TracerProvider, no diagnostic tool) <see cref="StartServer"/> returns null before looking at the
/// request, so an untraced server allocates nothing for tracing.
/// </summary>
public static class ServerTracing
{
    /// <summary>The name of the activity source, and of the meter (<see cref="ServerMetrics.MeterName"/>).</summary>
    public const string SourceName = "ActorHttp";

    /// <summary>The source every span of the server starts from.</summary>
    public static readonly ActivitySource Source = new(SourceName, typeof(ServerTracing).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// The server span of a request just admitted, its parent the request's <c>traceparent</c> (and
    /// <c>tracestate</c>) when it is valid (W3C Trace Context §3.2), or null when nobody listens or the sampler
    /// declines. Named after the method alone until <see cref="SetRoute"/> knows the route.
    /// </summary>
    public static Activity? StartServer(HttpRequest request)
    {
        if (!Source.HasListeners()) return null;
        ActivityContext.TryParse(request.Headers.Get("traceparent"), request.Headers.Get("tracestate"), isRemote: true, out var parent);
        var activity = Source.StartActivity(request.Method, ActivityKind.Server, parent);
        if (activity is null) return null;
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("http.request.method", request.Method);
            activity.SetTag("url.path", request.Path);
            if (request.Query.Length > 0) activity.SetTag("url.query", request.Query);
            activity.SetTag("network.protocol.version", request.Version == HttpVersion.Http10 ? "1.0" : "1.1");
            if (request.Body.Length > 0) activity.SetTag("http.request.body.size", (long)request.Body.Length);
        }
        return activity;
    }

    /// <summary>The route template that matched: the span is named <c>GET /users/{id}</c> and tagged <c>http.route</c>.</summary>
    public static void SetRoute(Activity activity, string method, string template)
    {
        activity.DisplayName = method + " " + template;
        activity.SetTag("http.route", template);
    }

    /// <summary>
    /// A child of <paramref name="server"/> around a handler actor's work, from the request handed to it to its
    /// reply (or failure, or timeout); null when the request is not traced.
    /// </summary>
    public static Activity? StartHandler(Activity? server, string routeName)
    {
        if (server is null) return null;
        return Source.StartActivity("handler " + routeName, ActivityKind.Internal, server.Context);
    }

    /// <summary>Ends a handler span; a 5xx answer (a failure, a timeout) marks it an error.</summary>
    public static void StopHandler(Activity handler, int status)
    {
        if (status >= 500) handler.SetStatus(ActivityStatusCode.Error);
        handler.Stop();
    }

    /// <summary>
    /// Ends the server span when the response's last byte is written. Only a 5xx is an error on a server span: a
    /// 4xx is the client's mistake (OpenTelemetry HTTP semantic conventions, "Status").
    /// </summary>
    public static void StopServer(Activity activity, int status, long responseBodyBytes)
    {
        activity.SetTag("http.response.status_code", status);
        activity.SetTag("http.response.body.size", responseBodyBytes);
        if (status >= 500)
        {
            activity.SetStatus(ActivityStatusCode.Error);
            activity.SetTag("error.type", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        activity.Stop();
    }

    /// <summary>Ends the span of a request that got no response: the connection was cut first.</summary>
    public static void Abandon(Activity activity)
    {
        activity.SetStatus(ActivityStatusCode.Error, "connection closed before the response was written");
        activity.Stop();
    }
}
