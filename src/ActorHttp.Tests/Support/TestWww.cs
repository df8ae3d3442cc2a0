namespace ActorHttp.Tests.Support;

/// <summary>A throw-away web root with the two pages the server needs, deleted when disposed.</summary>
public sealed class TestWww : IDisposable
{
    public const string Hello = "<html><body><h1>Hello!</h1></body></html>\n";
    public const string Oops = "<html><body><h1>Oops!</h1></body></html>\n";

    public TestWww()
    {
        Root = Path.Combine(Path.GetTempPath(), "actorhttp-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        File.WriteAllText(Path.Combine(Root, "hello.html"), Hello);
        File.WriteAllText(Path.Combine(Root, "404.html"), Oops);
    }

    public string Root { get; }

    /// <summary>Writes a file under the root and returns its full path.</summary>
    public string Write(string relativePath, byte[] content)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
