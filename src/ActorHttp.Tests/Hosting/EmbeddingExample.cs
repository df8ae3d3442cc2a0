using Akka.Actor;
using Akka.Hosting;
using ActorHttp.Hosting;
using ActorHttp.Http;
using Microsoft.Extensions.Hosting;

/// <summary>Greets the name in the path; one actor serves every request.</summary>
public sealed class HelloHandler : ReceiveActor
{
    public HelloHandler() =>
        Receive<HttpRequest>(request => Sender.Tell(HttpResponse.Text(200, $"Hello, {request.RouteValue("name")}!")));
}

public static class HelloApp
{
    /// <summary>The host: <c>--port</c> and <c>--root</c> on the command line override 8080 and www.</summary>
    public static IHost Create(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddAkka("hello", akka => akka
            .WithActors((system, registry) =>
                registry.Register<HelloHandler>(system.ActorOf(Props.Create<HelloHandler>(), "hello")))
            .WithActorHttp(http =>
            {
                http.Port = int.Parse(builder.Configuration["port"] ?? "8080");
                http.Root = builder.Configuration["root"] ?? "www";
                http.Routes(routes => routes.Get("/hello/{name}", registry => registry.Get<HelloHandler>()));
            }));
        return builder.Build();
    }
}
