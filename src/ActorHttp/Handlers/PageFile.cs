using ActorHttp.Http;

namespace ActorHttp.Handlers;

/// <summary>
/// One page kept in memory (the hello page, the 404 page), re-read when the file's size or modification
/// time changes — checked at most once a second, so the hot path does no file I/O.
/// </summary>
public sealed class PageFile
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly string _path;
    private readonly string _contentType;
    private readonly TimeProvider _clock;
    private volatile Snapshot _snapshot;

    private sealed record Snapshot(byte[]? Bytes, long Length, DateTime Modified, DateTimeOffset CheckedAt);

    public PageFile(string path, string contentType = "text/html; charset=utf-8", TimeProvider? clock = null)
    {
        _path = path;
        _contentType = contentType;
        _clock = clock ?? TimeProvider.System;
        _snapshot = Load();
    }

    /// <summary>The page with the given status, or null when the file does not exist.</summary>
    public HttpResponse? Respond(int status)
    {
        var snapshot = Current();
        return snapshot.Bytes is null ? null : HttpResponse.Bytes(status, snapshot.Bytes, _contentType);
    }

    private Snapshot Current()
    {
        var snapshot = _snapshot;
        if (_clock.GetUtcNow() - snapshot.CheckedAt < CheckInterval) return snapshot;
        var info = new FileInfo(_path);
        if (info.Exists == (snapshot.Bytes is not null) && (!info.Exists || (info.Length == snapshot.Length && info.LastWriteTimeUtc == snapshot.Modified)))
            return _snapshot = snapshot with { CheckedAt = _clock.GetUtcNow() };
        return _snapshot = Load();
    }

    private Snapshot Load()
    {
        try
        {
            var info = new FileInfo(_path);
            if (!info.Exists) return new Snapshot(null, 0, default, _clock.GetUtcNow());
            return new Snapshot(File.ReadAllBytes(_path), info.Length, info.LastWriteTimeUtc, _clock.GetUtcNow());
        }
        catch (IOException)
        {
            return new Snapshot(null, 0, default, _clock.GetUtcNow());
        }
        catch (UnauthorizedAccessException)
        {
            return new Snapshot(null, 0, default, _clock.GetUtcNow());
        }
    }
}
