#if HAS_RESPONSE_WRITER
using System.Buffers;
using System.Text;
using Akka.IO;
using ActorHttp.Http;
using BenchmarkDotNet.Attributes;

namespace ActorHttp.Bench.Micro;

/// <summary>ResponseWriter: the head alone into a reused buffer, whole responses as one array, and as the socket gets them.</summary>
[MemoryDiagnoser]
public class ResponseWriterBenchmarks
{
    private static readonly byte[] HelloBody = Encoding.UTF8.GetBytes(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Hello</title></head>\n<body><h1>Hello!</h1></body>\n</html>\n");

    private static readonly HttpResponse Hello = HttpResponse.Bytes(200, HelloBody, "text/html; charset=utf-8");

    private static readonly HttpResponse FileResponse = new(200,
        new HttpHeaders(new[]
        {
            new HttpHeader("Content-Type", "application/octet-stream"),
            new HttpHeader("Last-Modified", "Mon, 23 Nov 2026 10:00:00 GMT"),
            new HttpHeader("ETag", "\"5f3a-1b2c3d4e\""),
            new HttpHeader("Accept-Ranges", "bytes"),
        }),
        new ResponseBody.File("/srv/www/big.bin", 0, 1L << 30));

    private static readonly HttpResponse NotFound = HttpResponse.Text(404, "Not Found");

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    [Benchmark(Baseline = true, Description = "head: 200 text/html, keep-alive")]
    public int HeadHello()
    {
        _buffer.ResetWrittenCount();
        ResponseWriter.WriteHead(_buffer, Hello, HttpVersion.Http11, keepAlive: true, BodyFraming.ContentLength);
        return _buffer.WrittenCount;
    }

    [Benchmark(Description = "head: 200 file, 4 headers")]
    public int HeadFile()
    {
        _buffer.ResetWrittenCount();
        ResponseWriter.WriteHead(_buffer, FileResponse, HttpVersion.Http11, keepAlive: true,
            ResponseWriter.FramingFor(FileResponse, HttpVersion.Http11));
        return _buffer.WrittenCount;
    }

    [Benchmark(Description = "Encode: hello.html, keep-alive")]
    public byte[] EncodeHello() => ResponseWriter.Encode(Hello, HttpVersion.Http11, keepAlive: true, headOnly: false);

    [Benchmark(Description = "Encode: 404, close, HTTP/1.0")]
    public byte[] EncodeNotFoundClose() => ResponseWriter.Encode(NotFound, HttpVersion.Http10, keepAlive: false, headOnly: false);

    // What the connection hands the socket: head and body copied into one array (every body before 2026-11-30), against
    // EncodeSharingBody (a small body still copied beside the head; a larger one as its own array, the cache's).
    private static readonly HttpResponse CachedScript = HttpResponse.Bytes(200, new byte[100 * 1024], "text/javascript");

    [Benchmark(Description = "socket bytes: hello.html, one array")]
    public ByteString CopiedHello() => ByteString.FromBytes(ResponseWriter.Encode(Hello, HttpVersion.Http11, keepAlive: true, headOnly: false));

    [Benchmark(Description = "socket bytes: hello.html, EncodeSharingBody")]
    public ByteString SharedHello() => ResponseWriter.EncodeSharingBody(Hello, HttpVersion.Http11, keepAlive: true, headOnly: false);

    [Benchmark(Description = "socket bytes: 100 KB script, one array")]
    public ByteString CopiedScript() => ByteString.FromBytes(ResponseWriter.Encode(CachedScript, HttpVersion.Http11, keepAlive: true, headOnly: false));

    [Benchmark(Description = "socket bytes: 100 KB script, EncodeSharingBody")]
    public ByteString SharedScript() => ResponseWriter.EncodeSharingBody(CachedScript, HttpVersion.Http11, keepAlive: true, headOnly: false);
}
#endif
