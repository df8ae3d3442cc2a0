using System.IO.Compression;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;

namespace ActorHttp.Tests.Hosting;

/// <summary>
/// What <c>dotnet pack</c> makes: the library to embed, with its metadata and only the dependencies it uses, and the
/// <c>actorhttp</c> tool, installed into a folder and run from another, as the README's "Install as a tool" says.
/// </summary>
public sealed class PackagesSpec : IClassFixture<PackedArtifacts>
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly PackedArtifacts _packed;

    public PackagesSpec(PackedArtifacts packed) => _packed = packed;

    private XElement Nuspec(string id)
    {
        using var package = ZipFile.OpenRead(_packed.PackagePath(id));
        using var stream = package.GetEntry($"{id}.nuspec")!.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static IEnumerable<XElement> Named(XElement parent, string name) =>
        parent.Descendants().Where(e => e.Name.LocalName == name);

    [Fact]
    public void The_library_package_has_its_metadata_and_depends_on_the_packages_the_project_references_alone()
    {
        // Akka and Akka.Streams (the server), Akka.Hosting (WithActorHttp), OpenTelemetry and its OTLP exporter (the
        // console host's export), System.CommandLine (the console host), Akka.Cluster, Akka.Cluster.Sharding,
        // Akka.Persistence.Sql and its SQLite and PostgreSQL providers (actorhttp.cluster): nothing a test or a build
        // step brought in.
        var metadata = Nuspec("ActorHttp");

        foreach (var element in new[] { "description", "license", "readme", "repository", "tags" })
            Assert.False(string.IsNullOrWhiteSpace(Named(metadata, element).SingleOrDefault()?.ToString()), $"no <{element}> in ActorHttp.nuspec");
        Assert.Equal(new[] { "Akka", "Akka.Cluster", "Akka.Cluster.Sharding", "Akka.Hosting", "Akka.Persistence.Sql", "Akka.Streams", "Microsoft.Data.Sqlite", "Npgsql", "OpenTelemetry", "OpenTelemetry.Exporter.OpenTelemetryProtocol", "System.CommandLine" },
            Named(metadata, "dependency").Select(d => (string)d.Attribute("id")!).Order());
        Assert.True(File.Exists(_packed.PackagePath("ActorHttp", "snupkg")), "no symbol package ActorHttp.snupkg");
    }

    [Fact]
    public void The_library_package_holds_portable_IL_not_the_ReadyToRun_image_a_Release_build_makes()
    {
        using var package = ZipFile.OpenRead(_packed.PackagePath("ActorHttp"));
        // A library is loaded by its user's host: the console host's runtimeconfig.json would only mislead.
        Assert.DoesNotContain(package.Entries, e => e.FullName.EndsWith(".runtimeconfig.json", StringComparison.Ordinal));
        using var assembly = new MemoryStream();
        using (var entry = package.GetEntry("lib/net10.0/ActorHttp.dll")!.Open()) entry.CopyTo(assembly);
        assembly.Position = 0;
        using var pe = new PEReader(assembly);

        // A ReadyToRun image carries a managed native header; IL compiled for any platform has none.
        Assert.Equal(0, pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size);
    }

    [Fact]
    public async Task The_tool_installs_from_the_packages_into_a_folder_and_serves_a_site_from_another_with_a_built_in_profile()
    {
        var tool = Path.Combine(_packed.Folder, "tool");
        var work = Directory.CreateDirectory(Path.Combine(_packed.Folder, "work")).FullName;
        Directory.CreateDirectory(Path.Combine(work, "site"));
        var page = "<h1>site " + Guid.NewGuid().ToString("N") + "</h1>";
        File.WriteAllText(Path.Combine(work, "site", "index.html"), page);
        // Only the fresh packages may be installed: a nuget.config clearing every other source, and a packages folder
        // of its own, where no package of the same version from an earlier run stands in for this one. The tool
        // package carries all its dependencies, so the install needs nothing else.
        File.WriteAllText(Path.Combine(_packed.Folder, "nuget.config"), "<configuration><packageSources><clear /></packageSources></configuration>");
        DotnetCommand.Run(_packed.Folder, InstallTimeout, new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_packed.Folder, "packages") },
            "tool", "install", "ActorHttp.Tool", "--tool-path", tool, "--add-source", _packed.Artifacts, "--version", _packed.Version);

        using var host = await HostProcess.StartCommandAsync(Path.Combine(tool, "actorhttp"), work,
            "--port", "0", "--root", "./site", "--config", "dedicated");
        await host.WaitForErrorLineAsync(l => l == "profile: built-in dedicated", StopTimeout);
        using (var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
            Assert.Equal(page, await client.GetStringAsync($"http://127.0.0.1:{host.Port}/"));

        host.Signal(HostProcess.SIGTERM);
        Assert.Equal(0, await host.WaitForExitAsync(StopTimeout));
    }
}
