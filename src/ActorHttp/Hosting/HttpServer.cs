using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Streams;
using ActorHttp.Actors;
using ActorHttp.Cluster;
using ActorHttp.Configuration;
using ActorHttp.Handlers;
using ActorHttp.Observability;
using ActorHttp.Routing;

namespace ActorHttp.Hosting;

/// <summary>Binding failed: the address is taken, not local, or not resolvable.</summary>
public sealed class BindFailedException(string address, string reason) : Exception($"Cannot bind {address}: {reason}")
{
    public string Address { get; } = address;
}

/// <summary>
/// The library entry point: starts an ActorHttp server on an existing <see cref="ActorSystem"/>. The
/// console host is one user of this; tests and applications are others.
/// </summary>
public static class HttpServer
{
    /// <summary>
    /// Binds and starts serving. <paramref name="routes"/> (declared in code) are tried before the
    /// <c>actorhttp.routes</c> from configuration, and static files from the root after both. Without an
    /// <paramref name="observer"/>, the access log and metrics the settings ask for observe the server, and
    /// <c>actorhttp.metrics.path</c> serves those metrics; a given observer is all there is, with no metrics path.
    /// With <c>actorhttp.tls.port</c> set, HTTPS is served there too, with <paramref name="tls"/> when given (the console
    /// host loads the certificate before it starts anything), else with the certificate the settings name.
    /// </summary>
    /// <remarks>
    /// The settings are used as given: the console host first fits <c>max-connections</c> and <c>backlog</c> to
    /// the descriptor limit with <see cref="DescriptorLimit.Fit(ServerSettings, DescriptorBudget?, TextWriter)"/>.
    /// </remarks>
    /// <exception cref="SettingsException">A setting is out of range, the TLS certificate or key cannot be loaded, the root or the access log's folder is
    /// missing, the dispatcher is not in the actor system, or a SQLite journal cannot be opened; the message names the key.</exception>
    /// <exception cref="BindFailedException">The address cannot be bound.</exception>
    public static async Task<ServerBinding> StartAsync(
        ActorSystem system,
        ServerSettings settings,
        RouteTable? routes = null,
        IServerObserver? observer = null,
        string name = "http",
        TlsServerOptions? tls = null)
    {
        // The checks the console host makes before it starts anything, for settings built or changed in code.
        settings.Validate();
        settings.ValidatePaths();
        if (!ServerSettings.DefinesDispatcher(system.Settings.Config, settings.ConnectionDispatcher))
            throw new SettingsException($"actorhttp.connection-dispatcher: the actor system has no dispatcher \"{settings.ConnectionDispatcher}\"");
        if (settings.Cluster.Enabled) SqliteJournalFile.Prepare(settings.Cluster.Journal);
        ServerMetrics? metrics = null;
        if (observer is null)
        {
            var standard = StandardObserver(settings, system);
            (observer, metrics) = (standard, standard.Metrics);
        }
        var context = CreateContext(system, settings, routes, observer, name, metrics);
        // The certificate is read before any port is bound: a bad one is a settings error, not a half-started server.
        if (settings.Tls.IsOn) tls ??= TlsCertificates.Load(settings.Tls, Environment.GetEnvironmentVariable);
        else tls = null;
        if (settings.Cluster.Enabled)
        {
            var figures = new ClusterFigures();
            if (metrics is not null) figures.AddTo(metrics);
            system.ActorOf(ClusterMonitor.Props(ShardedRoutes.Regions(context.Routes), figures), name + "-cluster-monitor-" + Interlocked.Increment(ref _servers));
        }
        var endpoint = ResolveEndpoint(settings.Host, settings.Port);
        if (tls is null)
        {
            var (address, listener) = await BindAsync(system, context, endpoint, name, tls: null);
            return new ServerBinding(address, listener, context);
        }
        // HTTPS first, so the plain port can redirect to the port it really got.
        var tlsContext = context.ForPort("https");
        var (tlsAddress, tlsListener) = await BindAsync(system, tlsContext, ResolveEndpoint(settings.Host, settings.Tls.Port!.Value), name + "-tls", tls);
        try
        {
            var plainContext = settings.Tls.RedirectHttp
                ? context.ForPort("http", HttpsRedirect.Routes(context.Routes, tlsAddress.Port, ServerBinding.FormatHost(tlsAddress.Address)))
                : context;
            var (address, listener) = await BindAsync(system, plainContext, endpoint, name, tls: null);
            return new ServerBinding(address, listener, context, new ServerBinding.Port(tlsAddress, tlsListener));
        }
        catch
        {
            await tlsListener.GracefulStop(TimeSpan.FromSeconds(5));
            throw;
        }
    }

    /// <summary>Starts one listener and waits for its port; throws <see cref="BindFailedException"/> if it gets none.</summary>
    private static async Task<(IPEndPoint, IActorRef)> BindAsync(ActorSystem system, ServerContext context, IPEndPoint endpoint, string name, TlsServerOptions? tls)
    {
        var inbox = Inbox.Create(system);
        var listener = system.ActorOf(ListenerActor.Props(context, endpoint, inbox.Receiver, tls), name + "-listener-" + Interlocked.Increment(ref _servers));
        inbox.Watch(listener); // a listener that fails to start must fail the start, not time it out
        var reply = await inbox.ReceiveAsync(TimeSpan.FromSeconds(30));
        inbox.Unwatch(listener);
        var address = tls is null ? FormatAddress(endpoint) : FormatAddress(endpoint, "https");
        return reply switch
        {
            ListenerProtocol.Bound bound => (ToIpEndPoint(bound.LocalAddress, endpoint), listener),
            ListenerProtocol.BindFailed failed => throw new BindFailedException(address, failed.Reason),
            Terminated => throw new BindFailedException(address, "the listener stopped before binding (see the log)"),
            _ => throw new BindFailedException(address, "unexpected reply " + reply),
        };
    }

    private static int _servers;

    /// <summary>The access log and metrics the configuration asks for.</summary>
    private static ServerObserver StandardObserver(ServerSettings settings, ActorSystem system)
    {
        try
        {
            return ServerObserver.Create(settings.AccessLog, system);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // ValidatePaths saw the folder; what only opening the file tells (permissions, a full disk) is a setting's fault too.
            throw new SettingsException($"actorhttp.access-log: cannot open \"{settings.AccessLog.Target}\": {e.Message}");
        }
    }

    /// <summary>
    /// Everything the connection actors of one server share. Public so connection actors can be tested
    /// with TestKit against a probe standing in for the socket, without binding a port. The shutdown flag is made
    /// first, for the health route and the context alike; <paramref name="metrics"/>, when given and
    /// <c>actorhttp.metrics.path</c> is set, are served there.
    /// </summary>
    public static ServerContext CreateContext(ActorSystem system, ServerSettings settings, RouteTable? routes = null,
        IServerObserver? observer = null, string name = "http", ServerMetrics? metrics = null)
    {
        var shutdown = new ShutdownFlag();
        var content = new StaticContent(settings);
        var clustered = settings.Cluster.Enabled || (routes ?? RouteTable.Empty).Routes.Any(r => r.Target is RouteTarget.Sharded);
        if (clustered && system is not ExtendedActorSystem { Provider: Akka.Cluster.ClusterActorRefProvider })
            throw new SettingsException("actorhttp.cluster.enabled: the actor system is not a cluster node (akka.actor.provider = cluster); sharded routes and the cluster's health need one");
        // A seed node's address names the actor system: under another name the node would never join, silently.
        if (settings.Cluster.Enabled && system.Name != ClusterSettings.SystemName)
            throw new SettingsException($"actorhttp.cluster.enabled: the actor system is named \"{system.Name}\"; a node's must be \"{ClusterSettings.SystemName}\", the name seed-node addresses carry");
        var table = HoconRoutes.Build(settings, content, shutdown, system, clustered ? ClusterHealth.NotReady(system) : null)
            .Prepend((routes ?? RouteTable.Empty).Routes);
        if (clustered) table = ShardedRoutes.Start(system, table, settings.Cluster, ClusterConfig.MaxMessageBytes(system.Settings.Config));
        if (metrics is not null && settings.Metrics is { IsServed: true } served)
        {
            // The Prometheus endpoint goes first so no route or file can shadow it.
            var metricsRoute = new Route(new[] { "GET" }, PathPattern.Parse(served.Path),
                new RouteTarget.Inline(HttpsRedirect.MetricsRoute, BuiltInHandlers.Metrics(metrics)));
            table = table.Prepend(new[] { metricsRoute });
        }
        return new ServerContext(settings, table, content, system.Materializer(namePrefix: name + "-streams"),
            observer ?? NullServerObserver.Instance, shutdown);
    }

    /// <summary>scheme://host:port of an endpoint (http unless told), IPv6 in brackets.</summary>
    public static string FormatAddress(EndPoint endpoint, string scheme = "http") => endpoint switch
    {
        IPEndPoint ip => $"{scheme}://{ServerBinding.FormatHost(ip.Address)}:{ip.Port}",
        DnsEndPoint dns => $"{scheme}://{dns.Host}:{dns.Port}",
        _ => endpoint.ToString() ?? "?",
    };

    private static IPEndPoint ToIpEndPoint(EndPoint bound, IPEndPoint requested) =>
        bound as IPEndPoint ?? new IPEndPoint(requested.Address, requested.Port);

    /// <summary>An IP literal as is; a host name resolved once, IPv4 preferred (loopback stays loopback).</summary>
    public static IPEndPoint ResolveEndpoint(string host, int port)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address)) return new IPEndPoint(address, port);
        try
        {
            var addresses = Dns.GetHostAddresses(host);
            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            if (chosen is null) throw new BindFailedException($"http://{host}:{port}", "the host name has no address");
            return new IPEndPoint(chosen, port);
        }
        catch (SocketException e)
        {
            throw new BindFailedException($"http://{host}:{port}", e.Message);
        }
    }
}
