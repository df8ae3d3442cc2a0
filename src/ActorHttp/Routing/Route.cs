namespace ActorHttp.Routing;

/// <summary>
/// One routing rule: the methods it answers (empty = any), its path pattern and its target. A route for
/// GET answers HEAD as well (RFC 9110 §9.3.2); the connection drops the body.
/// </summary>
public sealed record Route(IReadOnlyList<string> Methods, PathPattern Path, RouteTarget Target)
{
    private readonly bool _streamsRequestBody;

    /// <summary>
    /// The handler gets a <see cref="StreamedHttpRequest"/>: the body as a back-pressured stream, not limited by
    /// <c>actorhttp.limits.max-body</c>, instead of an <see cref="Http.HttpRequest"/> with the body in memory.
    /// Only a per-request handler can take a stream: it owns the upload from its first byte to its reply.
    /// </summary>
    public bool StreamsRequestBody
    {
        get => _streamsRequestBody;
        init
        {
            if (value && Target is not RouteTarget.PerRequest)
                throw new ArgumentException($"Only a per-request handler route can stream the request body, not {Target.GetType().Name}.");
            _streamsRequestBody = value;
        }
    }

    public bool Allows(string method) =>
        Methods.Count == 0 || Methods.Contains(method) || (method == "HEAD" && Methods.Contains("GET"));

    public override string ToString() => $"{(Methods.Count == 0 ? "*" : string.Join(",", Methods))} {Path}";
}
