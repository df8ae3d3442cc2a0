using Akka.IO;

namespace ActorHttp.Actors;

/// <summary>
/// The bytes received but not yet parsed. When nothing is left over, a received frame is parsed where it
/// lies and never copied; only a leftover (a partial request) is kept, in one reused array.
/// </summary>
internal sealed class InputBuffer
{
    private byte[] _bytes = Array.Empty<byte>();
    private int _start;
    private int _count;
    private ByteString? _frame; // a received frame not copied yet
    private int _frameOffset;

    public bool IsEmpty => _count == 0 && _frame is null;

    public int Length => _count + (_frame is null ? 0 : _frame.Count - _frameOffset);

    public void Append(ByteString data)
    {
        if (data.IsEmpty) return;
        if (_count == 0 && _frame is null)
        {
            _frame = data;
            _frameOffset = 0;
            return;
        }
        Spill();
        Reserve(data.Count);
        var target = new Span<byte>(_bytes, _start + _count, data.Count);
        data.CopyTo(ref target);
        _count += data.Count;
    }

    /// <summary>The unparsed bytes as one span.</summary>
    public ReadOnlySpan<byte> Span => _frame is null
        ? new ReadOnlySpan<byte>(_bytes, _start, _count)
        : _frame.ToReadOnlySpan()[_frameOffset..];

    public void Consume(int count)
    {
        if (count == 0) return;
        if (_frame is not null)
        {
            _frameOffset += count;
            if (_frameOffset >= _frame.Count) { _frame = null; _frameOffset = 0; }
            return;
        }
        _start += count;
        _count -= count;
        if (_count == 0) _start = 0;
    }

    /// <summary>Keeps what is left of the current frame in our own array before more arrives.</summary>
    public void Spill()
    {
        if (_frame is null) return;
        var rest = _frame.Count - _frameOffset;
        var frame = _frame;
        var offset = _frameOffset;
        _frame = null;
        _frameOffset = 0;
        Reserve(rest);
        var target = new Span<byte>(_bytes, _start + _count, rest);
        frame.Slice(offset).CopyTo(ref target);
        _count += rest;
    }

    public void Clear()
    {
        _frame = null;
        _frameOffset = _start = _count = 0;
        _bytes = Array.Empty<byte>();
    }

    /// <summary>Drops the array when nothing is left in it, for a connection that is mostly idle (a WebSocket).</summary>
    public void ReleaseIfEmpty()
    {
        if (_count == 0 && _frame is null) Clear();
    }

    private void Reserve(int extra)
    {
        if (_start + _count + extra <= _bytes.Length) return;
        if (_count + extra <= _bytes.Length)
        {
            Array.Copy(_bytes, _start, _bytes, 0, _count);
            _start = 0;
            return;
        }
        var grown = new byte[Math.Max(_count + extra, Math.Max(4096, _bytes.Length * 2))];
        Array.Copy(_bytes, _start, grown, 0, _count);
        _bytes = grown;
        _start = 0;
    }
}
