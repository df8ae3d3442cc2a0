using Akka.Configuration;
using ActorHttp.Configuration;

namespace ActorHttp.Hosting;

/// <summary>What the command line asked for, before it becomes configuration.</summary>
public sealed record HostOptions(string? ConfigFile, IReadOnlyList<string> Sets, string? Host, int? Port, string? Root);

/// <summary>
/// Builds the effective configuration from its layers, lowest first: the embedded reference, the profile
/// (<c>--config FILE</c>, or <c>--config NAME</c> for a <see cref="BuiltInProfiles">built-in one</see> when no such
/// file exists; else <c>hocon/actorhttp.conf</c> when present), each <c>--set PATH=VALUE</c> in order, then
/// <c>--host</c>, <c>--port</c> and <c>--root</c>.
/// </summary>
public static class ConfigLoader
{
    /// <summary>The profile used when <c>--config</c> is not given, relative to the working directory.</summary>
    public const string DefaultProfile = "hocon/actorhttp.conf";

    public static Config Load(HostOptions options, out string profile)
    {
        var config = ServerSettings.Reference;
        profile = "built-in defaults";

        var file = options.ConfigFile;
        if (file is null && File.Exists(DefaultProfile)) file = DefaultProfile;
        if (file is not null && !File.Exists(file) && BuiltInProfiles.Read(file) is { } builtIn)
        {
            config = Parse(builtIn, $"--config {file} (built-in)").WithFallback(config);
            profile = "built-in " + file;
        }
        else if (file is not null)
        {
            if (!File.Exists(file))
                throw new SettingsException($"--config: file \"{file}\" does not exist, nor is it a built-in profile ({string.Join(", ", BuiltInProfiles.Names)})");
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new SettingsException($"--config: cannot read \"{file}\": {e.Message}");
            }
            config = Parse(text, $"--config \"{file}\"").WithFallback(config);
            profile = file;
        }

        foreach (var set in options.Sets)
        {
            var equals = set.IndexOf('=');
            if (equals <= 0) throw new SettingsException($"--set \"{set}\": expected PATH=VALUE");
            var path = set[..equals].Trim();
            var value = set[(equals + 1)..].Trim();
            config = Parse($"{path} = {value}", $"--set \"{set}\"").WithFallback(config);
        }

        var overrides = Overrides(options.Host, options.Port, options.Root);
        return overrides.IsEmpty ? config : overrides.WithFallback(config);
    }

    /// <summary>The host, port and root given in code or on the command line, as a layer over the configuration.</summary>
    public static Config Overrides(string? host, int? port, string? root)
    {
        var overrides = new List<string>();
        if (host is not null) overrides.Add($"actorhttp.host = {Quote(host)}");
        if (port is not null) overrides.Add($"actorhttp.port = {port}");
        if (root is not null) overrides.Add($"actorhttp.root = {Quote(root)}");
        return overrides.Count > 0 ? ConfigurationFactory.ParseString(string.Join("\n", overrides)) : Config.Empty;
    }

    /// <summary>How long parsing one layer may take: Akka's HOCON parser never returns on some malformed
    /// input (a list closed by '}'), and a host that hangs at startup is worse than one that says why.</summary>
    private static readonly TimeSpan ParseTimeout = TimeSpan.FromSeconds(5);

    private static Config Parse(string text, string origin)
    {
        // The input the parser spins on most often, said at once rather than after the timeout.
        if (HoconBrackets.FirstMismatch(text) is { } mismatch)
            throw new SettingsException($"{origin}: malformed HOCON: {mismatch}");
        var parsing = Task.Factory.StartNew(() => ConfigurationFactory.ParseString(text),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            if (!parsing.Wait(ParseTimeout))
                throw new SettingsException($"{origin}: malformed HOCON: the parser did not finish (an unbalanced [ or {{?)");
            return parsing.Result;
        }
        catch (AggregateException e)
        {
            var firstLine = e.InnerException!.Message.Split('\n')[0].Trim();
            throw new SettingsException($"{origin}: malformed HOCON: {firstLine}");
        }
    }

    /// <summary>A string as a HOCON quoted string; control characters (a line break in a folder name) escaped as \uXXXX.</summary>
    public static string Quote(string value)
    {
        var quoted = new System.Text.StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\') quoted.Append('\\').Append(c);
            else if (char.IsControl(c)) quoted.Append($"\\u{(int)c:x4}");
            else quoted.Append(c);
        }
        return quoted.Append('"').ToString();
    }

    /// <summary>
    /// The configuration the actor system starts with: the loaded layers, a node's settings when the cluster is on, and
    /// the shutdown phases sized to the drain. Both the host and <c>--print-config</c> take it from here, so what is
    /// printed is what runs.
    /// </summary>
    public static Config ForActorSystem(ServerSettings settings, Config loaded) =>
        ShutdownPhases(settings).WithFallback(ClusterConfig.For(settings.Cluster, loaded));

    /// <summary>
    /// The layer that sizes CoordinatedShutdown's phases from <c>actorhttp.shutdown-timeout</c>, so the drain
    /// phase waits as long as the setting says, and not Akka's default 5 s.
    /// </summary>
    public static Config ShutdownPhases(ServerSettings settings)
    {
        // The drain phase also holds the port for actorhttp.shutdown-unbind-delay, alongside the requests in flight.
        var drain = (long)Math.Max(settings.ShutdownTimeout.TotalMilliseconds, settings.ShutdownUnbindDelay.TotalMilliseconds) + 2000;
        return ConfigurationFactory.ParseString($$"""
            akka.coordinated-shutdown.phases {
              service-unbind.timeout = 15s
              service-requests-done.timeout = {{drain}}ms
              service-stop.timeout = 5s
            }
            """);
    }
}
