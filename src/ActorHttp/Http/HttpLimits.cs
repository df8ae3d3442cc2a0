namespace ActorHttp.Http;

/// <summary>
/// The limits the parser enforces on one request. Defaults follow Kestrel's
/// (<c>KestrelServerLimits</c>): 8 KiB request line, 32 KiB of headers, 100 header fields, ~28.6 MiB body.
/// A buffered body is one array, so the parser never buffers more than <see cref="Array.MaxLength"/> bytes
/// whatever <see cref="MaxBodyBytes"/> says.
/// </summary>
public sealed record HttpLimits(int MaxRequestLineBytes, int MaxHeaderBytes, int MaxHeaderCount, long MaxBodyBytes)
{
    /// <summary>Kestrel's defaults.</summary>
    public static readonly HttpLimits Default = new(8 * 1024, 32 * 1024, 100, 30_000_000);
}
