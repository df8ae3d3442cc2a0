using System.Reflection;
using Akka.Configuration;
using ActorHttp.Files;
using ActorHttp.Http;
using ActorHttp.Observability;
using ActorHttp.Routing;

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
    /// <summary>Static files: index files, content types, the small-file cache (and the root, as <see cref="Root"/>).</summary>
    public required StaticFileSettings Files { get; init; }
    public required AccessLogSettings AccessLog { get; init; }
    public required MetricsSettings Metrics { get; init; }
    /// <summary>Request-body bytes the requests in flight on one connection may hold before no new request is read.</summary>
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
            Routes = ReadRoutes(read),
            Files = new StaticFileSettings(
                root,
                read.StringList("index-files"),
                read.StringMap("content-types").ToDictionary(e => e.Key, e => e.Value, StringComparer.OrdinalIgnoreCase),
                read.Size("files.small-file-limit"),
                read.Size("files.cache-max-bytes")),
            AccessLog = new AccessLogSettings(
                AccessLogSettings.TargetFrom(read.String("access-log")),
                read.String("access-log-format").ToLowerInvariant(),
                read.Int("access-log-queue-size"),
                read.Int("access-log-batch-size"),
                read.Duration("access-log-flush-interval")),
            Metrics = new MetricsSettings(read.String("metrics.path")),
            MaxPipelinedBodyBytes = read.Size("limits.max-pipelined-body-bytes"),
            MinRequestBodyRate = ReadRate(read, "limits.min-request-body-rate"),
            MinResponseRate = ReadRate(read, "limits.min-response-rate"),
            Config = config,
        };
        settings.Validate();
        return settings;
    }

    /// <summary>
    /// Checks every value against its range and throws <see cref="SettingsException"/> naming the key of the first
    /// that is out of it. <see cref="Create"/> calls it, and <see cref="HttpServer.StartAsync"/> again, for settings
    /// changed in code. Looks at no file or folder: <see cref="ValidatePaths"/> does.
    /// </summary>
    public void Validate()
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
        var tcp = SettingsReader.Section(withAkka, "akka.io.tcp");
        var frame = tcp.Size("maximum-frame-size");
        // Akka.IO holds sizes as int; a buffer of twice the frame must fit too.
        if (frame is < 1 or > int.MaxValue / 2)
            throw new SettingsException($"{tcp.NameOf("maximum-frame-size")}: {frame} must be between 1 and {int.MaxValue / 2} bytes");
        foreach (var buffer in new[] { "send-buffer-size", "receive-buffer-size" })
        {
            var size = tcp.Size(buffer);
            if (size < 2 * frame)
                throw new SettingsException($"{tcp.NameOf(buffer)}: must be at least twice akka.io.tcp.maximum-frame-size ({frame} bytes)");
            if (size > int.MaxValue) throw new SettingsException($"{tcp.NameOf(buffer)}: {size} is too large");
        }
        if (!DefinesDispatcher(withAkka, ConnectionDispatcher))
            throw new SettingsException($"actorhttp.connection-dispatcher: no dispatcher \"{ConnectionDispatcher}\" is configured");
        ValidateDurations();
        ValidateClientLimits();
        ValidatePages();
        ValidateFiles();
        ValidateRoutes();
        ValidateObservability();
    }

    /// <summary>
    /// The longest any duration setting may be. Akka's shutdown hook waits for the sum of its phases with
    /// <c>Task.Wait</c>, which refuses more than int.MaxValue milliseconds (24.8 days), and a timer set far enough
    /// ahead overflows a TimeSpan as it is scheduled; a day is far beyond any real timeout.
    /// </summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);

    private void ValidateDurations()
    {
        CheckDuration("sleep-delay", SleepDelay, mayBeZero: true);
        // A zero timeout would fire before any client could send a byte.
        CheckDuration("timeouts.request-header", RequestHeaderTimeout, mayBeZero: false);
        CheckDuration("timeouts.keep-alive", KeepAliveTimeout, mayBeZero: false);
        CheckDuration("timeouts.handler", HandlerTimeout, mayBeZero: false);
        CheckDuration("shutdown-timeout", ShutdownTimeout, mayBeZero: true);
        CheckDuration("access-log-flush-interval", AccessLog.FlushInterval, mayBeZero: false);
    }

    private static MinDataRate ReadRate(SettingsReader read, string key) =>
        new(read.Read(key + ".bytes-per-second", value => value.GetDouble()), read.Duration(key + ".grace-period"));

    private void ValidateClientLimits()
    {
        if (MaxPipelinedBodyBytes < 0) throw new SettingsException("actorhttp.limits.max-pipelined-body-bytes: must not be negative");
        foreach (var (key, rate) in new[] { ("limits.min-request-body-rate", MinRequestBodyRate), ("limits.min-response-rate", MinResponseRate) })
        {
            if (!double.IsFinite(rate.BytesPerSecond) || rate.BytesPerSecond < 0)
                throw new SettingsException($"actorhttp.{key}.bytes-per-second: {rate.BytesPerSecond} must be 0 (off) or a positive number");
            CheckDuration(key + ".grace-period", rate.GracePeriod, mayBeZero: true);
        }
    }

    private static void CheckDuration(string key, TimeSpan value, bool mayBeZero)
    {
        var problem = value < TimeSpan.Zero ? "must not be negative"
            : value == TimeSpan.Zero && !mayBeZero ? "must be more than 0"
            : value > MaxDuration ? "must be at most 1d"
            : null;
        if (problem is not null) throw new SettingsException($"actorhttp.{key}: {value.TotalMilliseconds}ms {problem}");
    }

    private void ValidatePages()
    {
        // The server names these files itself, so they must stay below the root as a request path must.
        foreach (var (key, page) in new[] { ("not-found-page", NotFoundPage), ("hello-page", HelloPage) })
            if (!StaticFileSettings.IsRelativePath(page))
                throw new SettingsException($"actorhttp.{key}: \"{page}\" is not a path below the root such as \"errors/404.html\"");
    }

    private void ValidateFiles()
    {
        foreach (var name in Files.IndexFiles)
            if (!StaticFileSettings.IsPlainName(name))
                throw new SettingsException($"actorhttp.index-files: \"{name}\" is not a plain file name");
        foreach (var (extension, type) in Files.ContentTypeOverrides)
        {
            if (!ContentTypes.IsExtension(extension))
                throw new SettingsException($"actorhttp.content-types.\"{extension}\": is not a file extension such as \".mjs\"");
            // The value is sent as a header field: anything but a media type, a line break above all, would corrupt it.
            if (!ContentTypes.IsMediaType(type))
                throw new SettingsException($"actorhttp.content-types.\"{extension}\": \"{type}\" is not a media type such as \"text/javascript\" (RFC 9110 §8.3.1)");
        }
        if (Files.SmallFileLimit < 0) throw new SettingsException("actorhttp.files.small-file-limit: must not be negative");
        if (Files.CacheMaxBytes < 0) throw new SettingsException("actorhttp.files.cache-max-bytes: must not be negative");
    }

    private void ValidateRoutes()
    {
        for (var i = 0; i < Routes.Count; i++)
        {
            var (method, path, handler) = Routes[i];
            // RFC 9110 §9.1: a method is a token, compared case-sensitively.
            if (method != "*" && !CharClasses.IsToken(method))
                throw new SettingsException($"actorhttp.routes[{i}].method: \"{method}\" is neither a method name such as GET nor \"*\"");
            if (!PathPattern.TryParse(path, out _, out var pathProblem))
                throw new SettingsException($"actorhttp.routes[{i}].path: \"{path}\" {pathProblem}");
            if (!HoconRoutes.IsBuiltIn(handler) && HoconRoutes.HandlerType(handler, out var handlerProblem) is null)
                throw new SettingsException($"actorhttp.routes[{i}].handler: \"{handler}\" {handlerProblem}");
        }
    }

    private void ValidateObservability()
    {
        if (string.IsNullOrWhiteSpace(AccessLog.Target))
            throw new SettingsException("actorhttp.access-log: must be off, stdout or a file path");
        if (AccessLog.Format is not (AccessLogFormat.CommonName or AccessLogFormat.CombinedName))
            throw new SettingsException($"actorhttp.access-log-format: \"{AccessLog.Format}\" is neither common nor combined");
        if (AccessLog.QueueSize < 1)
            throw new SettingsException($"actorhttp.access-log-queue-size: {AccessLog.QueueSize} must be at least 1");
        if (AccessLog.BatchSize < 1)
            throw new SettingsException($"actorhttp.access-log-batch-size: {AccessLog.BatchSize} must be at least 1");
        // The endpoint goes before every route: a prefix or template would take other paths' requests.
        if (Metrics.IsServed && !(PathPattern.TryParse(Metrics.Path, out var pattern, out _) && pattern is PathPattern.Exact))
            throw new SettingsException($"actorhttp.metrics.path: \"{Metrics.Path}\" is neither empty nor an exact path such as \"/metrics\"");
    }

    /// <summary>
    /// The checks that look at the file system, run before anything starts: the root is a readable folder, and an
    /// access log file's folder exists (the file itself is created on start). Apart from <see cref="Validate"/> so
    /// that <c>--print-config</c> works before the folders exist.
    /// </summary>
    public void ValidatePaths()
    {
        if (!Directory.Exists(Root)) throw new SettingsException($"actorhttp.root: folder \"{Root}\" does not exist");
        try
        {
            _ = Directory.EnumerateFileSystemEntries(Root).FirstOrDefault();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new SettingsException($"actorhttp.root: folder \"{Root}\" is not readable");
        }
        if (AccessLog.IsOff || AccessLog.IsStdout) return;
        string file;
        try
        {
            file = Path.GetFullPath(AccessLog.Target);
        }
        catch (ArgumentException)
        {
            throw new SettingsException($"actorhttp.access-log: \"{AccessLog.Target}\" is not a file path");
        }
        if (Directory.Exists(file)) throw new SettingsException($"actorhttp.access-log: \"{file}\" is a folder, not a file");
        var folder = Path.GetDirectoryName(file);
        if (folder is null || !Directory.Exists(folder))
            throw new SettingsException($"actorhttp.access-log: folder \"{folder}\" does not exist");
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

    private static IReadOnlyList<RouteSpec> ReadRoutes(SettingsReader read)
    {
        var entries = read.List("routes");
        var routes = new List<RouteSpec>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = read.Element("routes", entries[i], i);
            routes.Add(new RouteSpec(
                entry.Has("method") ? entry.String("method") : "*",
                entry.String("path"),
                entry.String("handler")));
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
