using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Routing;

/// <summary>
/// A route hides a static file only for the methods it takes: a GET or HEAD no route takes falls through to
/// the file at that path, as ASP.NET Core's static files run before endpoint routing's 405. The routes are
/// the issue's own HOCON, through one connection actor.
/// </summary>
public sealed class RoutesOverStaticFilesSpec : Akka.TestKit.Xunit2.TestKit
{
    private const string PostOnlyRoutes = """
        actorhttp.routes = [
          { method = POST, path = "/", handler = echo },
          { method = POST, path = "/docs", handler = echo },
          { method = POST, path = "/search/{q}", handler = echo },
          { method = PUT, path = "/nothing-here", handler = echo },
        ]
        """;

    private readonly TestWww _www = new();

    public RoutesOverStaticFilesSpec() => _www.Write("docs/index.html", "docs index"u8.ToArray());

    protected override void AfterAll()
    {
        base.AfterAll();
        _www.Dispose();
    }

    private RawResponse Send(string request)
    {
        var conn = new ConnectionHarness(this, TestSettings.For(_www.Root, PostOnlyRoutes));
        conn.Receive(request);
        return conn.ExpectResponse();
    }

    [Fact]
    public void GET_on_a_path_routed_only_for_POST_serves_the_static_file_there()
    {
        var response = Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal(200, response.Status);
        Assert.Equal(TestWww.Hello, response.BodyText);
        Assert.NotNull(response.Header("ETag"));
    }

    [Fact]
    public void HEAD_on_a_path_routed_only_for_POST_gets_the_static_file_head()
    {
        var response = Send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal(200, response.Status);
        Assert.Equal(TestWww.Hello.Length.ToString(), response.Header("Content-Length"));
        Assert.Empty(response.Body);
    }

    [Fact]
    public void GET_on_a_routed_folder_without_its_slash_is_redirected_as_the_static_files_would()
    {
        var response = Send("GET /docs HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal(301, response.Status);
        Assert.Equal("/docs/", response.Header("Location"));
    }

    [Fact]
    public void The_route_still_answers_its_own_method()
    {
        var response = Send("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi");

        Assert.Equal(200, response.Status);
        Assert.Equal("hi", response.BodyText);
    }

    [Theory]
    [InlineData("GET /nothing-here HTTP/1.1", "PUT")]
    [InlineData("HEAD /nothing-here HTTP/1.1", "PUT")]
    [InlineData("GET /search/100% HTTP/1.1", "POST")]
    [InlineData("DELETE / HTTP/1.1", "POST")]
    public void Without_a_file_there_or_for_another_method_the_answer_is_405_with_the_routes_methods(string requestLine, string allow)
    {
        var response = Send(requestLine + "\r\nHost: x\r\n\r\n");

        Assert.Equal(405, response.Status);
        Assert.Equal(allow, response.Header("Allow"));
    }
}
