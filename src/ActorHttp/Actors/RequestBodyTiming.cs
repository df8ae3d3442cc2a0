using ActorHttp.Http;

namespace ActorHttp.Actors;

/// <summary>
/// Times a request body against the minimum request-body rate (Kestrel's model): from the body's start,
/// counting only the time the connection waits on the client, the bytes received must keep up with the rate
/// once the grace period is over. Each byte buys 1/rate seconds, so a client trickling a byte now and then
/// runs out of time however often it sends. Time the server holds the body up (a handler not taking it, a
/// 100-continue not sent yet, reading suspended) is paused and not counted. Pure: the caller passes the clock.
/// </summary>
internal sealed class RequestBodyTiming
{
    private readonly MinDataRate _rate;
    private bool _timing;            // a body is being read
    private TimeSpan? _activeSince;  // the clock runs: the connection waits on the client
    private TimeSpan _activeBefore;  // time counted before the last pause
    private long _bytes;

    public RequestBodyTiming(MinDataRate rate) => _rate = rate;

    /// <summary>
    /// Tells whether a body is being read (<paramref name="reading"/>) and whether the wait is on the client
    /// (<paramref name="clientsTurn"/>); starts, pauses, resumes or ends the timing accordingly.
    /// </summary>
    public void Update(TimeSpan now, bool reading, bool clientsTurn)
    {
        if (!reading)
        {
            _timing = false;
            _activeSince = null;
            _activeBefore = TimeSpan.Zero;
            _bytes = 0;
            return;
        }
        _timing = true;
        if (clientsTurn) _activeSince ??= now;
        else if (_activeSince is { } since)
        {
            _activeBefore += now - since;
            _activeSince = null;
        }
    }

    /// <summary>Body bytes arrived.</summary>
    public void Received(int bytes)
    {
        if (_timing) _bytes += bytes;
    }

    /// <summary>When the body falls below the rate if nothing more arrives; <see cref="TimeSpan.MaxValue"/> while paused, idle or off.</summary>
    public TimeSpan Deadline =>
        _rate.IsOff || _activeSince is not { } since ? TimeSpan.MaxValue : since + (_rate.Allowance(_bytes) - _activeBefore);
}
