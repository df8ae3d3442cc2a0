using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using ActorHttp.Configuration;
using ActorHttp.Hosting;
using ActorHttp.Http;
using ActorHttp.Tests.Observability;
using ActorHttp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorHttp.Tests.Hosting;

/// <summary>
/// <see cref="ActorHttpHostingExtensions.WithActorHttp"/> in a real Microsoft.Extensions.Hosting host on port 0:
/// routes to actors registered with Akka.Hosting, started and stopped with the host.
/// </summary>
public sealed class AkkaHostingSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(15);
    private readonly TestWww _www = new();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        _www.Dispose();
    }

    private static IHost Build(Action<AkkaConfigurationBuilder> akka, string systemName = "spec")
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka(systemName, configure => akka(configure.AddHocon(
            ConfigurationFactory.ParseString("akka.loglevel = WARNING\nactorhttp.access-log = off"), HoconAddMode.Prepend)));
        return builder.Build();
    }

    private static Task<ServerBinding> BindingOf(IHost host) =>
        ActorHttpServer.For(host.Services.GetRequiredService<ActorSystem>()).Bound.WaitAsync(Bounded);

    [Fact]
    public async Task The_README_program_answers_through_the_handler_actor_it_registered()
    {
        using var host = HelloApp.Create(new[] { "--port=0", "--root=" + _www.Root });
        await host.StartAsync().WaitAsync(Bounded);
        try
        {
            var binding = await BindingOf(host);
            using var client = new HttpClient { BaseAddress = binding.BaseAddress, Timeout = Bounded };

            Assert.Equal("Hello, ada!", await client.GetStringAsync("/hello/ada"));
            // The address is discoverable from the registry too: the listener is registered under ActorHttpServer.
            Assert.Equal(binding.Listener, host.Services.GetRequiredService<ActorRegistry>().Get<ActorHttpServer>());
        }
        finally
        {
            await host.StopAsync().WaitAsync(Bounded);
        }
    }

    [Fact]
    public void The_README_shows_the_embedding_example_the_specs_run()
    {
        var readme = File.ReadAllText(RepoFiles.PathOf("README.md"));
        var section = readme[readme.IndexOf("## Embedding with Akka.Hosting", StringComparison.Ordinal)..];
        var start = section.IndexOf("```csharp\n", StringComparison.Ordinal) + "```csharp\n".Length;
        var program = section[start..section.IndexOf("```\n", start, StringComparison.Ordinal)];
        var example = File.ReadAllText(RepoFiles.PathOf("src/ActorHttp.Tests/Hosting/EmbeddingExample.cs"));

        // Program.cs is the example with its one top-level statement: a test assembly cannot hold top-level statements.
        const string Main = "await HelloApp.Create(args).RunAsync();\n\n";
        Assert.Contains(Main, program);
        Assert.Equal(example.ReplaceLineEndings("\n"), program.Replace(Main, ""));
    }

    /// <summary>Holds each request until told to answer it, telling the spec it has one.</summary>
    private sealed class HeldHandler : ReceiveActor
    {
        public sealed record Answer(string Text);

        public HeldHandler(TaskCompletionSource held)
        {
            IActorRef? waiting = null;
            Receive<HttpRequest>(_ =>
            {
                waiting = Sender;
                held.TrySetResult();
            });
            Receive<Answer>(answer => waiting?.Tell(HttpResponse.Text(200, answer.Text)));
        }
    }

    [Fact]
    public async Task Stopping_the_host_lets_a_request_in_flight_finish_turns_new_connections_away_and_releases_the_port()
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = Build(akka => akka
            .WithActors((system, registry) =>
                registry.Register<HeldHandler>(system.ActorOf(Props.Create(() => new HeldHandler(held)))))
            .WithActorHttp(http =>
            {
                http.Port = 0;
                http.Root = _www.Root;
                http.Routes(routes => routes.Get("/held", registry => registry.Get<HeldHandler>()));
            }));
        await host.StartAsync().WaitAsync(Bounded);
        var binding = await BindingOf(host);
        var port = binding.LocalAddress.Port;
        // The drain phase waits as long as actorhttp.shutdown-timeout says, not Akka's default 5 s.
        var phases = CoordinatedShutdown.Get(host.Services.GetRequiredService<ActorSystem>());
        Assert.Equal(binding.Context.Settings.ShutdownTimeout + TimeSpan.FromSeconds(2), phases.Timeout(CoordinatedShutdown.PhaseServiceRequestsDone));
        using var inFlight = RawClient.Connect(port);
        inFlight.Send("GET /held HTTP/1.1\r\nHost: x\r\n\r\n");
        await held.Task.WaitAsync(Bounded);

        var stop = host.StopAsync();

        // Draining: a newcomer is answered 503 and closed while the held request keeps the server up (until the stop
        // reaches the listener, the newcomer's file is served).
        await AwaitAssertAsync(() =>
        {
            using var late = RawClient.Connect(port);
            late.Send("GET /hello.html HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.Equal(503, late.ReadResponse().Status);
        }, Bounded);
        Assert.False(stop.IsCompleted);
        host.Services.GetRequiredService<ActorRegistry>().Get<HeldHandler>().Tell(new HeldHandler.Answer("done"));
        var answered = inFlight.ReadResponse();
        Assert.Equal("done", answered.BodyText);
        Assert.True(answered.ClosesConnection);
        await stop.WaitAsync(Bounded);

        Assert.Throws<SocketException>(() => RawClient.Connect(port).Dispose());
    }

    [Fact]
    public async Task The_options_win_over_the_hocon_argument_which_wins_over_the_actor_systems_HOCON()
    {
        using var host = Build(akka => akka
            .AddHocon(ConfigurationFactory.ParseString("actorhttp { max-connections = 0, sleep-delay = 7s }"), HoconAddMode.Prepend)
            .WithActorHttp(http => (http.Port, http.Root) = (0, _www.Root),
                hocon: ConfigurationFactory.ParseString("actorhttp { port = 70000, max-connections = 5 }")));
        await host.StartAsync().WaitAsync(Bounded);
        try
        {
            var settings = (await BindingOf(host)).Context.Settings;

            Assert.Equal(5, settings.MaxConnections);
            Assert.Equal(TimeSpan.FromSeconds(7), settings.SleepDelay);
        }
        finally
        {
            await host.StopAsync().WaitAsync(Bounded);
        }
    }

    [Fact]
    public async Task A_route_to_a_handler_nobody_registered_fails_the_host_start_naming_the_route()
    {
        using var host = Build(akka => akka.WithActorHttp(http =>
        {
            (http.Port, http.Root) = (0, _www.Root);
            http.Routes(routes => routes.Get("/held", registry => registry.Get<HeldHandler>()));
        }));

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync().WaitAsync(Bounded));

        Assert.Contains("route GET /held", (failure is AggregateException { InnerException: { } inner } ? inner : failure).Message);
    }

    /// <summary>
    /// The exception the host's start failed with, unwrapped. A host that failed to start cannot be stopped (its
    /// hosted services may not exist); disposing it terminates the actor system, if it was made.
    /// </summary>
    private static async Task<SettingsException> StartFailure(IHost host)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync().WaitAsync(Bounded));
        return Assert.IsType<SettingsException>(failure is AggregateException { InnerException: { } inner } ? inner : failure);
    }

    [Fact]
    public async Task A_bad_setting_in_the_actor_systems_HOCON_fails_the_host_start_naming_the_key()
    {
        using var host = Build(akka => akka
            .AddHocon(ConfigurationFactory.ParseString("actorhttp.max-connections = 0"), HoconAddMode.Prepend)
            .WithActorHttp(http => (http.Port, http.Root) = (0, _www.Root)));

        Assert.StartsWith("actorhttp.max-connections:", (await StartFailure(host)).Message);
    }

    [Fact]
    public async Task A_bad_setting_in_code_fails_the_host_start_naming_the_key()
    {
        using var host = Build(akka => akka.WithActorHttp(http => (http.Port, http.Root) = (70000, _www.Root)));

        Assert.StartsWith("actorhttp.port:", (await StartFailure(host)).Message);
    }

    /// <summary>A cluster node's settings as the hocon argument of WithActorHttp: remoting on a free port, a journal in the test's folder, the counter routed.</summary>
    private Config NodeHocon() => ConfigurationFactory.ParseString($$"""
        actorhttp.cluster {
          enabled = on
          port = 0
          journal.connection-string = {{ConfigLoader.Quote("Data Source=" + Path.Combine(_www.Root, "journal.db"))}}
        }
        actorhttp.routes = [ { method = "*", path = "/counter/{id}", sharded = counter } ]
        """);

    [Fact]
    public async Task With_the_cluster_on_in_its_settings_the_actor_system_becomes_a_node_that_serves_its_sharded_counter()
    {
        using var host = Build(akka => akka.WithActorHttp(http => (http.Port, http.Root) = (0, _www.Root), NodeHocon()),
            ClusterSettings.SystemName);
        await host.StartAsync().WaitAsync(Bounded);
        try
        {
            var binding = await BindingOf(host);
            using var client = new HttpClient { BaseAddress = binding.BaseAddress, Timeout = Bounded };
            var cluster = Akka.Cluster.Cluster.Get(host.Services.GetRequiredService<ActorSystem>());
            cluster.Join(cluster.SelfAddress);

            // Up, the node serves its counters once the shard coordinator it started is ready (a 504 until then).
            await ClusterNodes.AwaitAsync(() => client.GetAsync("/counter/a").Result.StatusCode == System.Net.HttpStatusCode.OK, Bounded, "the counter");
            using var posted = await client.PostAsync("/counter/a", null);
            Assert.Equal("1\n", await posted.Content.ReadAsStringAsync());
            Assert.Equal("wal", Cluster.SqliteJournalFileSpec.JournalMode(Path.Combine(_www.Root, "journal.db")));
        }
        finally
        {
            await host.StopAsync().WaitAsync(Bounded);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    [Fact]
    public async Task A_node_whose_actor_system_is_not_named_actorhttp_fails_the_host_start_as_its_seed_nodes_could_never_be_joined()
    {
        using var host = Build(akka => akka.WithActorHttp(http => (http.Port, http.Root) = (0, _www.Root), NodeHocon()));

        var message = (await StartFailure(host)).Message;

        Assert.StartsWith("actorhttp.cluster.enabled:", message);
        Assert.Contains("\"spec\"", message);
    }
}
