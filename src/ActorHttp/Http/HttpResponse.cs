using System.Text;
using Akka;
using Akka.IO;
using Akka.Streams.Dsl;

namespace ActorHttp.Http;

/// <summary>
/// What a handler replies with. Immutable. The server adds <c>Date</c>, <c>Content-Length</c> or
/// <c>Transfer-Encoding</c>, and <c>Connection</c> itself; handlers set everything else.
/// </summary>
public sealed record HttpResponse(int Status, HttpHeaders Headers, ResponseBody Body)
{
    /// <summary>A response with a byte body and the given content type.</summary>
    public static HttpResponse Bytes(int status, ReadOnlyMemory<byte> body, string contentType) =>
        new(status, new HttpHeaders(new[] { new HttpHeader("Content-Type", contentType) }), new ResponseBody.Bytes(body));

    /// <summary>A UTF-8 text response.</summary>
    public static HttpResponse Text(int status, string text, string contentType = "text/plain; charset=utf-8") =>
        Bytes(status, Encoding.UTF8.GetBytes(text), contentType);

    /// <summary>A response with no body (204, 304, or a bodiless error).</summary>
    public static HttpResponse Empty(int status) => new(status, HttpHeaders.Empty, ResponseBody.None.Instance);

    /// <summary>A copy with one more header.</summary>
    public HttpResponse WithHeader(string name, string value) => this with { Headers = Headers.With(name, value) };
}

/// <summary>The kinds of response body the connection actor knows how to write.</summary>
public abstract record ResponseBody
{
    private ResponseBody() { }

    /// <summary>The number of bytes the body has, when known before writing starts.</summary>
    public abstract long? Length { get; }

    /// <summary>No body: <c>Content-Length: 0</c> (or none, for 1xx/204/304).</summary>
    public sealed record None : ResponseBody
    {
        public static readonly None Instance = new();
        public override long? Length => 0;
    }

    /// <summary>
    /// A body already in memory. The server writes it from this memory itself, not a copy, so its bytes must not
    /// change once it is in a response (a cached file's array is shared by every response that serves it).
    /// </summary>
    public sealed record Bytes(ReadOnlyMemory<byte> Content) : ResponseBody
    {
        public override long? Length => Content.Length;
    }

    /// <summary>
    /// A region of a file, streamed from disk in chunks with back-pressure (never loaded whole).
    /// </summary>
    public sealed record File(string Path, long Offset, long Count) : ResponseBody
    {
        public override long? Length => Count;
    }

    /// <summary>
    /// A stream written with back-pressure. Without a known length the response uses
    /// <c>Transfer-Encoding: chunked</c> (HTTP/1.1) or is delimited by closing the connection (HTTP/1.0).
    /// </summary>
    public sealed record Stream(Source<ByteString, NotUsed> Source, long? KnownLength = null) : ResponseBody
    {
        public override long? Length => KnownLength;
    }

    /// <summary>
    /// A file or stream body compressed chunk by chunk as it is written, in <paramref name="Coding"/> at
    /// <paramref name="Level"/> (Brotli quality or zlib level). Its length is known only at the end, so it goes out
    /// chunked; the head must carry the matching Content-Encoding. Nothing is compressed unless the body is written,
    /// so a HEAD request costs no encoder. <paramref name="FlushEachElement"/> sends what each element of a stream
    /// compressed to before waiting for the next one, so a handler's element reaches the client when it is written.
    /// </summary>
    public sealed record Compressed(ResponseBody Content, ContentCoding Coding, int Level, bool FlushEachElement) : ResponseBody
    {
        public override long? Length => null;
    }
}
