using Akka.Actor;

namespace ActorHttp.Configuration;

/// <summary>
/// The <c>actorhttp.cluster</c> keys: whether this server is a node of an Akka.Cluster, where its remoting listens,
/// whom it joins, its roles, and the journal its persistent entities (the built-in counter) write to.
/// </summary>
/// <param name="Enabled">The actor system uses the cluster provider; sharded routes need it.</param>
/// <param name="Hostname">The address other nodes reach this one at (remoting binds it).</param>
/// <param name="Port">The remoting port; 0 takes a free one (tests).</param>
/// <param name="SeedNodes">Addresses <c>akka.tcp://actorhttp@host:port</c> the node joins through.</param>
/// <param name="Roles">This node's roles: a sharded route whose role the node lacks gets a proxy, not entities.</param>
/// <param name="Journal">The Akka.Persistence journal of persistent entities.</param>
public sealed record ClusterSettings(
    bool Enabled,
    string Hostname,
    int Port,
    IReadOnlyList<string> SeedNodes,
    IReadOnlyList<string> Roles,
    JournalSettings Journal)
{
    /// <summary>Shards each entity type is split into (<c>actorhttp.cluster.number-of-shards</c>): the same on every node.</summary>
    public int NumberOfShards { get; init; } = 100;

    /// <summary>
    /// How long a sharded route waits for its entity's reply before it sends the same request again
    /// (<c>actorhttp.cluster.retry-interval</c>), until the handler timeout: sharding drops a message to a shard being
    /// handed off or to a node that died, and only the sender can make up for it.
    /// </summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The shortest retry interval: each re-send is a message to the region, and a slow entity gets them all.</summary>
    public static readonly TimeSpan MinRetryInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest retry interval (a longer one would hardly ever re-send within a handler timeout).</summary>
    public static readonly TimeSpan MaxRetryInterval = TimeSpan.FromHours(1);

    /// <summary>The most shards an entity type may have: each is an actor and an entry in the coordinator's state.</summary>
    public const int MaxNumberOfShards = 100_000;

    /// <summary>The actor system's name on every node: a seed node's address must name it, or the join never happens.</summary>
    public const string SystemName = "actorhttp";

    /// <summary>Not a cluster node (the reference's values otherwise).</summary>
    public static readonly ClusterSettings Off = new(false, "127.0.0.1", 4053, Array.Empty<string>(), Array.Empty<string>(),
        new JournalSettings(JournalSettings.Sqlite, "Data Source=actorhttp-journal.db"));

    /// <summary>Throws a <see cref="SettingsException"/> naming the first key out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Hostname) || Hostname.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            throw new SettingsException($"actorhttp.cluster.hostname: \"{Hostname}\" is not a host name or address");
        if (Port is < 0 or > 65535) throw new SettingsException($"actorhttp.cluster.port: {Port} is not a TCP port (0-65535)");
        for (var i = 0; i < SeedNodes.Count; i++)
            if (SeedNodeProblem(SeedNodes[i]) is { } problem)
                throw new SettingsException($"actorhttp.cluster.seed-nodes[{i}]: \"{SeedNodes[i]}\" {problem}");
        for (var i = 0; i < Roles.Count; i++)
            if (!IsRoleName(Roles[i]))
                throw new SettingsException($"actorhttp.cluster.roles[{i}]: \"{Roles[i]}\" is not a role name (letters, digits, '-', '_')");
        if (NumberOfShards is < 1 or > MaxNumberOfShards)
            throw new SettingsException($"actorhttp.cluster.number-of-shards: {NumberOfShards} must be between 1 and {MaxNumberOfShards}");
        if (RetryInterval < MinRetryInterval || RetryInterval > MaxRetryInterval)
            throw new SettingsException($"actorhttp.cluster.retry-interval: {RetryInterval} must be between 100 ms and 1 hour");
        Journal.Validate();
    }

    /// <summary>A role name: what HOCON and log lines carry without quoting.</summary>
    public static bool IsRoleName(string role) =>
        role.Length is > 0 and <= 64 && role.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Why an address cannot be a seed node of this cluster, or null when it can.</summary>
    public static string? SeedNodeProblem(string address)
    {
        if (!Address.TryParse(address, out var parsed) || parsed.Host is null || parsed.Port is null)
            return $"is not an address such as \"akka.tcp://{SystemName}@127.0.0.1:4053\"";
        if (parsed.Protocol != "akka.tcp") return "must use akka.tcp, the transport every node listens on";
        if (parsed.System != SystemName) return $"names the actor system \"{parsed.System}\"; every node's is \"{SystemName}\"";
        return parsed.Port is < 1 or > 65535 ? "has a port outside 1-65535" : null;
    }
}

/// <summary>
/// <c>actorhttp.cluster.journal</c>: the database Akka.Persistence.Sql writes persistent entities' events to.
/// SQLite (one file) serves one machine and loopback clusters; PostgreSQL is shared by several machines.
/// </summary>
public sealed record JournalSettings(string Provider, string ConnectionString)
{
    public const string Sqlite = "sqlite";
    public const string PostgreSql = "postgresql";

    /// <summary>The linq2db provider name Akka.Persistence.Sql's <c>provider-name</c> takes for <see cref="Provider"/>.</summary>
    public string ProviderName => Provider == PostgreSql ? "PostgreSQL.15" : "SQLite.MS";

    public void Validate()
    {
        if (Provider is not (Sqlite or PostgreSql))
            throw new SettingsException($"actorhttp.cluster.journal.provider: \"{Provider}\" is neither {Sqlite} nor {PostgreSql}");
        if (ConnectionStringProblem() is { } problem)
            throw new SettingsException($"actorhttp.cluster.journal.connection-string: {problem}");
    }

    /// <summary>
    /// Parsed by the provider's own builder, which refuses keywords it does not know: a SQLite string given to
    /// PostgreSQL (or the reverse) is one line at startup, not a journal that fails on the first write.
    /// </summary>
    private string? ConnectionStringProblem()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString)) return "must not be empty";
        try
        {
            if (Provider == PostgreSql)
            {
                var builder = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
                return string.IsNullOrEmpty(builder.Host) ? "names no Host for postgresql" : null;
            }
            var sqlite = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString);
            return string.IsNullOrEmpty(sqlite.DataSource) ? "names no Data Source for sqlite" : null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            return $"is not a {Provider} connection string ({e.Message.Split('\n')[0]})";
        }
    }
}
