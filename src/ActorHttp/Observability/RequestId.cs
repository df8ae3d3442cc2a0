using System.Diagnostics;

namespace ActorHttp.Observability;

/// <summary>
/// The <c>X-Request-Id</c> of a request, echoed on its response and written to the access log. A client's (or a
/// proxy's) id is kept when it is 1 to 128 characters of <c>[A-Za-z0-9._-]</c>: enough for a UUID, a trace id
/// or a proxy's counter, and nothing that could split a header or a log line. Anything else is replaced: by the
/// trace id when the request is traced, so the log and the trace join on one value, or by 16 random bytes in hex.
/// </summary>
public static class RequestId
{
    /// <summary>The request header (and response header) carrying the id.</summary>
    public const string HeaderName = "X-Request-Id";

    /// <summary>The longest id taken from a request.</summary>
    public const int MaxLength = 128;

    /// <summary>The id to use: <paramref name="received"/> when valid, else the trace id or a fresh random one.</summary>
    public static string For(string? received, Activity? trace)
    {
        if (IsValid(received)) return received!;
        return trace is not null ? trace.TraceId.ToHexString() : Generate();
    }

    /// <summary>True for 1 to <see cref="MaxLength"/> characters of <c>[A-Za-z0-9._-]</c>.</summary>
    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength) return false;
        foreach (var c in id)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')) return false;
        return true;
    }

    /// <summary>
    /// 16 random bytes as 32 lower-case hex digits. An id only has to be unique, not unguessable: the shared
    /// pseudo-random generator costs nanoseconds, where the cryptographic one asks the kernel on every request.
    /// </summary>
    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}
