using Akka.Actor;
using Akka.Configuration;
using ActorHttp.Hosting;
using ActorHttp.Configuration;
using ActorHttp.Tests.Observability;

namespace ActorHttp.Tests.Hosting;

/// <summary>
/// Every profile in hocon/ as the host loads it: over the embedded reference, validated by
/// <see cref="ServerSettings.Create"/>. New profile files are picked up without touching this spec.
/// </summary>
public sealed class ProfilesSpec
{
    /// <summary>
    /// Profiles whose actor system is already started by a subclass of Observability's ProfileSpec
    /// (DefaultProfileSpec, ThroughputProfileSpec, LowFootprintProfileSpec); the rest are started here.
    /// </summary>
    private static readonly HashSet<string> StartedByObservabilitySpecs = new() { "actorhttp.conf", "throughput.conf", "low-footprint.conf" };

    /// <summary>The file names of hocon/*.conf.</summary>
    private static IReadOnlyList<string> ProfileFiles() =>
        Directory.GetFiles(RepoFiles.PathOf("hocon"), "*.conf").Select(f => Path.GetFileName(f)).Order().ToList();

    public static TheoryData<string> Profiles() => new(ProfileFiles());

    public static TheoryData<string> ProfilesNotStartedElsewhere() =>
        new(ProfileFiles().Where(f => !StartedByObservabilitySpecs.Contains(f)));

    /// <summary>The profile layered over the reference, as <see cref="ConfigLoader"/> does for <c>--config</c>.</summary>
    private static Config Load(string file) =>
        ConfigLoader.Load(new HostOptions(RepoFiles.PathOf("hocon/" + file), Array.Empty<string>(), null, null, null), out _);

    [Fact]
    public void The_hocon_folder_holds_the_four_known_profiles() =>
        Assert.Superset(new HashSet<string> { "actorhttp.conf", "dedicated.conf", "throughput.conf", "low-footprint.conf" },
            ProfileFiles().ToHashSet());

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Every_profile_is_built_in_by_its_name_with_the_text_of_its_file(string file) =>
        Assert.Equal(RepoFiles.Read("hocon/" + file), BuiltInProfiles.Read(Path.GetFileNameWithoutExtension(file)));

    [Fact]
    public void The_built_in_profiles_are_exactly_the_files_of_the_hocon_folder() =>
        Assert.Equal(ProfileFiles().Select(Path.GetFileNameWithoutExtension), BuiltInProfiles.Names);

    [Theory]
    [MemberData(nameof(Profiles))]
    public void A_profile_loads_over_the_reference_and_validates(string file)
    {
        var settings = ServerSettings.Create(Load(file));

        Assert.InRange(settings.Port, 0, 65535);
        Assert.True(settings.MaxConnections >= 1);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void A_profile_names_a_connection_dispatcher_that_is_configured(string file)
    {
        var config = Load(file);
        var dispatcher = ServerSettings.Create(config).ConnectionDispatcher;

        Assert.True(dispatcher == "akka.actor.default-dispatcher" || config.GetConfig(dispatcher).HasPath("type"),
            $"{file}: {dispatcher} is not a dispatcher definition");
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void A_profile_sets_no_key_the_server_does_not_know(string file) =>
        Assert.Empty(ServerSettings.UnknownKeys(Load(file)));

    private sealed class ReportDispatcher : ReceiveActor
    {
        public ReportDispatcher() => ReceiveAny(_ => Sender.Tell(Context.Dispatcher.Id));
    }

    [Theory]
    [MemberData(nameof(ProfilesNotStartedElsewhere))]
    public async Task An_actor_system_started_with_a_profile_runs_actors_on_its_connection_dispatcher(string file)
    {
        var config = Load(file);
        var dispatcher = ServerSettings.Create(config).ConnectionDispatcher;
        // Only the logging differs from the host: tests keep stderr quiet.
        var system = ActorSystem.Create("profile", ConfigurationFactory.ParseString("""
            akka.loggers = ["Akka.Event.DefaultLogger"]
            akka.loglevel = WARNING
            """).WithFallback(config));
        try
        {
            Assert.True(system.Dispatchers.HasDispatcher(dispatcher), dispatcher);
            var actor = system.ActorOf(Props.Create(() => new ReportDispatcher()).WithDispatcher(dispatcher));

            var ran = await actor.Ask<string>("which dispatcher?", TimeSpan.FromSeconds(5));

            Assert.Equal(dispatcher, ran);
        }
        finally
        {
            await system.Terminate();
        }
    }
}
