using System.CommandLine;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Configuration;
using ActorHttp.Actors;
using ActorHttp.Configuration;

namespace ActorHttp.Hosting;

/// <summary>
/// The <c>actorhttp</c> console program. Exit codes: 0 after a clean stop, 2 for a configuration or usage
/// error, 3 when the address cannot be bound.
/// </summary>
public static class ConsoleHost
{
    public const int ExitOk = 0;
    public const int ExitConfigError = 2;
    public const int ExitBindError = 3;

    public static async Task<int> RunAsync(string[] args)
    {
        // The defaults the help names are the embedded reference's, where every default lives.
        var defaults = ServerSettings.Reference.GetConfig("actorhttp");
        var port = new Option<int?>("--port") { Description = $"TCP port to listen on (0 = any free port). Default {defaults.GetInt("port")}." };
        var host = new Option<string?>("--host") { Description = $"Address to bind. Default {defaults.GetString("host")}." };
        var root = new Option<string?>("--root") { Description = $"Folder to serve. Default {defaults.GetString("root")}." };
        var config = new Option<string?>("--config")
        {
            Description = $"HOCON profile layered over the defaults: a file, or when no such file exists the name of a built-in profile ({string.Join(", ", BuiltInProfiles.Names)}). Default {ConfigLoader.DefaultProfile} when present.",
        };
        var set = new Option<string[]>("--set")
        {
            Description = "Override one HOCON path, value in HOCON syntax, e.g. --set actorhttp.sleep-delay=1s. Repeatable.",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var printConfig = new Option<bool>("--print-config") { Description = "Print the effective actorhttp and akka configuration and exit." };

        // Named actorhttp rather than after the executable (a RootCommand's name): the .NET tool runs as
        // ActorHttp.Tool.dll, `dotnet run` as ActorHttp.dll, and both are the command actorhttp.
        var command = new Command("actorhttp", "ActorHttp: an HTTP/1.1 server built from Akka.NET actors.")
        {
            port, host, root, config, set, printConfig, new System.CommandLine.Help.HelpOption(),
        };
        var parsed = command.Parse(args);
        if (parsed.Errors.Count > 0) return Fail($"{parsed.Errors[0].Message} (see --help)", ExitConfigError);
        if (parsed.Action is not null && parsed.Action.GetType().Name.Contains("Help", StringComparison.Ordinal))
            return await parsed.InvokeAsync();

        var options = new HostOptions(parsed.GetValue(config), parsed.GetValue(set) ?? Array.Empty<string>(),
            parsed.GetValue(host), parsed.GetValue(port), parsed.GetValue(root));
        return await RunAsync(options, parsed.GetValue(printConfig));
    }

    public static async Task<int> RunAsync(HostOptions options, bool printConfig)
    {
        Config config;
        ServerSettings settings;
        string profile;
        TlsServerOptions? tls = null;
        try
        {
            config = ConfigLoader.Load(options, out profile);
            settings = ServerSettings.Create(config);
            if (printConfig)
            {
                Console.Out.WriteLine(ConfigPrinter.Render(ConfigLoader.ForActorSystem(settings, config)));
                return ExitOk;
            }
            settings.ValidatePaths();
            // Loaded before the actor system starts, so that a bad certificate is one line and nothing else.
            if (settings.Tls.IsOn) tls = TlsCertificates.Load(settings.Tls, Environment.GetEnvironmentVariable);
        }
        catch (SettingsException e)
        {
            return Fail(e.Message, ExitConfigError);
        }

        // Warnings and lowered settings are printed once the server is up: a start that fails says one line only.
        var notes = new StringWriter();
        foreach (var key in ServerSettings.UnknownKeys(config))
            notes.WriteLine($"warning: unknown setting {key} is ignored");
        // Probed before the actor system starts: what it opens is in DescriptorLimit.RuntimeReserve.
        settings = DescriptorLimit.Fit(settings, DescriptorLimit.Probe(), notes);

        // Started before the server so the first request is traced; disposed (flushing what is buffered) on exit.
        using var telemetry = OtlpTelemetry.Start(settings.Telemetry, Environment.GetEnvironmentVariable);

        // A node's remoting port is tried before the actor system starts: Akka reports a taken one only after a dozen
        // log lines of its own (remoting starting, failing, shutting down), and a bad port is one line.
        if (settings.Cluster.Enabled && RemotingPortTaken(settings.Cluster) is { } taken)
            return Fail($"actorhttp.cluster.port: cannot bind {settings.Cluster.Hostname}:{settings.Cluster.Port} for remoting: {taken}", ExitBindError);

        ActorSystem system;
        try
        {
            system = ActorSystem.Create(ClusterSettings.SystemName, ConfigLoader.ForActorSystem(settings, config));
        }
        catch (Exception e) when (settings.Cluster.Enabled && RemotingBindFailure(e) is { } cause)
        {
            // A node's remoting binds as its actor system starts: a port taken is the bind error it is for HTTP.
            return Fail($"actorhttp.cluster.port: cannot bind {settings.Cluster.Hostname}:{settings.Cluster.Port} for remoting: {cause}", ExitBindError);
        }
        catch (Exception e)
        {
            // Akka checks its own section only as the system starts (a log level, a mailbox or logger type).
            return Fail("akka: " + e.Message, ExitConfigError);
        }
        ServerBinding binding;
        try
        {
            binding = await HttpServer.StartAsync(system, settings, tls: tls);
        }
        catch (Exception e) when (e is BindFailedException or SettingsException)
        {
            await system.Terminate();
            return Fail(e.Message, e is BindFailedException ? ExitBindError : ExitConfigError);
        }

        binding.AddToCoordinatedShutdown(CoordinatedShutdown.Get(system));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopOnSignal(system));
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, StopOnSignal(system));

        Console.Out.WriteLine($"Listening on {HttpServer.FormatAddress(binding.LocalAddress)}");
        if (binding.Tls is { } https) Console.Out.WriteLine($"Listening on {HttpServer.FormatAddress(https.LocalAddress, "https")}");
        Console.Out.Flush();
        Console.Error.Write(notes.ToString());
        Console.Error.WriteLine($"root: {settings.Root}");
        Console.Error.WriteLine($"profile: {profile}");
        Console.Error.WriteLine($"dispatcher: {settings.ConnectionDispatcher}");
        Console.Error.WriteLine($"gc: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, gen-0 budget cap {AppContext.GetData("System.GC.Gen0MaxBudget") ?? "none"}");
        Console.Error.WriteLine($"array pool: {ArrayPoolTuning.Effective()?.ToString() ?? "unknown"} arrays per size per core");

        await system.WhenTerminated;
        return ExitOk;
    }

    /// <summary>Why the remoting port is taken or refused here (the socket error's message), or null when it is free, 0 (any) or not this machine's to test.</summary>
    private static string? RemotingPortTaken(ClusterSettings cluster)
    {
        if (cluster.Port == 0) return null;
        System.Net.Sockets.TcpListener probe;
        try
        {
            probe = new System.Net.Sockets.TcpListener(HttpServer.ResolveEndpoint(cluster.Hostname, cluster.Port));
        }
        catch (Exception e) when (e is BindFailedException or System.Net.Sockets.SocketException)
        {
            return null; // a name that does not resolve here: Akka's own bind reports it
        }
        try
        {
            probe.Start();
            return null;
        }
        catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode is System.Net.Sockets.SocketError.AddressAlreadyInUse or System.Net.Sockets.SocketError.AccessDenied)
        {
            return e.Message;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return null; // not an address of this machine (a node behind NAT binds akka.remote's bind-hostname): Akka decides
        }
        finally
        {
            probe.Stop();
        }
    }

    /// <summary>The innermost message of a remoting transport that could not bind, found in the wrapped exceptions Akka throws; else null.</summary>
    private static string? RemotingBindFailure(Exception e)
    {
        var bindFailed = false;
        for (Exception? inner = e; inner is not null; inner = inner is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : inner.InnerException)
        {
            bindFailed |= inner is Akka.Remote.RemoteTransportException;
            if (inner.InnerException is null && inner is not AggregateException) return bindFailed ? inner.Message : null;
        }
        return null;
    }

    /// <summary>
    /// Prints the one <c>error:</c> line a failed start ends with, and returns its exit code. A message quotes values
    /// from the command line or a file, which may hold line breaks: escaped here, they cannot make it two lines.
    /// </summary>
    private static int Fail(string message, int exitCode)
    {
        var line = new System.Text.StringBuilder("error: ", message.Length + 8);
        foreach (var c in message)
        {
            if (c == '\t' || !char.IsControl(c)) line.Append(c);
            else line.Append(c switch { '\n' => "\\n", '\r' => "\\r", _ => $"\\u{(int)c:x4}" });
        }
        Console.Error.WriteLine(line);
        return exitCode;
    }

    // SIGTERM and Ctrl+C run CoordinatedShutdown (unbind, drain, stop) instead of killing the process.
    private static Action<PosixSignalContext> StopOnSignal(ActorSystem system) => context =>
    {
        context.Cancel = true;
        _ = CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
    };
}
