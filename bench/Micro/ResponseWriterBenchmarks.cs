#if HAS_RESPONSE_WRITER
using System.Buffers;
using System.Text;
using ActorHttp.Http;
using BenchmarkDotNet.Attributes;

namespace ActorHttp.Bench.Micro;

/// <summary>ResponseWriter: the head alone into a reused buffer, and whole responses as one array.</summary>
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
}
#endif
