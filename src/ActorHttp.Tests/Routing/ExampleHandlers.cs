using Akka.Actor;
using ActorHttp.Http;

namespace ActorHttp.Tests.Routing;

/// <summary>Greets the user named by the route template <c>/users/{id}</c>: the README's example handler.</summary>
public sealed class GreetingHandler : ReceiveActor
{
    public GreetingHandler() =>
        Receive<HttpRequest>(request => Sender.Tell(HttpResponse.Text(200, $"Hello, {request.RouteValue("id")}!")));
}

/// <summary>Throws on every request: the server must answer 500 and go on.</summary>
public sealed class ThrowingHandler : ReceiveActor
{
    public ThrowingHandler() =>
        Receive<HttpRequest>(_ => throw new InvalidOperationException("secret internal detail"));
}

/// <summary>
/// Throws as a file API does for a path it cannot take: the exception's message carries the decoded request
/// path, control characters and all, on its way to the log.
/// </summary>
public sealed class DecodedPathThrowingHandler : ReceiveActor
{
    public DecodedPathThrowingHandler() =>
        Receive<HttpRequest>(request => throw new PathTooLongException($"The path '{Uri.UnescapeDataString(request.Path)}' is too long."));
}

/// <summary>Never replies: the handler timeout must answer for it.</summary>
public sealed class SilentHandler : ReceiveActor
{
    public SilentHandler() => Receive<HttpRequest>(_ => { });
}

/// <summary>Hands its request to a backend (a test's probe) and answers with what the backend answers, when it does.</summary>
public sealed class BackendHandler : ReceiveActor
{
    public BackendHandler(IActorRef backend)
    {
        IActorRef? asker = null;
        Receive<HttpRequest>(request =>
        {
            asker = Sender;
            backend.Tell(request);
        });
        Receive<HttpResponse>(response => asker?.Tell(response));
    }
}

/// <summary>A long-lived counter: one actor serves every request, counting them.</summary>
public sealed class CounterHandler : ReceiveActor
{
    private int _count;

    public CounterHandler() =>
        Receive<HttpRequest>(_ => Sender.Tell(HttpResponse.Text(200, (++_count).ToString())));
}

/// <summary>Streams its body in pieces of unknown total length: the server must frame it chunked.</summary>
public sealed class StreamingHandler : ReceiveActor
{
    public StreamingHandler() =>
        Receive<HttpRequest>(_ => Sender.Tell(new HttpResponse(200,
            new HttpHeaders(new[] { new HttpHeader("Content-Type", "text/plain") }),
            new ResponseBody.Stream(Akka.Streams.Dsl.Source.From(Enumerable.Range(1, 50).Select(i => Akka.IO.ByteString.FromString($"line {i}\n")))))));
}
