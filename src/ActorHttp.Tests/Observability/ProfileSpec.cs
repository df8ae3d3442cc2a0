using Akka.Actor;
using Akka.Configuration;
using Akka.IO;
using ActorHttp.Configuration;
using ActorHttp.Hosting;

namespace ActorHttp.Tests.Observability;

/// <summary>
/// What every hocon/ profile must do: parse, comment every key, and start an actor system whose connection
/// dispatcher runs actors. Each profile's own numbers are checked by its subclass.
/// </summary>
public abstract class ProfileSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly string _file;

    protected ProfileSpec(string file) : base(Load(file)) => _file = file;

    /// <summary>The profile as the server layers it: over the embedded reference configuration.</summary>
    protected static Config Load(string file) =>
        ConfigurationFactory.ParseString(RepoFiles.Read("hocon/" + file)).WithFallback(ServerSettings.Reference);

    protected Config ActorHttp => Sys.Settings.Config.GetConfig("actorhttp");

    protected string ConnectionDispatcher => ActorHttp.GetString("connection-dispatcher");

    /// <summary>The profile's settings as the server reads them (which throws for an invalid one).</summary>
    protected ServerSettings Settings => ServerSettings.Create(Sys.Settings.Config);

    private sealed class ReportDispatcher : ReceiveActor
    {
        public ReportDispatcher() => ReceiveAny(_ => Sender.Tell(Context.Dispatcher.Id));
    }

    [Fact]
    public void Every_key_of_the_profile_has_a_comment_above_it() =>
        HoconComments.AssertEveryKeyHasACommentAbove(RepoFiles.Read("hocon/" + _file));

    [Fact]
    public void An_actor_on_the_profiles_connection_dispatcher_runs_on_that_dispatcher()
    {
        Assert.True(Sys.Dispatchers.HasDispatcher(ConnectionDispatcher), ConnectionDispatcher);
        var actor = Sys.ActorOf(Props.Create(() => new ReportDispatcher()).WithDispatcher(ConnectionDispatcher));

        actor.Tell("which dispatcher?");

        ExpectMsg(ConnectionDispatcher);
    }

    [Fact]
    public void The_profiles_access_log_settings_are_valid() =>
        Assert.NotNull(Settings.AccessLog);
}

public sealed class ThroughputProfileSpec() : ProfileSpec("throughput.conf")
{
    [Fact]
    public void Connection_actors_get_a_dedicated_high_throughput_dispatcher()
    {
        Assert.Equal("actorhttp.throughput-dispatcher", ConnectionDispatcher);
        Assert.Equal(100, Sys.Dispatchers.Lookup(ConnectionDispatcher).Throughput);
    }

    [Fact]
    public void TCP_moves_large_frames_and_accepts_in_large_batches()
    {
        var tcp = TcpSettings.Create(Sys);
        Assert.Equal(128 * 1024, tcp.MaxFrameSizeBytes);
        Assert.Equal(256 * 1024, tcp.SendBufferSize);
        Assert.Equal(256 * 1024, tcp.ReceiveBufferSize);
        Assert.Equal(256, tcp.BatchAcceptLimit);
    }

    [Fact]
    public void The_server_allows_many_connections_and_a_large_file_cache()
    {
        Assert.Equal(20000, ActorHttp.GetInt("max-connections"));
        Assert.Equal(256L * 1024 * 1024, ActorHttp.GetLong("files.cache-max-bytes"));
        Assert.True(Settings.AccessLog.IsOff);
    }
}

public sealed class DefaultProfileSpec() : ProfileSpec("actorhttp.conf")
{
    [Fact]
    public void TCP_moves_large_files_in_128_KiB_sends()
    {
        // 128 KiB frames put each connection's receive buffer on the large-object heap, which the pool
        // allocates uncleared: memory is spent only where reads write. 4 KiB frames cut file speed to a quarter.
        var tcp = TcpSettings.Create(Sys);
        Assert.Equal(128 * 1024, tcp.MaxFrameSizeBytes);
        Assert.True(tcp.MaxFrameSizeBytes >= 85_000, "the receive buffer must be large enough for the large-object heap");
        Assert.Equal(32, tcp.BatchAcceptLimit);
    }
}

public sealed class LowFootprintProfileSpec() : ProfileSpec("low-footprint.conf")
{
    [Fact]
    public void Connection_actors_share_a_fixed_two_thread_dispatcher()
    {
        Assert.Equal("actorhttp.small-dispatcher", ConnectionDispatcher);
        Assert.Equal(10, Sys.Dispatchers.Lookup(ConnectionDispatcher).Throughput);
        Assert.Equal(2, ActorHttp.GetInt("small-dispatcher.dedicated-thread-pool.thread-count"));
    }

    [Fact]
    public void TCP_frames_stay_small()
    {
        // The frame is each connection's receive buffer; Akka.IO applies no socket buffer size to a socket.
        var tcp = TcpSettings.Create(Sys);
        Assert.Equal(4 * 1024, tcp.MaxFrameSizeBytes);
        Assert.Equal(4, tcp.BatchAcceptLimit);
    }

    [Fact]
    public void The_server_allows_few_connections_a_small_cache_and_a_short_log_queue()
    {
        Assert.Equal(64, ActorHttp.GetInt("max-connections"));
        Assert.Equal(4L * 1024 * 1024, ActorHttp.GetLong("files.cache-max-bytes"));
        Assert.Equal(1024, Settings.AccessLog.QueueSize);
    }
}
