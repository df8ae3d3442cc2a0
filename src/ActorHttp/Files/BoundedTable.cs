using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace ActorHttp.Files;

/// <summary>
/// A concurrent string-keyed table bounded by the memory its entries hold rather than by their number: a
/// key can be a request path as long as the request line allows, so a count of entries bounds nothing.
/// Each entry is charged the estimate <c>sizeOf(key, value)</c> gives. Lookups take no lock; an insert
/// that takes the total past the budget evicts entries (in no particular order, under a lock) down to half
/// the budget, so eviction runs rarely even under a flood of distinct keys. An entry estimated at more than
/// an eighth of the budget is not kept at all: it is recomputed each time instead.
/// </summary>
internal sealed class BoundedTable<TValue> where TValue : class
{
    private readonly ConcurrentDictionary<string, TValue> _entries = new(StringComparer.Ordinal);
    private readonly Func<string, TValue, long> _sizeOf;
    private readonly object _evicting = new();
    private long _bytes;

    public BoundedTable(long maxBytes, Func<string, TValue, long> sizeOf)
    {
        MaxBytes = maxBytes;
        _sizeOf = sizeOf;
    }

    /// <summary>The most estimated bytes the entries hold, a moment's concurrent inserts aside.</summary>
    public long MaxBytes { get; }

    /// <summary>The estimated bytes the entries hold now.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public int Count => _entries.Count;

    public IEnumerable<string> Keys => _entries.Keys;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value) => _entries.TryGetValue(key, out value);

    /// <summary>Adds the entry or replaces the key's value.</summary>
    public void Set(string key, TValue value)
    {
        var size = _sizeOf(key, value);
        if (size > MaxBytes / 8)
        {
            // Too big to keep; an older value of the key must not outlive it either.
            if (_entries.TryRemove(key, out var removed)) Interlocked.Add(ref _bytes, -_sizeOf(key, removed));
            return;
        }
        Interlocked.Add(ref _bytes, ChargedEntries.AddOrReplace(_entries, key, value, size, old => _sizeOf(key, old)));
        if (Interlocked.Read(ref _bytes) > MaxBytes) Evict();
    }

    private void Evict()
    {
        lock (_evicting)
        {
            if (Interlocked.Read(ref _bytes) <= MaxBytes) return;
            var target = MaxBytes / 2;
            foreach (var entry in _entries)
            {
                if (Interlocked.Read(ref _bytes) <= target) break;
                // Removes only if no newer value replaced it meanwhile (that one was charged by its own Set).
                if (_entries.TryRemove(entry)) Interlocked.Add(ref _bytes, -_sizeOf(entry.Key, entry.Value));
            }
        }
    }
}

/// <summary>
/// The add-or-replace of a table that charges its entries' sizes, right under concurrent writers: shared by
/// <see cref="BoundedTable{TValue}"/> and <see cref="FileContentCache"/>.
/// </summary>
internal static class ChargedEntries
{
    /// <summary>
    /// Adds the entry or replaces the key's value, and returns the bytes to add to the charge: its size less
    /// the replaced value's. An eviction that removes either value concurrently subtracts what it removed.
    /// </summary>
    public static long AddOrReplace<TValue>(ConcurrentDictionary<string, TValue> entries, string key, TValue value, long size, Func<TValue, long> sizeOf)
        where TValue : class
    {
        while (true)
        {
            if (entries.TryGetValue(key, out var old))
            {
                if (entries.TryUpdate(key, value, old)) return size - sizeOf(old);
            }
            else if (entries.TryAdd(key, value))
            {
                return size;
            }
        }
    }
}
