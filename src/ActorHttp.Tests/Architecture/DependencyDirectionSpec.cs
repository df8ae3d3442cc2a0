using System.Text.RegularExpressions;
using ActorHttp.Tests.Observability;

namespace ActorHttp.Tests.Architecture;

/// <summary>
/// The folders of src/ActorHttp depend on each other in one direction, lowest first:
/// Http ← {Files, Streams, Observability, Routing} ← Configuration ← Actors ← Handlers ← Cluster ← Hosting (README,
/// "Architecture").
/// A file may use its own folder's namespace and those of lower layers, never a higher one, and folders on one level
/// use none of each other. Only Hosting reads HOCON. Each folder is the namespace ActorHttp.Folder; Program.cs, at the
/// top, may use them all.
/// </summary>
public sealed partial class DependencyDirectionSpec
{
    /// <summary>The layers, lowest first.</summary>
    private static readonly string[][] Layers =
    {
        new[] { "Http" },                                         // the wire format and the request/response model
        new[] { "Files", "Streams", "Observability", "Routing" }, // each built on Http alone
        new[] { "Configuration" },                                // the settings records, their range checks
        new[] { "Actors" },                                       // the listener and connection actors
        new[] { "Handlers" },                                     // the built-in routes and the static-file fallback
        new[] { "Cluster" },                                      // sharded routes, the counter entity, the wire format between nodes
        new[] { "Hosting" },                                      // HOCON, the library entry point, the console host
    };

    /// <summary>Uses allowed between folders on one level, as (user, used). None today.</summary>
    private static readonly (string User, string Used)[] SameLevelUses = Array.Empty<(string, string)>();

    private const string ServerFolder = "src/ActorHttp";

    [Fact]
    public void Every_file_uses_only_its_own_folder_and_lower_layers()
    {
        var violations = SourceFiles().SelectMany(f => DependencyViolations(f.Path, f.Text)).ToList();

        Assert.True(violations.Count == 0, "Uses against the direction of dependency (paths below src/ActorHttp):\n" + string.Join("\n", violations));
    }

    [Fact]
    public void No_file_outside_Hosting_reads_HOCON()
    {
        var violations = SourceFiles().SelectMany(f => HoconReads(f.Path, f.Text)).ToList();

        Assert.True(violations.Count == 0, "HOCON read outside Hosting (paths below src/ActorHttp):\n" + string.Join("\n", violations));
    }

    [Fact]
    public void Every_folder_of_the_server_has_a_layer()
    {
        var folders = Directory.GetDirectories(RepoFiles.PathOf(ServerFolder))
            .Select(d => Path.GetFileName(d)!)
            .Where(d => d is not ("bin" or "obj"));

        Assert.All(folders, folder => Assert.True(LayerOf(folder) is not null, $"{folder} has no layer in DependencyDirectionSpec.Layers"));
        Assert.True(SourceFiles().Count() > 50, "the scan found too few source files to be looking in the right place");
    }

    [Theory]
    [InlineData("Actors/Sample.cs", "using Akka.Actor;\nusing ActorHttp.Hosting;\n", 2)]
    [InlineData("Http/Sample.cs", "namespace ActorHttp.Http;\nclass C { ActorHttp.Routing.Route? r; }\n", 2)]
    [InlineData("Files/Sample.cs", "using AccessLog = ActorHttp.Observability.AccessLog;\n", 1)]
    [InlineData("Configuration/Sample.cs", "namespace ActorHttp.Configuration;\nclass C { global::ActorHttp.Actors.ServerContext? c; }\n", 2)]
    [InlineData("Actors/Sample.cs", "namespace ActorHttp.Hosting;\n", 1)]
    [InlineData("Http/Sample.cs", "global using ActorHttp.Http;\n", 1)]
    public void A_use_against_the_direction_is_reported_with_its_file_and_line(string file, string source, int line)
    {
        var violation = Assert.Single(DependencyViolations(file, source));

        Assert.StartsWith($"{file}:{line}: ", violation);
    }

    [Theory]
    [InlineData("Hosting/Sample.cs", "using ActorHttp.Actors;\nusing ActorHttp.Configuration;\n")]
    [InlineData("Actors/Sample.cs", "namespace ActorHttp.Actors;\nusing ActorHttp.Http;\nusing ActorHttp.Observability;\n")]
    [InlineData("Actors/Sample.cs", "// using ActorHttp.Hosting;\n/* ActorHttp.Hosting.X */ var s = \"ActorHttp.Hosting.HttpServer\";\n")]
    [InlineData("Actors/Sample.cs", "var s = $$\"\"\"\n  ActorHttp.Hosting.X {{x}}\n  \"\"\"; var c = '\"'; var t = @\"a\"\"ActorHttp.Hosting\";\n")]
    [InlineData("Program.cs", "using ActorHttp.Hosting;\n")]
    public void Uses_along_the_direction_and_text_in_comments_or_literals_are_not_reported(string file, string source) =>
        Assert.Empty(DependencyViolations(file, source));

    [Theory]
    [InlineData("Actors/Sample.cs", "var d = system.Settings.Config.GetString(\"akka.x\");", true)]
    [InlineData("Observability/Sample.cs", "var c = ConfigurationFactory.ParseString(text);", true)]
    [InlineData("Routing/Sample.cs", "HoconValue v = null!;", true)]
    [InlineData("Handlers/Sample.cs", "var sub = config.GetConfig(\"actorhttp\");", true)]
    [InlineData("Actors/Sample.cs", "var v = config.GetValue(\"a\");", true)]
    [InlineData("Http/Sample.cs", "var s = Encoding.ASCII.GetString(bytes);", false)]
    [InlineData("Files/Sample.cs", "table.TryGetValue(key, out var v); table.GetValueOrDefault(key);", false)]
    [InlineData("Actors/Sample.cs", "public CompactMailbox(Settings settings, Config config) : base(settings, config) { }", false)]
    [InlineData("Hosting/Sample.cs", "var d = config.GetString(\"akka.x\");", false)]
    public void A_HOCON_read_is_recognised(string file, string source, bool reported) =>
        Assert.Equal(reported, HoconReads(file, source).Any());

    // ---- the rules ----------------------------------------------------------------------------------------------

    /// <summary>Every reference to an ActorHttp namespace in a file that its folder may not make.</summary>
    private static IEnumerable<string> DependencyViolations(string file, string source)
    {
        var folder = FolderOf(file);
        var layer = folder is null ? int.MaxValue : LayerOf(folder) ?? throw new InvalidOperationException($"{file}: folder has no layer");
        foreach (var (line, code, _) in Lines(source))
        {
            if (GlobalUsing().IsMatch(code))
                yield return $"{file}:{line}: a global using of an ActorHttp namespace hides from each file what it uses";
            var declared = NamespaceDeclaration().Match(code);
            if (declared.Success && declared.Groups[1].Value != folder)
                yield return $"{file}:{line}: declares namespace ActorHttp.{declared.Groups[1].Value} in folder {folder ?? "(root)"}";
            if (declared.Success) continue;
            foreach (Match use in NamespaceUse().Matches(code))
            {
                var used = use.Groups[1].Value;
                if (used == folder || used == "Tests") continue;
                var usedLayer = LayerOf(used);
                if (usedLayer is null)
                    yield return $"{file}:{line}: uses ActorHttp.{used}, which is not a folder with a layer";
                else if (usedLayer > layer)
                    yield return $"{file}:{line}: {folder} (layer {layer}) uses ActorHttp.{used} (layer {usedLayer}), a higher layer";
                else if (usedLayer == layer && !SameLevelUses.Contains((folder!, used)))
                    yield return $"{file}:{line}: {folder} uses ActorHttp.{used}, a folder on its own level";
            }
        }
    }

    /// <summary>Every use of Akka's HOCON reading API in a file outside Hosting.</summary>
    private static IEnumerable<string> HoconReads(string file, string source)
    {
        if (FolderOf(file) is "Hosting") yield break;
        foreach (var (line, code, text) in Lines(source))
            if (HoconRead().IsMatch(code))
                yield return $"{file}:{line}: {text.Trim()}";
    }

    // A using (plain, static or alias) or a qualified name: ActorHttp.X, after "global::" or not.
    [GeneratedRegex(@"(?<![\w.])ActorHttp\.([A-Za-z]\w*)")]
    private static partial Regex NamespaceUse();

    [GeneratedRegex(@"^\s*namespace\s+ActorHttp\.([A-Za-z]\w*)")]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"\bglobal\s+using\s+(static\s+)?(\w+\s*=\s*)?(global::)?ActorHttp\b")]
    private static partial Regex GlobalUsing();

    // The parser's entry points and HOCON's value types, and Config's getters (Encoding.X.GetString reads bytes, not HOCON).
    [GeneratedRegex(@"\b(ConfigurationFactory|HoconValue|HoconObject|HoconRoot|HoconArray)\b|(?<!Encoding\.\w+)\.(GetConfig|GetValue|GetString|GetStringList|GetInt|GetLong|GetDouble|GetBoolean|GetTimeSpan|GetByteSize)\s*\(")]
    private static partial Regex HoconRead();

    // ---- the files ----------------------------------------------------------------------------------------------

    private static IEnumerable<(string Path, string Text)> SourceFiles()
    {
        var root = RepoFiles.PathOf(ServerFolder);
        return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
            .Where(path => !path.StartsWith("bin/", StringComparison.Ordinal) && !path.StartsWith("obj/", StringComparison.Ordinal))
            .Select(path => (path, File.ReadAllText(Path.Combine(root, path))));
    }

    /// <summary>The file's folder below src/ActorHttp, null for a file at the top (Program.cs).</summary>
    private static string? FolderOf(string file) => file.IndexOf('/') is var slash and > 0 ? file[..slash] : null;

    private static int? LayerOf(string folder) =>
        Array.FindIndex(Layers, level => level.Contains(folder)) is var index and >= 0 ? index : null;

    /// <summary>Each line numbered from 1: its code (comments and literals blanked) and its text.</summary>
    private static IEnumerable<(int Line, string Code, string Text)> Lines(string source) =>
        CodeText.WithoutCommentsAndLiterals(source).Split('\n').Zip(source.Split('\n'), (code, text) => (code, text))
            .Select((pair, i) => (i + 1, pair.code, pair.text));
}
