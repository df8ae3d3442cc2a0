using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using Akka.IO;

namespace ActorHttp.Http;

/// <summary>How the body of a response is framed on the wire (RFC 9112 §6).</summary>
public enum BodyFraming
{
    /// <summary>Content-Length announced (possibly 0), or no body allowed at all.</summary>
    ContentLength,
    /// <summary>Transfer-Encoding: chunked, for an HTTP/1.1 stream of unknown length.</summary>
    Chunked,
    /// <summary>The body ends when the connection closes: an HTTP/1.0 stream of unknown length.</summary>
    CloseDelimited,
}

/// <summary>
/// Encodes a response head (status line and header section) into bytes. Pure code: the connection actor
/// decides keep-alive and HEAD-ness and passes them in. The status line and common header names are
/// pre-encoded; the Date header comes from <see cref="HttpDate.NowBytes"/>.
/// </summary>
public static class ResponseWriter
{
    private static readonly byte[] ServerHeader = "Server: ActorHttp\r\n"u8.ToArray();
    private static readonly byte[] ConnectionClose = "Connection: close\r\n"u8.ToArray();
    private static readonly byte[] ConnectionKeepAlive = "Connection: keep-alive\r\n"u8.ToArray();
    private static readonly byte[] ConnectionUpgrade = "Connection: Upgrade\r\n"u8.ToArray();
    private static readonly byte[] ChunkedHeader = "Transfer-Encoding: chunked\r\n"u8.ToArray();
    private static readonly byte[][] StatusLines = BuildStatusLines();

    private static byte[][] BuildStatusLines()
    {
        var lines = new byte[600][];
        for (var status = 100; status < 600; status++)
            lines[status] = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {ReasonPhrases.For(status)}\r\n");
        return lines;
    }

    /// <summary>The framing a response will use, given what the client speaks.</summary>
    public static BodyFraming FramingFor(HttpResponse response, HttpVersion version) =>
        ReasonPhrases.ForbidsBody(response.Status) || response.Body.Length is not null ? BodyFraming.ContentLength
        : version == HttpVersion.Http11 ? BodyFraming.Chunked
        : BodyFraming.CloseDelimited;

    /// <summary>
    /// Writes the head into <paramref name="output"/>. <paramref name="keepAlive"/> false adds
    /// <c>Connection: close</c>; for an HTTP/1.0 client kept alive, <c>Connection: keep-alive</c> is added.
    /// Handler-set Content-Length, Transfer-Encoding, Connection and Date are replaced by the server's own, and
    /// X-Request-Id by <paramref name="requestId"/> (printable ASCII without CR or LF, as the caller vouches).
    /// </summary>
    public static void WriteHead(IBufferWriter<byte> output, HttpResponse response, HttpVersion version, bool keepAlive, BodyFraming framing,
        string? requestId = null)
    {
        var status = response.Status is >= 100 and < 600 ? response.Status : 500;
        Write(output, StatusLines[status]);
        Write(output, "Date: "u8);
        Write(output, HttpDate.NowBytes());
        Write(output, "\r\n"u8);
        Write(output, ServerHeader);
        if (requestId is not null)
        {
            Write(output, "X-Request-Id: "u8);
            var id = output.GetSpan(requestId.Length);
            output.Advance(Encoding.ASCII.GetBytes(requestId, id));
            Write(output, "\r\n"u8);
        }
        Write(output, response.Headers.WireFields);
        // RFC 9110 §8.6: no Content-Length in 1xx and 204; a 304 may carry it, but only the selected
        // representation's length, which the handler sets itself when it wants to.
        if (framing == BodyFraming.ContentLength && status is not (< 200 or 204 or 304))
        {
            Write(output, "Content-Length: "u8);
            var digits = output.GetSpan(20);
            System.Buffers.Text.Utf8Formatter.TryFormat(response.Body.Length ?? 0, digits, out var written);
            output.Advance(written);
            Write(output, "\r\n"u8);
        }
        else if (framing == BodyFraming.Chunked)
        {
            Write(output, ChunkedHeader);
        }
        // RFC 9110 §7.8: a 101 names the upgrade in Connection, its Upgrade field coming from the response's own fields.
        if (status == 101) Write(output, ConnectionUpgrade);
        else if (!keepAlive) Write(output, ConnectionClose);
        else if (version == HttpVersion.Http10) Write(output, ConnectionKeepAlive);
        Write(output, "\r\n"u8);
    }

    /// <summary>The head and an in-memory body as one array, ready for a single socket write.</summary>
    public static byte[] Encode(HttpResponse response, HttpVersion version, bool keepAlive, bool headOnly, string? requestId = null)
    {
        // One scratch buffer per thread: encoding then costs a single allocation, the exact-size result.
        var buffer = _scratch ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var framing = FramingFor(response, version);
        WriteHead(buffer, response, version, keepAlive, framing, requestId);
        if (!headOnly && !ReasonPhrases.ForbidsBody(response.Status) && response.Body is ResponseBody.Bytes bytes)
            Write(buffer, bytes.Content.Span);
        var encoded = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 64 * 1024) _scratch = null; // a big body must not pin a big buffer to the thread
        return encoded;
    }

    [ThreadStatic] private static ArrayBufferWriter<byte>? _scratch;

    /// <summary>
    /// Bodies up to this size are copied beside the head into one array, as <see cref="Encode"/> does: a small
    /// response stays one contiguous segment for the socket. Larger ones are shared (see <see cref="EncodeSharingBody"/>).
    /// </summary>
    public const int CopiedBodyLimit = 4 * 1024;

    /// <summary>
    /// The head and an in-memory body for the socket. A body over <see cref="CopiedBodyLimit"/> follows the encoded
    /// head as its own array, not a copy of it: a ByteString is a list of segments and the socket sends them as
    /// they are (a gather write), so a cached file's bytes are shared by every response and every connection that
    /// writes them, and no response costs a large-object-heap array. The body's array must not change afterwards,
    /// as <see cref="ResponseBody.Bytes"/> requires.
    /// </summary>
    public static ByteString EncodeSharingBody(HttpResponse response, HttpVersion version, bool keepAlive, bool headOnly,
        string? requestId = null)
    {
        if (headOnly || ReasonPhrases.ForbidsBody(response.Status)
            || response.Body is not ResponseBody.Bytes { Content.Length: > CopiedBodyLimit } bytes)
            return ByteString.FromBytes(Encode(response, version, keepAlive, headOnly, requestId));
        var head = Encode(response, version, keepAlive, headOnly: true, requestId);
        // One segment array for both: the same number of allocations as a single copied array, without the copy.
        return ByteString.FromBytes(new[] { new ArraySegment<byte>(head), Segment(bytes.Content) });
    }

    /// <summary>An in-memory body as a ByteString over its own array (copied only if no array backs it).</summary>
    public static ByteString Shared(ReadOnlyMemory<byte> content) => ByteString.FromBytes(Segment(content));

    private static ArraySegment<byte> Segment(ReadOnlyMemory<byte> content) =>
        MemoryMarshal.TryGetArray(content, out var segment) ? segment : new ArraySegment<byte>(content.ToArray());

    /// <summary>
    /// The handler's header fields as they go on the wire, minus those the server manages itself. Computed
    /// once per <see cref="HttpHeaders"/> instance (see <see cref="HttpHeaders.WireFields"/>), so a response
    /// served many times, such as a cached static file's, is encoded once.
    /// </summary>
    internal static byte[] EncodeFields(HttpHeaders headers)
    {
        var output = new ArrayBufferWriter<byte>(128);
        foreach (var header in headers)
        {
            // A name that is not a token could end the line early (response splitting): such a field is dropped.
            if (IsServerManaged(header.Name) || !CharClasses.IsToken(header.Name)) continue;
            WriteAscii(output, header.Name);
            Write(output, ": "u8);
            WriteLatin1(output, header.Value);
            Write(output, "\r\n"u8);
        }
        return output.WrittenSpan.ToArray();
    }

    private static bool IsServerManaged(string name) =>
        name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Connection", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Date", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Server", StringComparison.OrdinalIgnoreCase)
        || name.Equals("X-Request-Id", StringComparison.OrdinalIgnoreCase);

    private static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        var span = output.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        output.Advance(bytes.Length);
    }

    private static void WriteAscii(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(text.Length);
        var written = Encoding.ASCII.GetBytes(text, span);
        output.Advance(written);
    }

    // Header values must not smuggle line breaks into the head (response splitting): CR, LF and NUL, which
    // RFC 9110 §5.5 forbids in a field value, become spaces.
    private static void WriteLatin1(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            span[i] = c is '\r' or '\n' or '\0' ? (byte)' ' : c > 0xFF ? (byte)'?' : (byte)c;
        }
        output.Advance(text.Length);
    }

    /// <summary>Frames one chunk of a chunked body: <c>hex-size CRLF data CRLF</c> (RFC 9112 §7.1).</summary>
    public static byte[] ChunkHeader(int size) => Encoding.ASCII.GetBytes(size.ToString("x") + "\r\n");

    /// <summary>The last chunk and an empty trailer section.</summary>
    public static readonly byte[] LastChunk = "0\r\n\r\n"u8.ToArray();

    public static readonly byte[] CrLf = "\r\n"u8.ToArray();
}
