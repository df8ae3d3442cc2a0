using System.CommandLine;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Configuration;
using ActorHttp.Actors;

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
        var port = new Option<int?>("--port") { Description = "TCP port to listen on (0 = any free port). Default 7878." };
        var host = new Option<string?>("--host") { Description = "Address to bind. Default 127.0.0.1." };
        var root = new Option<string?>("--root") { Description = "Folder to serve. Default ./www." };
        var config = new Option<string?>("--config") { Description = $"HOCON profile layered over the defaults. Default {ConfigLoader.DefaultProfile} when present." };
        var set = new Option<string[]>("--set")
        {
            Description = "Override one HOCON path, value in HOCON syntax, e.g. --set actorhttp.sleep-delay=1s. Repeatable.",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var printConfig = new Option<bool>("--print-config") { Description = "Print the effective actorhttp and akka configuration and exit." };

        var command = new RootCommand("ActorHttp: an HTTP/1.1 server built from Akka.NET actors.")
        {
            port, host, root, config, set, printConfig,
        };
        var parsed = command.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            Console.Error.WriteLine($"error: {parsed.Errors[0].Message} (see --help)");
            return ExitConfigError;
        }
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
        try
        {
            config = ConfigLoader.Load(options, out profile);
            settings = ServerSettings.Create(config);
            if (printConfig)
            {
                Console.Out.WriteLine(ConfigPrinter.Render(config));
                return ExitOk;
            }
            if (!Directory.Exists(settings.Root))
                throw new SettingsException($"actorhttp.root: folder \"{settings.Root}\" does not exist");
            try
            {
                _ = Directory.EnumerateFileSystemEntries(settings.Root).FirstOrDefault();
            }
            catch (UnauthorizedAccessException)
            {
                throw new SettingsException($"actorhttp.root: folder \"{settings.Root}\" is not readable");
            }
        }
        catch (SettingsException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitConfigError;
        }

        foreach (var key in ServerSettings.UnknownKeys(config))
            Console.Error.WriteLine($"warning: unknown setting {key} is ignored");
        // Probed before the actor system starts: what it opens is in DescriptorLimit.RuntimeReserve.
        settings = DescriptorLimit.Fit(settings, DescriptorLimit.Probe(), Console.Error);

        var system = ActorSystem.Create("actorhttp", ConfigLoader.ShutdownPhases(settings).WithFallback(config));
        ServerBinding binding;
        try
        {
            binding = await HttpServer.StartAsync(system, settings);
        }
        catch (BindFailedException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            await system.Terminate();
            return ExitBindError;
        }

        binding.AddToCoordinatedShutdown(CoordinatedShutdown.Get(system));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopOnSignal(system));
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, StopOnSignal(system));

        Console.Out.WriteLine($"Listening on {HttpServer.FormatAddress(binding.LocalAddress)}");
        Console.Out.Flush();
        Console.Error.WriteLine($"root: {settings.Root}");
        Console.Error.WriteLine($"profile: {profile}");
        Console.Error.WriteLine($"dispatcher: {settings.ConnectionDispatcher}");
        Console.Error.WriteLine($"gc: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, gen-0 budget cap {AppContext.GetData("System.GC.Gen0MaxBudget") ?? "none"}");
        Console.Error.WriteLine($"array pool: {ArrayPoolTuning.Effective()?.ToString() ?? "unknown"} arrays per size per core");

        await system.WhenTerminated;
        return ExitOk;
    }

    // SIGTERM and Ctrl+C run CoordinatedShutdown (unbind, drain, stop) instead of killing the process.
    private static Action<PosixSignalContext> StopOnSignal(ActorSystem system) => context =>
    {
        context.Cancel = true;
        _ = CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
    };
}
