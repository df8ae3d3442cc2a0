using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using ActorHttp.Configuration;

namespace ActorHttp.Hosting;

/// <summary>Embeds an ActorHttp server in an actor system built by Akka.Hosting's <c>services.AddAkka(...)</c>.</summary>
public static class ActorHttpHostingExtensions
{
    /// <summary>
    /// Serves HTTP from this actor system. The settings are, highest first: <paramref name="configure"/>'s host, port
    /// and root, <paramref name="hocon"/>, the actor system's own configuration, then the reference defaults. The
    /// server binds once the actor system and every actor of <c>WithActors</c> have started (so route handlers can be
    /// taken from the <see cref="ActorRegistry"/>), and drains through CoordinatedShutdown when the host stops.
    /// </summary>
    /// <remarks>
    /// A cluster node: set <c>actorhttp.cluster.enabled = on</c> (and the other <c>actorhttp.cluster</c> keys) in
    /// <paramref name="hocon"/>, and name the actor system <c>actorhttp</c> (<c>services.AddAkka("actorhttp", ...)</c>),
    /// the name seed-node addresses carry; the node joins its seed nodes as the console host's does.
    /// </remarks>
    /// <exception cref="SettingsException">A setting is out of range, the message naming the key: thrown where
    /// Akka.Hosting runs this builder, which fails the host's start.</exception>
    public static AkkaConfigurationBuilder WithActorHttp(this AkkaConfigurationBuilder builder,
        Action<ActorHttpOptions>? configure = null, Config? hocon = null)
    {
        var options = new ActorHttpOptions();
        configure?.Invoke(options);
        var overrides = ConfigLoader.Overrides(options.Host, options.Port, options.Root);
        var given = hocon is null ? overrides : overrides.WithFallback(hocon);

        // The drain phase of CoordinatedShutdown is sized before the actor system exists, from what is known now;
        // appended, so phase timeouts the application sets itself win. Reading the settings here also refuses a bad
        // value in code before the actor system starts.
        var early = ServerSettings.Create(given);
        if (hocon is not null) builder.AddHocon(hocon, HoconAddMode.Prepend);
        builder.AddHocon(ConfigLoader.ShutdownPhases(early), HoconAddMode.Append);
        // With actorhttp.cluster.enabled in the given settings, the actor system becomes the node the console host
        // would start (the cluster provider, remoting, sharding's state in Distributed Data, the journal, the
        // serializer); appended, so what the application configures itself wins.
        if (early.Cluster.Enabled) builder.AddHocon(ClusterConfig.For(early.Cluster, Config.Empty), HoconAddMode.Append);

        builder.AddStartup(async (system, registry) =>
        {
            var server = ActorHttpServer.For(system);
            try
            {
                var settings = ServerSettings.Create(overrides.IsEmpty ? system.Settings.Config : overrides.WithFallback(system.Settings.Config));
                var binding = await HttpServer.StartAsync(system, settings, options.BuildRoutes(registry));
                binding.AddToCoordinatedShutdown(CoordinatedShutdown.Get(system));
                registry.Register<ActorHttpServer>(binding.Listener);
                server.Started(binding);
            }
            catch (Exception e)
            {
                server.Failed(e);
                throw;
            }
        });
        return builder;
    }
}
