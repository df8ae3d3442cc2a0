using Akka.Configuration;
using ActorHttp.Hosting;
using ActorHttp.Configuration;

namespace ActorHttp.Tests.Support;

/// <summary>Server settings for tests: the defaults, a root, and any HOCON overrides.</summary>
public static class TestSettings
{
    public static ServerSettings For(string root, string hocon = "") =>
        ServerSettings.Create(ConfigurationFactory.ParseString(
            $"actorhttp.root = {ConfigLoader.Quote(root)}\nactorhttp.port = 0\nactorhttp.access-log = off\n{hocon}"));
}
