using System.Diagnostics;
using System.Text;

namespace ActorHttp.Http;

/// <summary>
/// The compact binary form of a request and of a response, for messages that leave the process (the cluster's
/// serializer, a journal). Each starts with a format version byte so that a node can refuse what a newer one wrote;
/// strings are UTF-8 with a 7-bit-encoded length (as <see cref="BinaryWriter"/> writes them), numbers 7-bit-encoded,
/// bodies a length and their bytes. Only in-memory bodies can be encoded: a file or a stream lives on one machine.
/// Decoding trusts nothing: every length is checked against the bytes that remain.
/// </summary>
public static class HttpMessageFormat
{
    /// <summary>The version written first; a decoder refuses any other.</summary>
    public const byte Version = 1;

    private const byte BodyNone = 0;
    private const byte BodyBytes = 1;

    /// <summary>The encoded request, with <paramref name="prefix"/> (an entity id) written before it.</summary>
    public static byte[] EncodeRequest(HttpRequest request, string? prefix = null)
    {
        using var stream = new MemoryStream(EncodedLengthBound(request) + (prefix is null ? 0 : MaxStringLength(prefix)));
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            if (prefix is not null) writer.Write(prefix);
            writer.Write(request.Method);
            writer.Write(request.Target);
            writer.Write(request.Path);
            writer.Write(request.Query);
            writer.Write((byte)request.Version);
            WriteHeaders(writer, request.Headers);
            writer.Write7BitEncodedInt(request.RouteValues.Count);
            foreach (var (name, value) in request.RouteValues)
            {
                writer.Write(name);
                writer.Write(value);
            }
            WriteTrace(writer, request.TraceContext);
            writer.Write7BitEncodedInt(request.Body.Length);
            writer.Write(request.Body.Span);
        }
        return stream.ToArray();
    }

    /// <summary>Decodes what <see cref="EncodeRequest"/> wrote; the prefix, when one was written, comes out too.</summary>
    /// <exception cref="FormatException">Another version, or bytes that are not an encoded request.</exception>
    public static HttpRequest DecodeRequest(ReadOnlySpan<byte> bytes, bool hasPrefix, out string? prefix) =>
        Decode(bytes, reader =>
        {
            var prefixRead = hasPrefix ? reader.ReadString() : null;
            var method = reader.ReadString();
            var target = reader.ReadString();
            var path = reader.ReadString();
            var query = reader.ReadString();
            var version = reader.ReadByte() switch
            {
                (byte)HttpVersion.Http10 => HttpVersion.Http10,
                (byte)HttpVersion.Http11 => HttpVersion.Http11,
                var other => throw new FormatException($"unknown HTTP version {other}"),
            };
            var headers = ReadHeaders(reader);
            var count = ReadCount(reader);
            var values = new Dictionary<string, string>(count, StringComparer.Ordinal);
            for (var i = 0; i < count; i++) values[reader.ReadString()] = reader.ReadString();
            var trace = ReadTrace(reader);
            var body = ReadBody(reader);
            return (new HttpRequest(method, target, path, query, version, headers, body)
            {
                RouteValues = values,
                TraceContext = trace,
            }, prefixRead);
        }, out prefix);

    /// <summary>The encoded response; null, with the reason, when its body cannot leave this process.</summary>
    public static byte[]? EncodeResponse(HttpResponse response, out string? refusal)
    {
        refusal = Refusal(response);
        if (refusal is not null) return null;
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            writer.Write7BitEncodedInt(response.Status);
            WriteHeaders(writer, response.Headers);
            if (response.Body is ResponseBody.Bytes bytes)
            {
                writer.Write(BodyBytes);
                writer.Write7BitEncodedInt(bytes.Content.Length);
                writer.Write(bytes.Content.Span);
            }
            else writer.Write(BodyNone);
        }
        return stream.ToArray();
    }

    /// <summary>Decodes what <see cref="EncodeResponse"/> wrote.</summary>
    /// <exception cref="FormatException">Another version, or bytes that are not an encoded response.</exception>
    public static HttpResponse DecodeResponse(ReadOnlySpan<byte> bytes) =>
        Decode(bytes, reader =>
        {
            var status = reader.Read7BitEncodedInt();
            if (status is < 100 or > 999) throw new FormatException($"status {status} out of range");
            var headers = ReadHeaders(reader);
            ResponseBody body = reader.ReadByte() switch
            {
                BodyNone => ResponseBody.None.Instance,
                BodyBytes => new ResponseBody.Bytes(ReadBody(reader)),
                var other => throw new FormatException($"unknown body kind {other}"),
            };
            return (new HttpResponse(status, headers, body), (string?)null);
        }, out _);

    /// <summary>Why a response cannot be encoded (its body is a file or a stream), or null when it can.</summary>
    public static string? Refusal(HttpResponse response) => response.Body switch
    {
        ResponseBody.None or ResponseBody.Bytes => null,
        ResponseBody.File => "its body is a file, which another node cannot read",
        _ => "its body is a stream, which cannot cross nodes",
    };

    /// <summary>
    /// At least the length <see cref="EncodeRequest"/> writes (UTF-8 counted at its widest, 3 bytes a UTF-16 unit):
    /// checked against a transport's frame size before a request is sent at all.
    /// </summary>
    public static int EncodedLengthBound(HttpRequest request)
    {
        long length = 1 + 1 + 5 + 5 + 1 + 26 + 5 + (long)request.Body.Length
            + MaxStringLength(request.Method) + MaxStringLength(request.Target) + MaxStringLength(request.Path) + MaxStringLength(request.Query);
        foreach (var header in request.Headers) length += MaxStringLength(header.Name) + MaxStringLength(header.Value);
        foreach (var (name, value) in request.RouteValues) length += MaxStringLength(name) + MaxStringLength(value);
        return (int)Math.Min(length, int.MaxValue);
    }

    /// <summary>At least the length <see cref="EncodeResponse"/> writes.</summary>
    public static long EncodedLengthBound(HttpResponse response)
    {
        long length = 1 + 5 + 5 + 1 + 5 + (response.Body.Length ?? 0);
        foreach (var header in response.Headers) length += MaxStringLength(header.Name) + MaxStringLength(header.Value);
        return length;
    }

    private static int MaxStringLength(string value) => 5 + 3 * value.Length;

    private static void WriteHeaders(BinaryWriter writer, HttpHeaders headers)
    {
        writer.Write7BitEncodedInt(headers.Count);
        foreach (var header in headers)
        {
            writer.Write(header.Name);
            writer.Write(header.Value);
        }
    }

    private static HttpHeaders ReadHeaders(BinaryReader reader)
    {
        var count = ReadCount(reader);
        var fields = new HttpHeader[count];
        for (var i = 0; i < count; i++) fields[i] = new HttpHeader(reader.ReadString(), reader.ReadString());
        return new HttpHeaders(fields);
    }

    // W3C trace context: a flag, then the trace id (16 bytes), the span id (8) and the trace flags (1), so that a
    // handler on another node continues the request's trace.
    private static void WriteTrace(BinaryWriter writer, ActivityContext context)
    {
        var traced = context != default;
        writer.Write(traced);
        if (!traced) return;
        Span<byte> ids = stackalloc byte[24];
        context.TraceId.CopyTo(ids[..16]);
        context.SpanId.CopyTo(ids[16..]);
        writer.Write(ids);
        writer.Write((byte)context.TraceFlags);
    }

    private static ActivityContext ReadTrace(BinaryReader reader)
    {
        if (!reader.ReadBoolean()) return default;
        var ids = reader.ReadBytes(24);
        if (ids.Length != 24) throw new EndOfStreamException();
        return new ActivityContext(ActivityTraceId.CreateFromBytes(ids.AsSpan(0, 16)), ActivitySpanId.CreateFromBytes(ids.AsSpan(16, 8)),
            (ActivityTraceFlags)reader.ReadByte(), isRemote: true);
    }

    private static byte[] ReadBody(BinaryReader reader)
    {
        var length = ReadCount(reader);
        var body = reader.ReadBytes(length);
        return body.Length == length ? body : throw new EndOfStreamException();
    }

    /// <summary>A count or length, never more than the bytes left: a forged length cannot make the decoder allocate.</summary>
    private static int ReadCount(BinaryReader reader)
    {
        var count = reader.Read7BitEncodedInt();
        if (count < 0 || count > reader.BaseStream.Length - reader.BaseStream.Position)
            throw new FormatException($"a count of {count} with {reader.BaseStream.Length - reader.BaseStream.Position} bytes left");
        return count;
    }

    private static T Decode<T>(ReadOnlySpan<byte> bytes, Func<BinaryReader, (T Value, string? Prefix)> read, out string? prefix)
    {
        if (bytes.Length == 0 || bytes[0] != Version)
            throw new FormatException(bytes.Length == 0 ? "no bytes" : $"format version {bytes[0]}, this node reads {Version}");
        using var stream = new MemoryStream(bytes.ToArray(), 1, bytes.Length - 1, writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            var (value, readPrefix) = read(reader);
            if (stream.Position != stream.Length) throw new FormatException($"{stream.Length - stream.Position} bytes after the message");
            prefix = readPrefix;
            return value;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or DecoderFallbackException)
        {
            throw new FormatException("truncated or malformed: " + e.Message, e);
        }
    }
}
