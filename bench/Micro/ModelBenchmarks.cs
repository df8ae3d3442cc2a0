using System.Text;
using ActorHttp.Http;
using BenchmarkDotNet.Attributes;

namespace ActorHttp.Bench.Micro;

/// <summary>
/// The HTTP model types every request and response goes through (always present, so Micro has something
/// to run even against a server build without the parser or the writer).
/// </summary>
[MemoryDiagnoser]
public class ModelBenchmarks
{
    private static readonly byte[] HelloBody = Encoding.UTF8.GetBytes("<h1>Hello!</h1>");
    private static readonly HttpHeaders Headers = new(new[]
    {
        new HttpHeader("Host", "127.0.0.1:8080"),
        new HttpHeader("User-Agent", "wrk"),
        new HttpHeader("Accept", "*/*"),
        new HttpHeader("Connection", "keep-alive"),
        new HttpHeader("Accept-Encoding", "gzip"),
    });

    [Benchmark(Description = "HttpResponse.Bytes")]
    public HttpResponse ResponseBytes() => HttpResponse.Bytes(200, HelloBody, "text/html");

    [Benchmark(Description = "HttpHeaders.Get (5 fields, last)")]
    public string? HeaderGet() => Headers.Get("accept-encoding");

    [Benchmark(Description = "HttpHeaders.With")]
    public HttpHeaders HeaderWith() => Headers.With("X-Trace", "abc");
}
