namespace ActorHttp.Http;

/// <summary>
/// A body of exactly Content-Length bytes (RFC 9112 §6.2): the data is the next bytes, however they look. The length
/// is checked against the body limit when the framing is chosen, before any byte is read, so room is not needed here.
/// </summary>
internal sealed class ContentLengthBody : BodyDecoder
{
    private long _remaining;

    /// <summary>Begins a body of <paramref name="length"/> bytes (at least one).</summary>
    public void Start(long length) => _remaining = length;

    public override BodyDecodeResult Decode(ReadOnlySpan<byte> input, long room)
    {
        if (_remaining == 0) return BodyDecodeResult.End(0);
        var take = (int)Math.Min(_remaining, input.Length);
        if (take == 0) return BodyDecodeResult.NeedMore(0);
        _remaining -= take;
        return BodyDecodeResult.Data(take, take);
    }
}
