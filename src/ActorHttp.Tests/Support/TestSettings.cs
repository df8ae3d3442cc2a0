using Akka.Configuration;
using ActorHttp.Hosting;
using ActorHttp.Configuration;
using ActorHttp.Files;
using ActorHttp.Http;

namespace ActorHttp.Tests.Support;

/// <summary>Server settings for tests: the defaults, a root, and any HOCON overrides.</summary>
public static class TestSettings
{
    /// <summary>The reference configuration's settings, read once: where a test takes a default value from.</summary>
    public static ServerSettings Defaults { get; } = ServerSettings.Default;

    /// <summary>The reference configuration's request limits.</summary>
    public static HttpLimits Limits => Defaults.Limits;

    /// <summary>The reference configuration's static-file settings, for another root.</summary>
    public static StaticFileSettings Files(string root) => Defaults.Files with { Root = root };

    public static ServerSettings For(string root, string hocon = "") =>
        ServerSettings.Create(ConfigurationFactory.ParseString(
            $"actorhttp.root = {ConfigLoader.Quote(root)}\nactorhttp.port = 0\nactorhttp.access-log = off\n{hocon}"));
}
