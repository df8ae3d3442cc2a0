using System.Text;
using ActorHttp.Files;
using ActorHttp.Http;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Files;

/// <summary>A clock that moves only when told to, so cache lifetimes are tested without sleeping.</summary>
internal sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now;

    public ManualClock(DateTimeOffset start) => _now = start;

    public override DateTimeOffset GetUtcNow() => _now;
    public override long GetTimestamp() => _now.UtcTicks;
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>A fresh directory under the system temp folder, deleted (links and all) on dispose.</summary>
internal sealed class TempTree : IDisposable
{
    public TempTree()
    {
        Base = Path.Combine(Path.GetTempPath(), "actorhttp-files-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Base);
    }

    public string Base { get; }

    public string Full(string relative) => Path.Combine(Base, relative.Replace('/', Path.DirectorySeparatorChar));

    public string Write(string relative, string content, DateTime? lastWriteUtc = null) =>
        Write(relative, Encoding.UTF8.GetBytes(content), lastWriteUtc);

    public string Write(string relative, byte[] content, DateTime? lastWriteUtc = null)
    {
        var path = Full(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        File.SetLastWriteTimeUtc(path, lastWriteUtc ?? Requests.FileTime);
        return path;
    }

    public void Dir(string relative) => Directory.CreateDirectory(Full(relative));

    public void FileLink(string relative, string target) => File.CreateSymbolicLink(Full(relative), target);

    public void DirLink(string relative, string target) => Directory.CreateSymbolicLink(Full(relative), target);

    public void Dispose()
    {
        try { Directory.Delete(Base, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>Requests and response readers shared by the Files specs.</summary>
internal static class Requests
{
    /// <summary>The modification time test files get unless a test says otherwise.</summary>
    public static readonly DateTime FileTime = new(2024, 5, 1, 12, 30, 15, 250, DateTimeKind.Utc);

    /// <summary>The test clock's "now": well after <see cref="FileTime"/>.</summary>
    public static readonly DateTimeOffset Now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static HttpRequest Make(string method, string path, string query = "", params (string Name, string Value)[] headers) =>
        new(method, query.Length == 0 ? path : path + "?" + query, path, query, HttpVersion.Http11,
            new HttpHeaders(headers.Select(h => new HttpHeader(h.Name, h.Value))), ReadOnlyMemory<byte>.Empty);

    public static HttpRequest Get(string path, params (string Name, string Value)[] headers) => Make("GET", path, "", headers);

    public static HttpRequest Head(string path, params (string Name, string Value)[] headers) => Make("HEAD", path, "", headers);

    /// <summary>The body as text, whether it is in memory or a region of a file.</summary>
    public static string BodyText(HttpResponse response) => response.Body switch
    {
        ResponseBody.Bytes b => Encoding.UTF8.GetString(b.Content.Span),
        ResponseBody.File f => Encoding.UTF8.GetString(ReadRegion(f)),
        ResponseBody.None => "",
        _ => throw new InvalidOperationException("unexpected body kind"),
    };

    private static byte[] ReadRegion(ResponseBody.File f)
    {
        using var stream = File.OpenRead(f.Path);
        stream.Position = f.Offset;
        var buffer = new byte[f.Count];
        stream.ReadExactly(buffer);
        return buffer;
    }

    /// <summary>Files served from <paramref name="root"/> with the reference configuration's settings, or these sizes.</summary>
    public static StaticFiles Serve(string root, ManualClock clock, long? smallFileLimit = null, long? cacheMaxBytes = null)
    {
        var defaults = TestSettings.Files(root);
        return new(defaults with
        {
            SmallFileLimit = smallFileLimit ?? defaults.SmallFileLimit,
            CacheMaxBytes = cacheMaxBytes ?? defaults.CacheMaxBytes,
        }, clock);
    }
}
