using System.Reflection;
using Akka.Configuration;
using ActorHttp.Http;

namespace ActorHttp.Hosting;

/// <summary>A setting that is missing, malformed or out of range; the message names the HOCON path.</summary>
public sealed class SettingsException(string message) : Exception(message);

/// <summary>One route declared in HOCON: <c>{ method = POST, path = "/echo", handler = echo }</c>.</summary>
public sealed record RouteSpec(string Method, string Path, string Handler);

/// <summary>
/// The <c>actorhttp</c> configuration section, read once into get-only values. Every key is documented in
/// the embedded reference.conf; <see cref="Reference"/> is that file.
/// </summary>
public sealed record ServerSettings
{
    public required string Host { get; init; }
    public required int Port { get; init; }
    /// <summary>The root folder as a full path.</summary>
    public required string Root { get; init; }
    public required TimeSpan SleepDelay { get; init; }
    public required string ConnectionDispatcher { get; init; }
    public required int MaxConnections { get; init; }
    public required int Backlog { get; init; }
    public required int MaxPipelinedRequests { get; init; }
    public required string NotFoundPage { get; init; }
    public required string HelloPage { get; init; }
    public required HttpLimits Limits { get; init; }
    public required TimeSpan RequestHeaderTimeout { get; init; }
    public required TimeSpan KeepAliveTimeout { get; init; }
    public required TimeSpan HandlerTimeout { get; init; }
    public required TimeSpan ShutdownTimeout { get; init; }
    public required IReadOnlyList<RouteSpec> Routes { get; init; }
    /// <summary>Request-body bytes the requests in flight on one connection may hold before reading pauses.</summary>
    public required long MaxPipelinedBodyBytes { get; init; }
    public required MinDataRate MinRequestBodyRate { get; init; }
    public required MinDataRate MinResponseRate { get; init; }

    /// <summary>The whole configuration these settings came from, for the sections other parts read.</summary>
    public required Config Config { get; init; }

    private static readonly Lazy<Config> ReferenceConfig = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("ActorHttp.reference.conf")
            ?? throw new InvalidOperationException("The embedded reference.conf is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    /// <summary>The embedded reference configuration: every key with its default and comment.</summary>
    public static Config Reference => ReferenceConfig.Value;

    /// <summary>The defaults alone.</summary>
    public static ServerSettings Default => Create(Reference);

    /// <summary>
    /// Reads the settings from a configuration that already has the reference as its fallback (or adds it).
    /// Throws <see cref="SettingsException"/> naming the key for a malformed or out-of-range value.
    /// </summary>
    public static ServerSettings Create(Config config)
    {
        // Akka refuses a config as its own fallback: the reference alone (Default, or no layers given) is used as is.
        if (!ReferenceEquals(config, Reference)) config = config.WithFallback(Reference);
        var section = config.GetConfig("actorhttp");
        var settings = new ServerSettings
        {
            Host = Read(section, "host", (c, k) => c.GetString(k)),
            Port = Read(section, "port", (c, k) => c.GetInt(k)),
            Root = Path.GetFullPath(Read(section, "root", (c, k) => c.GetString(k))),
            SleepDelay = ReadDuration(section, "sleep-delay"),
            ConnectionDispatcher = Read(section, "connection-dispatcher", (c, k) => c.GetString(k)),
            MaxConnections = Read(section, "max-connections", (c, k) => c.GetInt(k)),
            Backlog = Read(section, "backlog", (c, k) => c.GetInt(k)),
            MaxPipelinedRequests = Read(section, "max-pipelined-requests", (c, k) => c.GetInt(k)),
            NotFoundPage = Read(section, "not-found-page", (c, k) => c.GetString(k)),
            HelloPage = Read(section, "hello-page", (c, k) => c.GetString(k)),
            Limits = new HttpLimits(
                ReadSize(section, "limits.max-request-line"),
                ReadSize(section, "limits.max-header-bytes"),
                Read(section, "limits.max-header-count", (c, k) => c.GetInt(k)),
                ReadLongSize(section, "limits.max-body")),
            RequestHeaderTimeout = ReadDuration(section, "timeouts.request-header"),
            KeepAliveTimeout = ReadDuration(section, "timeouts.keep-alive"),
            HandlerTimeout = ReadDuration(section, "timeouts.handler"),
            ShutdownTimeout = ReadDuration(section, "shutdown-timeout"),
            Routes = ReadRoutes(section),
            MaxPipelinedBodyBytes = ReadLongSize(section, "limits.max-pipelined-body-bytes"),
            MinRequestBodyRate = ReadRate(section, "limits.min-request-body-rate"),
            MinResponseRate = ReadRate(section, "limits.min-response-rate"),
            Config = config,
        };
        settings.Validate();
        return settings;
    }

    private void Validate()
    {
        if (Port is < 0 or > 65535) throw new SettingsException($"actorhttp.port: {Port} is not a TCP port (0-65535)");
        if (string.IsNullOrWhiteSpace(Host)) throw new SettingsException("actorhttp.host: must not be empty");
        if (MaxConnections < 1) throw new SettingsException($"actorhttp.max-connections: {MaxConnections} must be at least 1");
        if (Backlog < 1) throw new SettingsException($"actorhttp.backlog: {Backlog} must be at least 1");
        if (MaxPipelinedRequests < 1) throw new SettingsException($"actorhttp.max-pipelined-requests: {MaxPipelinedRequests} must be at least 1");
        if (Limits.MaxRequestLineBytes < 16) throw new SettingsException("actorhttp.limits.max-request-line: must be at least 16 bytes");
        if (Limits.MaxHeaderBytes < 16) throw new SettingsException("actorhttp.limits.max-header-bytes: must be at least 16 bytes");
        if (Limits.MaxHeaderCount < 1) throw new SettingsException("actorhttp.limits.max-header-count: must be at least 1");
        if (Limits.MaxBodyBytes < 0) throw new SettingsException("actorhttp.limits.max-body: must not be negative");
        if (Limits.MaxBodyBytes > Array.MaxLength) throw new SettingsException($"actorhttp.limits.max-body: must be at most {Array.MaxLength} bytes (a buffered body is one array)");
        // Akka.IO's settings ask for socket buffer sizes of at least twice the frame size (its own check throws,
        // from inside the actor system, only below the frame size); hold to the stated rule and name the key.
        var withAkka = Config.WithFallback(ConfigurationFactory.Default());
        var frame = withAkka.GetByteSize("akka.io.tcp.maximum-frame-size") ?? 0;
        foreach (var buffer in new[] { "akka.io.tcp.send-buffer-size", "akka.io.tcp.receive-buffer-size" })
            if ((withAkka.GetByteSize(buffer) ?? 0) < 2 * frame)
                throw new SettingsException($"{buffer}: must be at least twice akka.io.tcp.maximum-frame-size ({frame} bytes)");
        if (!Config.HasPath(ConnectionDispatcher) && ConnectionDispatcher != "akka.actor.default-dispatcher")
            throw new SettingsException($"actorhttp.connection-dispatcher: no dispatcher \"{ConnectionDispatcher}\" is configured");
    }

    private static T Read<T>(Config section, string key, Func<Config, string, T> read)
    {
        if (!section.HasPath(key)) throw new SettingsException($"actorhttp.{key}: missing");
        try
        {
            return read(section, key);
        }
        catch (Exception e) when (e is not SettingsException)
        {
            throw new SettingsException($"actorhttp.{key}: invalid value \"{RawValue(section, key)}\"");
        }
    }

    private static string RawValue(Config section, string key)
    {
        try { return section.GetValue(key)?.ToString() ?? ""; } catch { return "?"; }
    }

    private static TimeSpan ReadDuration(Config section, string key)
    {
        var value = Read(section, key, (c, k) => c.GetTimeSpan(k, null, allowInfinite: false));
        if (value < TimeSpan.Zero) throw new SettingsException($"actorhttp.{key}: {RawValue(section, key)} must not be negative");
        return value;
    }

    private static MinDataRate ReadRate(Config section, string key)
    {
        var rate = Read(section, key + ".bytes-per-second", (c, k) => c.GetDouble(k));
        if (!double.IsFinite(rate) || rate < 0)
            throw new SettingsException($"actorhttp.{key}.bytes-per-second: {RawValue(section, key + ".bytes-per-second")} must be 0 (off) or a positive number");
        return new MinDataRate(rate, ReadDuration(section, key + ".grace-period"));
    }

    private static long ReadLongSize(Config section, string key)
    {
        var value = Read(section, key, (c, k) => c.GetByteSize(k) ?? throw new FormatException());
        if (value < 0) throw new SettingsException($"actorhttp.{key}: must not be negative");
        return value;
    }

    private static int ReadSize(Config section, string key)
    {
        var value = ReadLongSize(section, key);
        if (value > int.MaxValue) throw new SettingsException($"actorhttp.{key}: {value} is too large");
        return (int)value;
    }

    private static IReadOnlyList<RouteSpec> ReadRoutes(Config section)
    {
        if (!section.HasPath("routes")) return Array.Empty<RouteSpec>();
        IList<Config> entries;
        try
        {
            entries = section.GetValue("routes").GetArray().Select(v => new Config(new Akka.Configuration.Hocon.HoconRoot(v))).ToList();
        }
        catch (Exception)
        {
            throw new SettingsException("actorhttp.routes: must be a list of { method, path, handler } objects");
        }
        var routes = new List<RouteSpec>();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var method = entry.GetString("method", "*");
            var path = entry.GetString("path", null);
            var handler = entry.GetString("handler", null);
            if (string.IsNullOrEmpty(path) || !path.StartsWith('/'))
                throw new SettingsException($"actorhttp.routes[{i}].path: must start with '/'");
            if (string.IsNullOrEmpty(handler))
                throw new SettingsException($"actorhttp.routes[{i}].handler: missing");
            routes.Add(new RouteSpec(method, path, handler));
        }
        return routes;
    }

    /// <summary>
    /// Keys under <c>actorhttp</c> in the given configuration that the reference does not define:
    /// most likely typos, reported at startup as warnings.
    /// </summary>
    public static IReadOnlyList<string> UnknownKeys(Config config)
    {
        var unknown = new List<string>();
        if (!config.HasPath("actorhttp")) return unknown;
        var known = Reference.GetConfig("actorhttp");
        Walk(config.GetConfig("actorhttp").Root.GetObject(), "");
        return unknown;

        void Walk(Akka.Configuration.Hocon.HoconObject obj, string prefix)
        {
            foreach (var (key, value) in obj.Items)
            {
                var path = prefix.Length == 0 ? key : prefix + "." + key;
                // Maps whose keys are the user's own (content types) or dispatcher definitions are open.
                if (path is "content-types" || path.EndsWith("dispatcher", StringComparison.Ordinal) && value.IsObject()) continue;
                if (!known.HasPath(path)) { unknown.Add("actorhttp." + path); continue; }
                if (value.IsObject()) Walk(value.GetObject(), path);
            }
        }
    }
}
