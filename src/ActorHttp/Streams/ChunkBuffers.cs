using System.Buffers;

namespace ActorHttp.Streams;

/// <summary>
/// The few buffers one file download reads into, used in turn. A buffer is read into again only after the
/// write that carried it has been acknowledged by the socket (<see cref="ReleaseOldest"/>), so a download
/// allocates at most <see cref="Capacity"/> buffers however long the file, and holds no more however slowly
/// the client reads. Reading every chunk into a fresh array, as FileIO does, makes a large download one array of
/// garbage per chunk, which slow readers keep alive past gen 0 (bench/README.md, the slow-readers scenario).
/// </summary>
/// <remarks>
/// The source stage takes buffers on its dispatcher's thread and the connection actor releases them on its
/// own, so every operation holds a lock for a few instructions. Buffers come from the shared array pool and go
/// back to it once released after the source has stopped; a buffer never released (the connection was cut
/// with writes still queued) is left to the GC, because the socket might still be reading it.
/// </remarks>
public sealed class ChunkBuffers
{
    private readonly object _gate = new();
    private readonly Queue<byte[]> _lent = new();   // in the order the chunks were handed out, which is the order they are written
    private readonly Stack<byte[]> _free = new();
    private int _rented;                             // arrays rented from the pool so far: free, lent or being read into
    private bool _sourceStopped;
    private Action? _onReleased;

    public ChunkBuffers(int capacity, int bufferSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        Capacity = capacity;
        BufferSize = bufferSize;
    }

    /// <summary>Buffers a download may hold at once: chunks on their way to the socket plus the one being read.</summary>
    public int Capacity { get; }

    /// <summary>Bytes per buffer, so the most one chunk carries.</summary>
    public int BufferSize { get; }

    /// <summary>Buffers handed out and not yet released.</summary>
    public int Lent
    {
        get { lock (_gate) return _lent.Count; }
    }

    /// <summary>A buffer to read the next chunk into, or null while all <see cref="Capacity"/> are lent.</summary>
    public byte[]? TryTake()
    {
        lock (_gate)
        {
            if (_free.TryPop(out var free)) return free;
            if (_rented == Capacity) return null;
            _rented++;
        }
        return ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    /// <summary>A taken buffer now carries a chunk that is on its way to the socket.</summary>
    public void Lend(byte[] buffer)
    {
        lock (_gate) _lent.Enqueue(buffer);
    }

    /// <summary>A taken buffer was not used after all (the file ended): it is free again.</summary>
    public void GiveBack(byte[] buffer)
    {
        lock (_gate)
        {
            if (_sourceStopped) ArrayPool<byte>.Shared.Return(buffer);
            else _free.Push(buffer);
        }
    }

    /// <summary>
    /// The oldest chunk lent has been written and acknowledged: its buffer may be read into again. Writes are
    /// acknowledged in the order they were sent, so the oldest is always the one acknowledged.
    /// </summary>
    public void ReleaseOldest()
    {
        Action? wake;
        lock (_gate)
        {
            if (!_lent.TryDequeue(out var buffer))
                throw new InvalidOperationException("No chunk buffer is lent: a write was acknowledged twice or was not a chunk");
            if (_sourceStopped)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                return;
            }
            _free.Push(buffer);
            wake = _onReleased;
        }
        wake?.Invoke();
    }

    /// <summary>Called after each release while the source runs: it may be waiting for a buffer.</summary>
    public void OnReleased(Action wake)
    {
        lock (_gate) _onReleased = wake;
    }

    /// <summary>The source read its last chunk or was stopped: free buffers go back to the pool, lent ones as they are released.</summary>
    public void SourceStopped()
    {
        lock (_gate)
        {
            _sourceStopped = true;
            _onReleased = null;
            while (_free.TryPop(out var buffer)) ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
