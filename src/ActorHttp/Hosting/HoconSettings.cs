using System.Reflection;
using Akka.Configuration;
using ActorHttp.Configuration;
using ActorHttp.Files;
using ActorHttp.Http;
using ActorHttp.Observability;

namespace ActorHttp.Hosting;

/// <summary>
/// Reads <see cref="ServerSettings"/> from HOCON: the embedded reference.conf (where every default lives) with the
/// given layers over it, each key once through <see cref="SettingsReader"/>, then the ranges checked. The members
/// are C# 14 static extension members of <see cref="ServerSettings"/>, so wherever ActorHttp.Hosting is imported
/// the settings are read as <c>ServerSettings.Create(config)</c> and <c>ServerSettings.Default</c>, while the
/// settings type itself (ActorHttp.Configuration) knows nothing of HOCON.
/// </summary>
public static class HoconSettings
{
    private static readonly Lazy<Config> ReferenceConfig = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("ActorHttp.reference.conf")
            ?? throw new InvalidOperationException("The embedded reference.conf is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    extension(ServerSettings)
    {
        /// <summary>The embedded reference configuration: every key with its default and comment.</summary>
        public static Config Reference => ReferenceConfig.Value;

        /// <summary>The defaults alone.</summary>
        public static ServerSettings Default => ServerSettings.Create(ReferenceConfig.Value);

        /// <summary>
        /// Reads the settings from a configuration that already has the reference as its fallback (or adds it).
        /// Throws <see cref="SettingsException"/> naming the key for a malformed or out-of-range value.
        /// </summary>
        public static ServerSettings Create(Config config)
        {
            var reference = ReferenceConfig.Value;
            // Akka refuses a config as its own fallback: the reference alone (Default, or no layers given) is used as is.
            if (!ReferenceEquals(config, reference)) config = config.WithFallback(reference);
            var read = SettingsReader.Section(config, "actorhttp");
            var root = read.Read("root", value => Path.GetFullPath(value.GetString()));
            var settings = new ServerSettings
            {
                Host = read.String("host"),
                Port = read.Int("port"),
                Root = root,
                SleepDelay = read.Duration("sleep-delay"),
                ConnectionDispatcher = read.String("connection-dispatcher"),
                MaxConnections = read.Int("max-connections"),
                Backlog = read.Int("backlog"),
                MaxPipelinedRequests = read.Int("max-pipelined-requests"),
                NotFoundPage = read.String("not-found-page"),
                HelloPage = read.String("hello-page"),
                Limits = new HttpLimits(
                    read.IntSize("limits.max-request-line"),
                    read.IntSize("limits.max-header-bytes"),
                    read.Int("limits.max-header-count"),
                    read.Size("limits.max-body")),
                RequestHeaderTimeout = read.Duration("timeouts.request-header"),
                KeepAliveTimeout = read.Duration("timeouts.keep-alive"),
                HandlerTimeout = read.Duration("timeouts.handler"),
                ShutdownTimeout = read.Duration("shutdown-timeout"),
                ShutdownUnbindDelay = read.Duration("shutdown-unbind-delay"),
                Routes = ReadRoutes(read),
                Files = new StaticFileSettings(
                    root,
                    read.StringList("index-files"),
                    read.StringMap("content-types").ToDictionary(e => e.Key, e => e.Value, StringComparer.OrdinalIgnoreCase),
                    read.Size("files.small-file-limit"),
                    read.Size("files.cache-max-bytes"),
                    ReadCompression(read)),
                AccessLog = new AccessLogSettings(
                    AccessLogTarget(read.String("access-log")),
                    read.String("access-log-format").ToLowerInvariant(),
                    read.Int("access-log-queue-size"),
                    read.Int("access-log-batch-size"),
                    read.Duration("access-log-flush-interval")),
                Metrics = new MetricsSettings(read.String("metrics.path")),
                Telemetry = new TelemetrySettings(read.Boolean("telemetry.otlp")),
                MaxPipelinedBodyBytes = read.Size("limits.max-pipelined-body-bytes"),
                MinRequestBodyRate = ReadRate(read, "limits.min-request-body-rate"),
                MinResponseRate = ReadRate(read, "limits.min-response-rate"),
                EventStreams = new EventStreamSettings(read.Duration("sse.heartbeat-interval"), read.Int("sse.max-queued-events")),
                Tls = ReadTls(read),
                WebSockets = new WebSocketSettings(
                    read.Size("websocket.max-message"),
                    read.Duration("websocket.keep-alive-interval"),
                    read.Duration("websocket.keep-alive-timeout"),
                    read.StringList("websocket.allowed-origins"),
                    read.Int("websocket.max-outgoing-queue")),
                Cluster = ReadCluster(read),
            };
            settings.Validate();
            ValidateAkka(config, settings.ConnectionDispatcher);
            return settings;
        }

        /// <summary>
        /// True when <paramref name="id"/> names a dispatcher in <paramref name="config"/>: an object at that path (Akka
        /// fills the keys it leaves out from the default dispatcher's).
        /// </summary>
        public static bool DefinesDispatcher(Config config, string id)
        {
            try
            {
                return config.HasPath(id) && config.GetValue(id).IsObject();
            }
            catch (Exception)
            {
                return false; // not a HOCON path at all, e.g. "a..b"
            }
        }

        /// <summary>
        /// Keys under <c>actorhttp</c> in the given configuration that the reference does not define:
        /// most likely typos, reported at startup as warnings.
        /// </summary>
        public static IReadOnlyList<string> UnknownKeys(Config config)
        {
            var unknown = new List<string>();
            if (!config.HasPath("actorhttp")) return unknown;
            var known = ReferenceConfig.Value.GetConfig("actorhttp");
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

    /// <summary>
    /// The <c>akka</c> keys the server depends on, checked before the actor system starts so that a bad one is one
    /// line naming the key rather than a failure from inside Akka: the Akka.IO frame and buffer sizes, and the
    /// connection dispatcher.
    /// </summary>
    private static void ValidateAkka(Config config, string connectionDispatcher)
    {
        var withAkka = config.WithFallback(ConfigurationFactory.Default());
        var tcp = SettingsReader.Section(withAkka, "akka.io.tcp");
        var frame = tcp.Size("maximum-frame-size");
        // Every connection rents its receive buffer as one array of the frame size.
        if (frame < 1 || frame > Array.MaxLength)
            throw new SettingsException($"{tcp.NameOf("maximum-frame-size")}: {frame} must be between 1 and {Array.MaxLength} bytes");
        // Akka.IO 1.5.74 applies neither buffer size to a socket, but its TcpSettings refuses a buffer smaller than the
        // frame (from inside the actor system, as the first listener binds; its own default of 8k is below our frame):
        // that, and fitting its int, is all it requires, and all that is checked here.
        foreach (var buffer in new[] { "send-buffer-size", "receive-buffer-size" })
        {
            var size = tcp.Size(buffer);
            if (size < frame)
                throw new SettingsException($"{tcp.NameOf(buffer)}: must be at least akka.io.tcp.maximum-frame-size ({frame} bytes)");
            if (size > int.MaxValue) throw new SettingsException($"{tcp.NameOf(buffer)}: {size} is too large");
        }
        if (!ServerSettings.DefinesDispatcher(withAkka, connectionDispatcher))
            throw new SettingsException($"actorhttp.connection-dispatcher: no dispatcher \"{connectionDispatcher}\" is configured");
    }

    private static CompressionSettings ReadCompression(SettingsReader read)
    {
        var names = read.StringList("compression.encodings");
        var encodings = new List<ContentCoding>(names.Count);
        for (var i = 0; i < names.Count; i++)
        {
            // Only the codings this server makes; identity is always available and is not listed.
            encodings.Add(names[i].ToLowerInvariant() switch
            {
                "br" => ContentCoding.Brotli,
                "gzip" => ContentCoding.Gzip,
                _ => throw new SettingsException($"{read.NameOf("compression.encodings")}[{i}]: \"{names[i]}\" is neither br nor gzip"),
            });
        }
        return new CompressionSettings(
            read.Boolean("compression.enabled"),
            encodings,
            read.Size("compression.min-length"),
            read.StringList("compression.types"),
            read.Int("compression.br-quality"),
            read.Int("compression.gzip-level"),
            read.Boolean("compression.precompressed"),
            read.Int("compression.stream-br-quality"),
            read.Int("compression.stream-gzip-level"));
    }

    private static TlsSettings ReadTls(SettingsReader read)
    {
        var names = read.StringList("tls.protocols");
        var protocols = System.Security.Authentication.SslProtocols.None;
        for (var i = 0; i < names.Count; i++)
            protocols |= TlsSettings.ProtocolNamed(names[i])
                ?? throw new SettingsException($"{read.NameOf("tls.protocols")}[{i}]: \"{names[i]}\" is neither TLSv1.2 nor TLSv1.3");
        return new TlsSettings(
            // HOCON reads an unquoted off as a boolean's text, so every spelling of off turns HTTPS off.
            read.Read("tls.port", value => value.GetString().ToLowerInvariant() is "off" or "false" or "no" ? (int?)null : value.GetInt()),
            read.String("tls.certificate"),
            read.String("tls.key"),
            read.String("tls.pfx"),
            read.String("tls.pfx-password-env"),
            protocols,
            read.Duration("tls.handshake-timeout"),
            read.Boolean("tls.redirect-http"));
    }

    private static ClusterSettings ReadCluster(SettingsReader read) => new(
        read.Boolean("cluster.enabled"),
        read.String("cluster.hostname"),
        read.Int("cluster.port"),
        read.StringList("cluster.seed-nodes"),
        read.StringList("cluster.roles"),
        new JournalSettings(read.String("cluster.journal.provider").ToLowerInvariant(), read.String("cluster.journal.connection-string")))
    {
        NumberOfShards = read.Int("cluster.number-of-shards"),
        RetryInterval = read.Duration("cluster.retry-interval"),
    };

    private static MinDataRate ReadRate(SettingsReader read, string key) =>
        new(read.Read(key + ".bytes-per-second", value => value.GetDouble()), read.Duration(key + ".grace-period"));

    private static IReadOnlyList<RouteSpec> ReadRoutes(SettingsReader read)
    {
        var entries = read.List("routes");
        var routes = new List<RouteSpec>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = read.Element("routes", entries[i], i);
            var method = entry.Has("method") ? entry.String("method") : "*";
            if (entry.Has("websocket"))
            {
                if (entry.Has("handler") || entry.Has("sharded"))
                    throw new SettingsException($"{read.NameOf("routes")}[{i}]: has websocket and {(entry.Has("handler") ? "handler" : "sharded")}; a route has one");
                routes.Add(new RouteSpec(method, entry.String("path"), entry.String("websocket")) { WebSocket = true });
                continue;
            }
            var sharded = entry.Has("sharded") ? entry.String("sharded") : null;
            routes.Add(new RouteSpec(
                method,
                entry.String("path"),
                sharded is not null && !entry.Has("handler") ? "" : entry.String("handler"))
            {
                Sharded = sharded,
                EntityId = entry.Has("entity-id") ? entry.String("entity-id") : null,
                Role = entry.Has("role") ? entry.String("role") : null,
            });
        }
        return routes;
    }

    /// <summary>
    /// The target a configured <c>access-log</c> value means: HOCON reads an unquoted <c>off</c> as a boolean, so its
    /// other spellings (<c>false</c>, <c>no</c>) mean the same; <c>stdout</c> in any case; anything else is a path.
    /// </summary>
    private static string AccessLogTarget(string configured) =>
        configured.ToLowerInvariant() is "off" or "false" or "no" ? AccessLogSettings.Off
            : configured.Equals(AccessLogSettings.Stdout, StringComparison.OrdinalIgnoreCase) ? AccessLogSettings.Stdout
            : configured;
}
