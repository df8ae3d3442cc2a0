namespace ActorHttp.Routing;

/// <summary>The outcome of looking a request up in the <see cref="RouteTable"/>.</summary>
public abstract record RouteMatch
{
    private RouteMatch() { }

    public sealed record Found(Route Route, IReadOnlyDictionary<string, string> Values) : RouteMatch;

    /// <summary>The path matched, the method did not: 405 with this <c>Allow</c> list (RFC 9110 §15.5.6).</summary>
    public sealed record MethodNotAllowed(string Allow) : RouteMatch;

    /// <summary>No route: the static-file fallback takes it.</summary>
    public sealed record None : RouteMatch
    {
        public static readonly None Instance = new();
    }
}

/// <summary>An ordered, immutable list of routes; the first that matches path and method wins.</summary>
public sealed class RouteTable
{
    public static readonly RouteTable Empty = new(Array.Empty<Route>());

    public RouteTable(IReadOnlyList<Route> routes)
    {
        Routes = routes;
        StreamsAnyRequestBody = routes.Any(r => r.StreamsRequestBody);
    }

    public IReadOnlyList<Route> Routes { get; }

    /// <summary>Some route streams request bodies, so a connection must see each head before its body.</summary>
    public bool StreamsAnyRequestBody { get; }

    public RouteMatch Match(string method, string path)
    {
        List<string>? allowed = null;
        foreach (var route in Routes)
        {
            if (!route.Path.TryMatch(path, out var values)) continue;
            if (route.Allows(method)) return new RouteMatch.Found(route, values);
            allowed ??= new List<string>();
            foreach (var m in route.Methods)
            {
                if (!allowed.Contains(m)) allowed.Add(m);
                if (m == "GET" && !allowed.Contains("HEAD")) allowed.Add("HEAD");
            }
        }
        return allowed is null ? RouteMatch.None.Instance : new RouteMatch.MethodNotAllowed(string.Join(", ", allowed));
    }

    /// <summary>A table with these routes placed before the existing ones.</summary>
    public RouteTable Prepend(IEnumerable<Route> routes) => new(routes.Concat(Routes).ToArray());
}
