using Akka.Configuration;

namespace ActorHttp.Hosting;

/// <summary>Renders the effective <c>actorhttp</c> and <c>akka</c> sections, all layers merged.</summary>
public static class ConfigPrinter
{
    public static string Render(Config config)
    {
        var merged = config.GetConfig("actorhttp");
        var akka = config.GetConfig("akka");
        return "actorhttp " + merged.Root.ToString() + "\nakka " + akka.Root.ToString();
    }
}
