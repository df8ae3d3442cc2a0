using Akka.Configuration;
using ActorHttp.Configuration;
using ActorHttp.Hosting;

namespace ActorHttp.Tests.Hosting;

/// <summary>
/// <c>actorhttp.cluster</c> and sharded routes: the documented defaults, each bad value refused naming its key, and the
/// actor system configuration a node gets from them (<see cref="ClusterConfig"/>).
/// </summary>
public sealed class ClusterSettingsSpec
{
    private static ServerSettings Create(string hocon) => ServerSettings.Create(ConfigurationFactory.ParseString(hocon));

    private const string Counter = """actorhttp.routes = [ { method = "*", path = "/counter/{id}", sharded = counter } ]""";

    [Fact]
    public void The_reference_defaults_are_a_server_that_is_not_a_cluster_node()
    {
        var cluster = ServerSettings.Default.Cluster;

        Assert.False(cluster.Enabled);
        Assert.Equal(("127.0.0.1", 4053, 100), (cluster.Hostname, cluster.Port, cluster.NumberOfShards));
        Assert.Empty(cluster.SeedNodes);
        Assert.Empty(cluster.Roles);
        Assert.Equal(TimeSpan.FromSeconds(2), cluster.RetryInterval);
        Assert.Equal(new JournalSettings("sqlite", "Data Source=actorhttp-journal.db"), cluster.Journal);
        Assert.Equal("SQLite.MS", cluster.Journal.ProviderName);
    }

    [Fact]
    public void A_sharded_route_is_read_with_its_entity_its_entity_id_and_its_role()
    {
        var settings = Create("""
            actorhttp.cluster.enabled = on
            actorhttp.routes = [ { method = "*", path = "/shop/{shop}/cart/{cart}", sharded = counter, entity-id = cart, role = carts } ]
            """);

        var route = Assert.Single(settings.Routes);
        Assert.Equal(("counter", "cart", "carts", ""), (route.Sharded, route.EntityId, route.Role, route.Handler));
    }

    [Theory]
    [InlineData("actorhttp.cluster.port = 70000", "actorhttp.cluster.port: 70000 is not a TCP port")]
    [InlineData("actorhttp.cluster.hostname = \"a b\"", "actorhttp.cluster.hostname:")]
    [InlineData("actorhttp.cluster.seed-nodes = [\"127.0.0.1:4053\"]", "actorhttp.cluster.seed-nodes[0]: \"127.0.0.1:4053\" is not an address")]
    [InlineData("actorhttp.cluster.seed-nodes = [\"akka.tcp://other@127.0.0.1:4053\"]", "actorhttp.cluster.seed-nodes[0]: \"akka.tcp://other@127.0.0.1:4053\" names the actor system \"other\"")]
    [InlineData("actorhttp.cluster.seed-nodes = [\"akka.udp://actorhttp@127.0.0.1:4053\"]", "actorhttp.cluster.seed-nodes[0]: \"akka.udp://actorhttp@127.0.0.1:4053\" must use akka.tcp")]
    [InlineData("actorhttp.cluster.seed-nodes = \"akka.tcp://actorhttp@127.0.0.1:4053\"", "actorhttp.cluster.seed-nodes: must be a list")]
    [InlineData("actorhttp.cluster.roles = [\"a b\"]", "actorhttp.cluster.roles[0]: \"a b\" is not a role name")]
    [InlineData("actorhttp.cluster.number-of-shards = 0", "actorhttp.cluster.number-of-shards: 0 must be between 1 and")]
    [InlineData("actorhttp.cluster.retry-interval = 10ms", "actorhttp.cluster.retry-interval: 00:00:00.0100000 must be between 100 ms and 1 hour")]
    [InlineData("actorhttp.cluster.retry-interval = 2h", "actorhttp.cluster.retry-interval: 02:00:00 must be between 100 ms and 1 hour")]
    [InlineData("actorhttp.cluster.enabled = maybe", "actorhttp.cluster.enabled: invalid value")]
    [InlineData("actorhttp.cluster.journal.provider = mysql", "actorhttp.cluster.journal.provider: \"mysql\" is neither sqlite nor postgresql")]
    [InlineData("actorhttp.cluster.journal.connection-string = \"\"", "actorhttp.cluster.journal.connection-string: must not be empty")]
    [InlineData("actorhttp.cluster.journal.connection-string = \"Flavour=mint\"", "actorhttp.cluster.journal.connection-string: is not a sqlite connection string")]
    [InlineData("actorhttp.cluster.journal.provider = postgresql", "actorhttp.cluster.journal.connection-string: is not a postgresql connection string")]
    [InlineData("actorhttp.cluster.journal { provider = postgresql, connection-string = \"Database=x\" }", "actorhttp.cluster.journal.connection-string: names no Host for postgresql")]
    public void A_bad_cluster_value_is_refused_naming_its_key(string hocon, string message) =>
        Assert.StartsWith(message, Assert.Throws<SettingsException>(() => Create(hocon)).Message);

    [Theory]
    [InlineData(Counter, "actorhttp.routes[0].sharded: a sharded route needs actorhttp.cluster.enabled = on")]
    [InlineData("actorhttp.cluster.enabled = on\nactorhttp.routes = [ { path = \"/counter/{id}\", sharded = counter, handler = echo } ]",
        "actorhttp.routes[0].sharded: a route has a handler or a sharded entity, not both")]
    [InlineData("actorhttp.cluster.enabled = on\nactorhttp.routes = [ { path = \"/counter\", sharded = counter } ]",
        "actorhttp.routes[0].path: \"/counter\" captures no value such as {id}")]
    [InlineData("actorhttp.cluster.enabled = on\nactorhttp.routes = [ { path = \"/a/{x}/{y}\", sharded = counter } ]",
        "actorhttp.routes[0].path: \"/a/{x}/{y}\" captures several values: entity-id must name one")]
    [InlineData("actorhttp.cluster.enabled = on\nactorhttp.routes = [ { path = \"/a/{x}\", sharded = counter, entity-id = y } ]",
        "actorhttp.routes[0].entity-id: \"/a/{x}\" captures no value {y}")]
    [InlineData("actorhttp.cluster.enabled = on\nactorhttp.routes = [ { path = \"/a/{x}\", sharded = \"No.Such.Entity\" } ]",
        "actorhttp.routes[0].sharded: \"No.Such.Entity\" is neither counter nor a type name")]
    [InlineData("actorhttp.cluster.enabled = on\nactorhttp.routes = [ { path = \"/a/{x}\", sharded = counter, role = \"a b\" } ]",
        "actorhttp.routes[0].role: \"a b\" is not a role name")]
    [InlineData("actorhttp.routes = [ { path = \"/a\" } ]", "actorhttp.routes[0].handler: missing")]
    public void A_bad_sharded_route_is_refused_naming_its_key(string hocon, string message) =>
        Assert.StartsWith(message, Assert.Throws<SettingsException>(() => Create(hocon)).Message);

    [Fact]
    public void A_node_s_actor_system_uses_the_cluster_provider_on_its_address_with_its_seeds_roles_and_journal()
    {
        var given = ConfigurationFactory.ParseString("""
            actorhttp.cluster {
              enabled = on, hostname = "10.0.0.5", port = 4054, roles = [web]
              seed-nodes = ["akka.tcp://actorhttp@10.0.0.4:4053"]
              journal { provider = postgresql, connection-string = "Host=db;Database=actorhttp" }
            }
            akka.cluster.sharding.passivate-idle-entity-after = 7m
            """).WithFallback(ServerSettings.Reference);

        var config = ClusterConfig.For(ServerSettings.Create(given).Cluster, given);

        Assert.Equal("cluster", config.GetString("akka.actor.provider"));
        Assert.Equal(("10.0.0.5", 4054), (config.GetString("akka.remote.dot-netty.tcp.hostname"), config.GetInt("akka.remote.dot-netty.tcp.port")));
        Assert.Equal(new[] { "akka.tcp://actorhttp@10.0.0.4:4053" }, config.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal(new[] { "web" }, config.GetStringList("akka.cluster.roles"));
        Assert.Equal("akka.persistence.journal.sql", config.GetString("akka.persistence.journal.plugin"));
        Assert.Equal(("Host=db;Database=actorhttp", "PostgreSQL.15"),
            (config.GetString("akka.persistence.journal.sql.connection-string"), config.GetString("akka.persistence.journal.sql.provider-name")));
        Assert.Equal("PostgreSQL.15", config.GetString("akka.persistence.snapshot-store.sql.provider-name"));
        // Akka.Persistence.Sql's own reference is a fallback: without its plugin class the journal cannot start.
        Assert.StartsWith("Akka.Persistence.Sql.Journal.SqlWriteJournal", config.GetString("akka.persistence.journal.sql.class"));
        Assert.Equal("ddata", config.GetString("akka.cluster.sharding.state-store-mode"));
        // The profile still tunes Akka.
        Assert.Equal(TimeSpan.FromMinutes(7), config.GetTimeSpan("akka.cluster.sharding.passivate-idle-entity-after"));
    }

    [Fact]
    public void A_server_that_is_not_a_node_keeps_its_configuration_as_given()
    {
        var given = ServerSettings.Reference;

        Assert.Same(given, ClusterConfig.For(ServerSettings.Default.Cluster, given));
    }

    [Fact]
    public void The_longest_message_is_the_remoting_frame_less_room_for_its_envelope()
    {
        Assert.Equal(128_000 - ClusterConfig.EnvelopeReserve,
            ClusterConfig.MaxMessageBytes(ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.maximum-frame-size = 128000b")));
        Assert.StartsWith("akka.remote.dot-netty.tcp.maximum-frame-size: 100 must be between",
            Assert.Throws<SettingsException>(() => ClusterConfig.MaxMessageBytes(ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.maximum-frame-size = 100b"))).Message);
    }
}
