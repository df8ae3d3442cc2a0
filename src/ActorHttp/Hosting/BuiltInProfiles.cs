using System.Reflection;

namespace ActorHttp.Hosting;

/// <summary>
/// The profiles of the repository's <c>hocon/</c> folder, embedded in the assembly so that a host started from any
/// folder (the <c>actorhttp</c> .NET tool) can select one by name: <c>--config dedicated</c>.
/// </summary>
public static class BuiltInProfiles
{
    // ActorHttp.csproj embeds hocon/NAME.conf under this logical name.
    private const string Prefix = "ActorHttp.profiles.";
    private const string Suffix = ".conf";

    private static readonly Assembly Assembly = typeof(BuiltInProfiles).Assembly;

    /// <summary>The names of the built-in profiles (the file names without <c>.conf</c>), in order.</summary>
    public static IReadOnlyList<string> Names { get; } = Assembly.GetManifestResourceNames()
        .Where(r => r.StartsWith(Prefix, StringComparison.Ordinal) && r.EndsWith(Suffix, StringComparison.Ordinal))
        .Select(r => r[Prefix.Length..^Suffix.Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>The HOCON text of the built-in profile <paramref name="name"/>, or null when there is none.</summary>
    public static string? Read(string name)
    {
        if (!Names.Contains(name, StringComparer.Ordinal)) return null;
        using var stream = Assembly.GetManifestResourceStream(Prefix + name + Suffix)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
