using System.Net.Http;
using Akka.Actor;
using ActorHttp.Actors;
using ActorHttp.Hosting;
using ActorHttp.Routing;
using ActorHttp.Configuration;
using ActorHttp.Observability;

namespace ActorHttp.Tests.Support;

/// <summary>
/// An in-process ActorHttp server for end-to-end tests: binds 127.0.0.1 on a free port in the given actor
/// system and gives an <see cref="HttpClient"/> aimed at it. Dispose stops it.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private TestServer(ServerBinding binding)
    {
        Binding = binding;
        Client = new HttpClient { BaseAddress = binding.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public ServerBinding Binding { get; }

    public HttpClient Client { get; }

    public int Port => Binding.LocalAddress.Port;

    public static async Task<TestServer> StartAsync(ActorSystem system, ServerSettings settings, RouteTable? routes = null, IServerObserver? observer = null) =>
        new(await HttpServer.StartAsync(system, settings, routes, observer));

    /// <summary>A raw socket client connected to this server.</summary>
    public RawClient Connect() => RawClient.Connect(Port);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Binding.StopAsync(TimeSpan.FromSeconds(2));
    }
}
