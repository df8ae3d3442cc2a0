using ActorHttp.Http;

namespace ActorHttp.Actors;

/// <summary>
/// Times the writes a connection has handed to the socket against the minimum response rate, so a client
/// that stops reading cannot hold its connection (and the response memory behind it) forever. Writes are
/// acknowledged in order, so only the write at the head of the line can be late: it gets
/// max(grace period, its size / rate) from the moment it reached the head (its own issue, or the previous
/// write's acknowledgement). A client reading at the rate or faster is never cut; one reading nothing is cut
/// once the allowance of the write it stalled on has passed. Pure: the caller passes the clock.
/// </summary>
internal sealed class ResponseWriteTiming
{
    private readonly MinDataRate _rate;
    private readonly Queue<int> _pending = new(); // sizes of the writes not yet acknowledged, oldest first

    public ResponseWriteTiming(MinDataRate rate) => _rate = rate;

    /// <summary>When the write at the head of the line is overdue; <see cref="TimeSpan.MaxValue"/> if none is pending or the rate is off.</summary>
    public TimeSpan Deadline { get; private set; } = TimeSpan.MaxValue;

    public bool HasPending => _pending.Count > 0;

    /// <summary>A write of <paramref name="bytes"/> went to the socket, to be acknowledged after those before it.</summary>
    public void Issued(TimeSpan now, int bytes)
    {
        _pending.Enqueue(bytes);
        if (_pending.Count == 1) StartHead(now);
    }

    /// <summary>The oldest pending write was acknowledged: the next one, if any, is timed from now.</summary>
    public void Acknowledged(TimeSpan now)
    {
        if (_pending.Count == 0) return;
        _pending.Dequeue();
        if (_pending.Count == 0) Deadline = TimeSpan.MaxValue;
        else StartHead(now);
    }

    public bool IsOverdue(TimeSpan now) => now >= Deadline;

    private void StartHead(TimeSpan now) =>
        Deadline = _rate.IsOff ? TimeSpan.MaxValue : now + _rate.Allowance(_pending.Peek());
}
