namespace ActorHttp.Routing;

/// <summary>
/// One routing rule: the methods it answers (empty = any), its path pattern and its target. A route for
/// GET answers HEAD as well (RFC 9110 §9.3.2); the connection drops the body.
/// </summary>
public sealed record Route(IReadOnlyList<string> Methods, PathPattern Path, RouteTarget Target)
{
    public bool Allows(string method) =>
        Methods.Count == 0 || Methods.Contains(method) || (method == "HEAD" && Methods.Contains("GET"));

    public override string ToString() => $"{(Methods.Count == 0 ? "*" : string.Join(",", Methods))} {Path}";
}
