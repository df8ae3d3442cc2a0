using System.Text;
using ActorHttp.Http;

namespace ActorHttp.Tests.Support;

/// <summary>Builds <see cref="HttpRequest"/> values for handler tests, without sockets.</summary>
public static class Requests
{
    public static HttpRequest Get(string target, params (string Name, string Value)[] headers) =>
        Build("GET", target, ReadOnlyMemory<byte>.Empty, headers);

    public static HttpRequest Post(string target, string body, string contentType = "text/plain") =>
        Build("POST", target, Encoding.UTF8.GetBytes(body), new[] { ("Content-Type", contentType) });

    public static HttpRequest Build(string method, string target, ReadOnlyMemory<byte> body, params (string Name, string Value)[] headers)
    {
        var question = target.IndexOf('?');
        var path = question < 0 ? target : target[..question];
        var query = question < 0 ? "" : target[(question + 1)..];
        var fields = new[] { new HttpHeader("Host", "test") }
            .Concat(headers.Select(h => new HttpHeader(h.Name, h.Value)))
            .Concat(body.IsEmpty ? Array.Empty<HttpHeader>() : new[] { new HttpHeader("Content-Length", body.Length.ToString()) })
            .ToArray();
        return new HttpRequest(method, target, path, query, HttpVersion.Http11, new HttpHeaders(fields), body);
    }

    /// <summary>The same request with route values, as a template route would pass them.</summary>
    public static HttpRequest WithRouteValues(this HttpRequest request, params (string Name, string Value)[] values) =>
        request with { RouteValues = values.ToDictionary(v => v.Name, v => v.Value) };
}

/// <summary>Assertions on <see cref="HttpResponse"/> values.</summary>
public static class ResponseAssertions
{
    public static HttpResponse ShouldHaveStatus(this HttpResponse response, int status)
    {
        Assert.Equal(status, response.Status);
        return response;
    }

    public static HttpResponse ShouldHaveHeader(this HttpResponse response, string name, string value)
    {
        Assert.Equal(value, response.Headers.Get(name));
        return response;
    }

    public static string BodyText(this HttpResponse response) => response.Body switch
    {
        ResponseBody.Bytes bytes => Encoding.UTF8.GetString(bytes.Content.Span),
        ResponseBody.None => "",
        _ => throw new InvalidOperationException($"The body is a {response.Body.GetType().Name}, not bytes."),
    };

    public static HttpResponse ShouldHaveBody(this HttpResponse response, string text)
    {
        Assert.Equal(text, response.BodyText());
        return response;
    }
}
