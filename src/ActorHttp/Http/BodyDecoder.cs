namespace ActorHttp.Http;

/// <summary>What one call of <see cref="BodyDecoder.Decode"/> found.</summary>
internal enum BodyStep
{
    /// <summary>The input is used up before the next body data or the body's end; framing read so far is consumed.</summary>
    NeedMore,
    /// <summary>Body data: the last <see cref="BodyDecodeResult.DataLength"/> of the consumed bytes (framing may precede it).</summary>
    Data,
    /// <summary>The body ended with the consumed bytes.</summary>
    End,
    /// <summary>The framing is invalid, or a chunk needs more room than the caller has.</summary>
    Rejected,
}

/// <summary>The outcome of one decode step: bytes consumed from the input given, and what they held.</summary>
internal readonly record struct BodyDecodeResult(BodyStep Step, int Consumed, int DataLength, RequestRejectionReason Rejection)
{
    public static BodyDecodeResult NeedMore(int consumed) => new(BodyStep.NeedMore, consumed, 0, default);
    public static BodyDecodeResult Data(int consumed, int length) => new(BodyStep.Data, consumed, length, default);
    public static BodyDecodeResult End(int consumed) => new(BodyStep.End, consumed, 0, default);
    public static BodyDecodeResult Reject(RequestRejectionReason reason) => new(BodyStep.Rejected, 0, 0, reason);
}

/// <summary>
/// Reads one request body's framing (RFC 9112 §6): one subclass per framing, as Kestrel has one message body per
/// framing. A decoder only says where the data is; whether the data is collected or handed on is the caller's
/// business (<see cref="HttpRequestParser"/>), so both body modes share every line of framing code.
/// </summary>
internal abstract class BodyDecoder
{
    /// <summary>
    /// Decodes from the start of <paramref name="input"/> up to the next piece of data (never an empty one), the
    /// body's end, or the end of the input. <paramref name="room"/> is how many more data bytes the caller will take:
    /// a framing that announces more is refused (413) before any of that data is read.
    /// </summary>
    public abstract BodyDecodeResult Decode(ReadOnlySpan<byte> input, long room);
}
