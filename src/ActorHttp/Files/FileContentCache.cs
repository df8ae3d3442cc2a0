using System.Collections.Concurrent;

namespace ActorHttp.Files;

/// <summary>
/// The small files' contents, and the copies of them compressed on the fly, bounded in bytes together,
/// shared by every connection actor. Lookups take no lock (a concurrent dictionary read and a stamp
/// write); inserting past the budget evicts the least recently used entries under a lock, down to three
/// quarters of the budget so that eviction — a sort of the entries — runs rarely even when the working
/// set does not fit.
/// </summary>
public sealed class FileContentCache
{
    private readonly ConcurrentDictionary<string, FileRepresentation> _files = new();
    private readonly object _evicting = new();
    private readonly TimeProvider _clock;
    private long _bytes;

    /// <summary>A cache holding at most <paramref name="maxBytes"/> bytes of file content.</summary>
    public FileContentCache(long maxBytes, TimeProvider clock)
    {
        MaxBytes = maxBytes;
        _clock = clock;
    }

    public long MaxBytes { get; }

    /// <summary>The bytes of file content held now.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>The number of files held now.</summary>
    public int Count => _files.Count;

    /// <summary>
    /// The cached representation under that key (a path, or a compressed copy's <see cref="FileRepresentation.CacheKey"/>)
    /// if the file it was made from still has that length and modification time.
    /// </summary>
    public FileRepresentation? Get(string key, long length, DateTime lastWriteUtc)
    {
        if (!_files.TryGetValue(key, out var file) || !file.Describes(length, lastWriteUtc)) return null;
        Volatile.Write(ref file.LastUsed, _clock.GetTimestamp());
        return file;
    }

    /// <summary>
    /// Adds or replaces the entry under the representation's <see cref="FileRepresentation.CacheKey"/>; one bigger
    /// than the whole budget is not kept. A compressed copy is an entry of its own, charged its own bytes.
    /// </summary>
    public void Put(FileRepresentation file)
    {
        var size = file.Content?.Length ?? 0;
        if (file.Content is null || size > MaxBytes) return;
        file.LastUsed = _clock.GetTimestamp();
        Interlocked.Add(ref _bytes, ChargedEntries.AddOrReplace(_files, file.CacheKey, file, size, old => old.Content!.Length));
        if (Interlocked.Read(ref _bytes) > MaxBytes) Evict();
    }

    private void Evict()
    {
        lock (_evicting)
        {
            if (Interlocked.Read(ref _bytes) <= MaxBytes) return;
            var target = MaxBytes / 4 * 3;
            var entries = _files.ToArray();
            // Stamps keep changing under concurrent reads: sort a snapshot of them, not the live values.
            var stamps = new long[entries.Length];
            for (var i = 0; i < entries.Length; i++) stamps[i] = Volatile.Read(ref entries[i].Value.LastUsed);
            Array.Sort(stamps, entries);
            foreach (var entry in entries)
            {
                if (Interlocked.Read(ref _bytes) <= target) break;
                // Removes only if no newer version replaced it meanwhile.
                if (_files.TryRemove(entry)) Interlocked.Add(ref _bytes, -entry.Value.Content!.Length);
            }
        }
    }
}
