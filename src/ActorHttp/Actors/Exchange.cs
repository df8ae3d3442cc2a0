using System.Diagnostics;
using EndPoint = System.Net.EndPoint;
using Akka.Actor;
using ActorHttp.Http;
using ActorHttp.Observability;
using ActorHttp.Routing;

namespace ActorHttp.Actors;

/// <summary>
/// One request and, once known, its response, as the connection actor tracks it between parsing and the
/// last byte written. Owned by a single connection actor; never shared.
/// </summary>
internal sealed class Exchange
{
    public Exchange(long seq, HttpRequest? request, HttpVersion version, bool keepAlive, DateTimeOffset started, long startTimestamp,
        Activity? trace = null)
    {
        Seq = seq;
        Request = request is not null && trace is not null ? request with { TraceContext = trace.Context } : request;
        Trace = trace;
        RequestId = ActorHttp.Observability.RequestId.For(request?.Headers.Get(ActorHttp.Observability.RequestId.HeaderName), trace);
        Version = version;
        KeepAlive = keepAlive;
        Started = started;
        StartTimestamp = startTimestamp;
    }

    /// <summary>Position on the connection: responses go out strictly in this order.</summary>
    public long Seq { get; }

    /// <summary>The request, or null for a rejection answered without one.</summary>
    public HttpRequest? Request { get; }

    /// <summary>A rejection's request line as far as it was read (<see cref="RequestReader.RequestLineSoFar"/>), for the access log.</summary>
    public string? RejectedLine { get; set; }

    public HttpVersion Version { get; }

    /// <summary>The request's server span, from admission to the last byte written; null when untraced.</summary>
    public Activity? Trace { get; }

    /// <summary>The handler actor's span, from the request handed to it to its answer; null when untraced.</summary>
    public Activity? HandlerTrace { get; set; }

    /// <summary>The id echoed in <c>X-Request-Id</c> and logged.</summary>
    public string RequestId { get; }

    /// <summary>The client asked to keep the connection (RFC 9112 §9.3).</summary>
    public bool KeepAlive { get; }

    public DateTimeOffset Started { get; }

    public long StartTimestamp { get; }

    /// <summary>Set once the handler (or timer, or rejection) produced it.</summary>
    public HttpResponse? Response { get; set; }

    /// <summary>The per-request handler actor, while it works.</summary>
    public IActorRef? Handler { get; set; }

    /// <summary>The sharded route asked, while its entity works: its timeout answers 504, its reply must fit a frame.</summary>
    public RouteTarget.Sharded? Sharded { get; set; }

    /// <summary>A route name for logs, when a handler serves it.</summary>
    public string? RouteName { get; set; }

    /// <summary>The connection closes after this response.</summary>
    public bool CloseAfter { get; set; }

    /// <summary>Body bytes written so far (for the access log and metrics).</summary>
    public long BodyBytesSent { get; set; }

    public bool IsHead => Request?.IsHead == true;

    /// <summary>The response goes out without a body: the request was HEAD, or the status forbids one (RFC 9110 §6.4.1).</summary>
    public bool IsHeadOnly => IsHead || (Response is { } response && ReasonPhrases.ForbidsBody(response.Status));

    /// <summary>
    /// The finished exchange as the access log and metrics see it; <paramref name="status"/> stands in for the
    /// response's when the exchange ended without one going out.
    /// </summary>
    public CompletedExchange ToCompleted(EndPoint? remote, string scheme, int? status = null) => new(
        remote,
        Started,
        Stopwatch.GetElapsedTime(StartTimestamp),
        Request?.Method ?? "-",
        Request?.Target ?? "-",
        Version,
        status ?? Response!.Status,
        BodyBytesSent,
        Request?.Headers.Get("Referer"),
        Request?.Headers.Get("User-Agent"),
        RequestId,
        Trace?.TraceId.ToHexString(),
        Trace?.SpanId.ToHexString(),
        scheme,
        RejectedLine);
}
