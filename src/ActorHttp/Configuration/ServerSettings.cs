using ActorHttp.Files;
using ActorHttp.Http;
using ActorHttp.Observability;
using ActorHttp.Routing;

namespace ActorHttp.Configuration;

/// <summary>
/// The <c>actorhttp</c> configuration section as get-only values, and the checks of their ranges. Every key is
/// documented in the embedded reference.conf, the one place defaults live; <c>ServerSettings.Create</c> and
/// <c>ServerSettings.Default</c> (ActorHttp.Hosting, which alone reads HOCON) build these settings from it.
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
    /// <summary>How long after it stops accepting the port stays bound, answering 503 (<c>actorhttp.shutdown-unbind-delay</c>).</summary>
    public TimeSpan ShutdownUnbindDelay { get; init; } = TimeSpan.Zero;
    public required IReadOnlyList<RouteSpec> Routes { get; init; }
    /// <summary>Static files: index files, content types, the small-file cache (and the root, as <see cref="Root"/>).</summary>
    public required StaticFileSettings Files { get; init; }
    public required AccessLogSettings AccessLog { get; init; }
    public required MetricsSettings Metrics { get; init; }
    /// <summary>Whether the console host exports spans and metrics over OTLP.</summary>
    public TelemetrySettings Telemetry { get; init; } = TelemetrySettings.Default;
    /// <summary>Request-body bytes the requests in flight on one connection may hold before no new request is read.</summary>
    public required long MaxPipelinedBodyBytes { get; init; }
    public required MinDataRate MinRequestBodyRate { get; init; }
    public required MinDataRate MinResponseRate { get; init; }
    /// <summary>Server-sent event streams: the heartbeat interval and the queue of events a slow client may leave unread.</summary>
    public required EventStreamSettings EventStreams { get; init; }
    /// <summary>HTTPS on a second port: off unless <c>tls.port</c> is set.</summary>
    public TlsSettings Tls { get; init; } = TlsSettings.Off;
    /// <summary>WebSocket connections: the largest message, the keep-alive ping, the allowed origins, the outgoing queue.</summary>
    public WebSocketSettings WebSockets { get; init; } = WebSocketSettings.Default;
    /// <summary>Whether this server is a node of an Akka.Cluster, and how (<c>actorhttp.cluster</c>).</summary>
    public ClusterSettings Cluster { get; init; } = ClusterSettings.Off;

    /// <summary>
    /// Checks every value against its range and throws <see cref="SettingsException"/> naming the key of the first
    /// that is out of it. <c>ServerSettings.Create</c> calls it, and <c>HttpServer.StartAsync</c> again, for settings
    /// changed in code. Looks at no file or folder (<see cref="ValidatePaths"/> does) and at no <c>akka</c> key (the
    /// host checks those where it reads them).
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
        ValidateDurations();
        ValidateClientLimits();
        ValidatePages();
        ValidateFiles();
        ValidateRoutes();
        ValidateObservability();
        ValidateEventStreams();
        Tls.Validate();
        if (Tls.Port is { } tlsPort && tlsPort != 0 && tlsPort == Port)
            throw new SettingsException($"actorhttp.tls.port: {tlsPort} is actorhttp.port already");
        ValidateWebSockets();
        Cluster.Validate();
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
        CheckDuration("shutdown-unbind-delay", ShutdownUnbindDelay, mayBeZero: true);
        CheckDuration("access-log-flush-interval", AccessLog.FlushInterval, mayBeZero: false);
        // A zero interval would send heartbeats back to back.
        CheckDuration("sse.heartbeat-interval", EventStreams.HeartbeatInterval, mayBeZero: false);
    }

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

    private void ValidateEventStreams()
    {
        // Akka.Streams' actor source takes a buffer of at least one; its size is what one slow client may hold.
        if (EventStreams.MaxQueuedEvents is < 1 or > MaxQueuedEventsLimit)
            throw new SettingsException($"actorhttp.sse.max-queued-events: {EventStreams.MaxQueuedEvents} must be between 1 and {MaxQueuedEventsLimit}");
    }

    private void ValidateWebSockets()
    {
        if (WebSockets.MaxMessage is < 1 or > WebSocketSettings.MaxMessageLimit)
            throw new SettingsException($"actorhttp.websocket.max-message: {WebSockets.MaxMessage} must be between 1 and {WebSocketSettings.MaxMessageLimit} bytes");
        // 0 turns the ping off; a zero timeout would fail every peer before its pong could arrive.
        CheckDuration("websocket.keep-alive-interval", WebSockets.KeepAliveInterval, mayBeZero: true);
        CheckDuration("websocket.keep-alive-timeout", WebSockets.KeepAliveTimeout, mayBeZero: false);
        if (WebSockets.MaxOutgoingQueue is < 1 or > WebSocketSettings.MaxOutgoingQueueLimit)
            throw new SettingsException($"actorhttp.websocket.max-outgoing-queue: {WebSockets.MaxOutgoingQueue} must be between 1 and {WebSocketSettings.MaxOutgoingQueueLimit}");
        for (var i = 0; i < WebSockets.AllowedOrigins.Count; i++)
            if (WebSocketSettings.OriginProblem(WebSockets.AllowedOrigins[i]) is { } problem)
                throw new SettingsException($"actorhttp.websocket.allowed-origins[{i}]: \"{WebSockets.AllowedOrigins[i]}\" {problem}");
    }

    /// <summary>The most events one stream may queue: every open stream may hold this many in memory.</summary>
    public const int MaxQueuedEventsLimit = 1_000_000;

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
        ValidateCompression(Files.Compression);
    }

    private static void ValidateCompression(CompressionSettings compression)
    {
        if (compression.Encodings.Distinct().Count() != compression.Encodings.Count)
            throw new SettingsException("actorhttp.compression.encodings: names a coding twice");
        if (compression.MinLength < 0) throw new SettingsException("actorhttp.compression.min-length: must not be negative");
        for (var i = 0; i < compression.Types.Count; i++)
            if (!CompressionSettings.IsMediaRange(compression.Types[i]))
                throw new SettingsException($"actorhttp.compression.types[{i}]: \"{compression.Types[i]}\" is neither a media type such as \"application/json\" nor a range such as \"text/*\"");
        if (compression.BrotliQuality is < 0 or > CompressionSettings.MaxBrotliQuality)
            throw new SettingsException($"actorhttp.compression.br-quality: {compression.BrotliQuality} must be between 0 and {CompressionSettings.MaxBrotliQuality}");
        if (compression.GzipLevel is < 0 or > CompressionSettings.MaxGzipLevel)
            throw new SettingsException($"actorhttp.compression.gzip-level: {compression.GzipLevel} must be between 0 and {CompressionSettings.MaxGzipLevel}");
        if (compression.StreamBrotliQuality is < 0 or > CompressionSettings.MaxBrotliQuality)
            throw new SettingsException($"actorhttp.compression.stream-br-quality: {compression.StreamBrotliQuality} must be between 0 and {CompressionSettings.MaxBrotliQuality}");
        if (compression.StreamGzipLevel is < 0 or > CompressionSettings.MaxGzipLevel)
            throw new SettingsException($"actorhttp.compression.stream-gzip-level: {compression.StreamGzipLevel} must be between 0 and {CompressionSettings.MaxGzipLevel}");
    }

    private void ValidateRoutes()
    {
        for (var i = 0; i < Routes.Count; i++)
        {
            var (method, path, handler) = Routes[i];
            if (Routes[i].ShardedProblem(Cluster.Enabled) is var (key, problem))
                throw new SettingsException($"actorhttp.routes[{i}].{key}: {problem}");
            // RFC 9110 §9.1: a method is a token, compared case-sensitively.
            if (method != "*" && !CharClasses.IsToken(method))
                throw new SettingsException($"actorhttp.routes[{i}].method: \"{method}\" is neither a method name such as GET nor \"*\"");
            if (!PathPattern.TryParse(path, out _, out var pathProblem))
                throw new SettingsException($"actorhttp.routes[{i}].path: \"{path}\" {pathProblem}");
            if (Routes[i].WebSocket)
            {
                if (!RouteSpec.IsBuiltInWebSocket(handler) && RouteSpec.HandlerType(handler, out var socketProblem) is null)
                    throw new SettingsException($"actorhttp.routes[{i}].websocket: \"{handler}\" {(RouteSpec.IsBuiltIn(handler) || socketProblem.StartsWith("is neither", StringComparison.Ordinal) ? "is neither echo, chat nor an actor type name found in the loaded assemblies" : socketProblem)}");
            }
            else if (Routes[i].Sharded is null && !RouteSpec.IsBuiltIn(handler) && RouteSpec.HandlerType(handler, out var handlerProblem) is null)
                throw new SettingsException($"actorhttp.routes[{i}].handler: \"{handler}\" {handlerProblem}");
        }
    }

    private void ValidateObservability()
    {
        if (string.IsNullOrWhiteSpace(AccessLog.Target))
            throw new SettingsException("actorhttp.access-log: must be off, stdout or a file path");
        if (AccessLog.Format is not (AccessLogFormat.CommonName or AccessLogFormat.CombinedName or AccessLogFormat.JsonName))
            throw new SettingsException($"actorhttp.access-log-format: \"{AccessLog.Format}\" is not common, combined or json");
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
}
