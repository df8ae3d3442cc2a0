using ActorHttp.Routing;

namespace ActorHttp.Tests.Routing;

public sealed class PathPatternSpec
{
    [Theory]
    [InlineData("/echo", "/echo", true)]
    [InlineData("/echo", "/echo/", false)]
    [InlineData("/echo", "/ECHO", false)]
    [InlineData("/api/*", "/api", true)]
    [InlineData("/api/*", "/api/", true)]
    [InlineData("/api/*", "/api/users/1", true)]
    [InlineData("/api/*", "/apix", false)]
    [InlineData("/*", "/anything/at/all", true)]
    [InlineData("/users/{id}", "/users/42", true)]
    [InlineData("/users/{id}", "/users/", false)]
    [InlineData("/users/{id}", "/users/42/posts", false)]
    [InlineData("/users/{id}/posts/{post}", "/users/42/posts/7", true)]
    public void A_pattern_matches_exactly_the_paths_it_describes(string pattern, string path, bool matches) =>
        Assert.Equal(matches, PathPattern.Parse(pattern).TryMatch(path, out _));

    [Fact]
    public void A_template_captures_percent_decoded_values_by_name()
    {
        Assert.True(PathPattern.Parse("/users/{id}/posts/{post}").TryMatch("/users/ada%20l/posts/7", out var values));
        Assert.Equal("ada l", values["id"]);
        Assert.Equal("7", values["post"]);
    }

    [Fact]
    public void A_route_path_must_start_with_a_slash() =>
        Assert.Throws<ArgumentException>(() => PathPattern.Parse("echo"));

    [Theory]
    [InlineData("/a b")]
    [InlineData("/metrics?x=1")]
    [InlineData("/page#top")]
    [InlineData("/a\r\nb")]
    [InlineData("/100%")]
    [InlineData("/%zz")]
    [InlineData("/users/{id")]
    [InlineData("/users/id}")]
    [InlineData("/users/{}")]
    [InlineData("/users/x{id}")]
    [InlineData("/users/{id}/{id}")]
    [InlineData("/users/{id}/*")]
    public void A_pattern_that_could_never_match_what_it_seems_to_describe_is_refused(string pattern)
    {
        Assert.False(PathPattern.TryParse(pattern, out _, out var problem));
        Assert.NotEmpty(problem);
        Assert.Throws<ArgumentException>(() => PathPattern.Parse(pattern));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/a-b_c.d~e/f!$&'()*+,;=:@")]
    [InlineData("/%41%2f")]
    [InlineData("/files/{name}/{v1}")]
    public void A_pattern_of_path_characters_and_whole_segment_names_is_accepted(string pattern) =>
        Assert.True(PathPattern.TryParse(pattern, out _, out _));
}

public sealed class RouteTableSpec
{
    private static readonly RouteTarget Target = new RouteTarget.Inline("t", _ => ActorHttp.Http.HttpResponse.Empty(204));

    private static RouteTable Table(params (string Method, string Path)[] routes) =>
        new(routes.Select(r => new Route(new[] { r.Method }, PathPattern.Parse(r.Path), Target)).ToArray());

    [Fact]
    public void The_first_matching_route_wins()
    {
        var first = new Route(new[] { "GET" }, PathPattern.Parse("/a/*"), Target);
        var second = new Route(new[] { "GET" }, PathPattern.Parse("/a/b"), Target);
        var match = Assert.IsType<RouteMatch.Found>(new RouteTable(new[] { first, second }).Match("GET", "/a/b"));
        Assert.Same(first, match.Route);
    }

    [Fact]
    public void A_path_matched_with_the_wrong_method_is_405_listing_the_methods_that_match()
    {
        var match = Table(("POST", "/echo"), ("PUT", "/echo"), ("GET", "/other")).Match("DELETE", "/echo");
        Assert.Equal("POST, PUT", Assert.IsType<RouteMatch.MethodNotAllowed>(match).Allow);
    }

    [Fact]
    public void A_get_route_answers_head_and_lists_it_in_allow()
    {
        var table = Table(("GET", "/health"));
        Assert.IsType<RouteMatch.Found>(table.Match("HEAD", "/health"));
        Assert.Equal("GET, HEAD", Assert.IsType<RouteMatch.MethodNotAllowed>(table.Match("POST", "/health")).Allow);
    }

    [Fact]
    public void A_path_no_route_matches_falls_through() =>
        Assert.IsType<RouteMatch.None>(Table(("GET", "/a")).Match("GET", "/b"));

    [Theory]
    [InlineData("/counter/{id}", null, "id")]
    [InlineData("/shop/{shop}/cart/{cart}", "cart", "cart")]
    [InlineData("/shop/{shop}/cart/{cart}", null, null)]
    [InlineData("/shop/{shop}/cart/{cart}", "user", null)]
    [InlineData("/counter", null, null)]
    [InlineData("/counter/*", null, null)]
    public void A_sharded_route_s_entity_id_is_the_value_it_names_or_the_template_s_only_value(string path, string? wanted, string? expected) =>
        Assert.Equal(expected, PathPattern.EntityIdName(PathPattern.Parse(path), wanted, out _));

    [Fact]
    public void A_sharded_route_built_in_code_without_a_value_to_name_its_entity_is_refused()
    {
        var entity = new ShardedEntity("counter", _ => Akka.Actor.Props.Empty);

        Assert.Contains("captures no value", Assert.Throws<ArgumentException>(() => new RouteBuilder().Sharded("GET", "/counter", entity)).Message);
        var route = Assert.Single(new RouteBuilder().Sharded("*", "/counter/{id}", entity).Build().Routes);
        Assert.Equal(new RouteTarget.Sharded(entity, "id"), route.Target);
        Assert.Empty(route.Methods);
    }
}
