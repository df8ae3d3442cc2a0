#if HAS_PARSER
using System.Text;
using ActorHttp.Configuration;
using ActorHttp.Hosting;
using ActorHttp.Http;
using BenchmarkDotNet.Attributes;

namespace ActorHttp.Bench.Micro;

/// <summary>HttpRequestParser: typical heads, a split head, pipelined requests, bodies.</summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    // What wrk sends.
    private static readonly byte[] Small = Encoding.ASCII.GetBytes(
        "GET /hello.html HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n");

    // What a browser sends.
    private static readonly byte[] Browser = Encoding.ASCII.GetBytes(
        "GET /assets/app/main.css?v=1234 HTTP/1.1\r\n" +
        "Host: www.example.com\r\n" +
        "Connection: keep-alive\r\n" +
        "sec-ch-ua: \"Chromium\";v=\"130\", \"Not?A_Brand\";v=\"99\"\r\n" +
        "sec-ch-ua-mobile: ?0\r\n" +
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36\r\n" +
        "sec-ch-ua-platform: \"Linux\"\r\n" +
        "Accept: text/css,*/*;q=0.1\r\n" +
        "Sec-Fetch-Site: same-origin\r\n" +
        "Sec-Fetch-Mode: no-cors\r\n" +
        "Sec-Fetch-Dest: style\r\n" +
        "Referer: https://www.example.com/index.html\r\n" +
        "Accept-Encoding: gzip, deflate, br, zstd\r\n" +
        "Accept-Language: en-US,en;q=0.9\r\n" +
        "Cookie: session=3b1f0c9e2a7d4e5f8a6b; theme=dark; consent=yes\r\n" +
        "If-Modified-Since: Mon, 23 Nov 2026 10:00:00 GMT\r\n\r\n");

    private static readonly byte[] Pipelined16 = Enumerable.Repeat(Small, 16).SelectMany(x => x).ToArray();

    private static readonly byte[] PostContentLength = Encoding.ASCII.GetBytes(
        "POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: 4096\r\n\r\n" +
        new string('x', 4096));

    private static readonly byte[] PostChunked = Encoding.ASCII.GetBytes(
        "POST /upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n" +
        string.Concat(Enumerable.Repeat("400\r\n" + new string('y', 1024) + "\r\n", 4)) + "0\r\n\r\n");

    // One parser, reused like a connection reuses it: after a complete request it is back at the head state.
    private HttpRequestParser _parser = null!;

    [GlobalSetup]
    public void Setup() => _parser = new HttpRequestParser(ServerSettings.Default.Limits);

    private static HttpRequest Expect(ParseResult r) =>
        r.Outcome == ParseOutcome.Complete ? r.Request! : throw new InvalidOperationException($"parse: {r.Outcome} {r.Rejection}");

    [Benchmark(Baseline = true, Description = "GET, 1 header (wrk)")]
    public HttpRequest SmallGet() => Expect(_parser.Parse(Small));

    [Benchmark(Description = "GET, 15 headers (browser)")]
    public HttpRequest BrowserGet() => Expect(_parser.Parse(Browser));

    [Benchmark(Description = "browser GET split in 2 reads")]
    public HttpRequest BrowserGetSplit()
    {
        var half = Browser.Length / 2;
        var first = _parser.Parse(Browser.AsSpan(0, half));
        if (first.Outcome != ParseOutcome.NeedMore) throw new InvalidOperationException("expected NeedMore");
        return Expect(_parser.Parse(Browser.AsSpan(first.Consumed)));
    }

    [Benchmark(OperationsPerInvoke = 16, Description = "16 pipelined GETs, per request")]
    public int Pipelined()
    {
        var input = Pipelined16.AsSpan();
        var n = 0;
        while (!input.IsEmpty)
        {
            var r = _parser.Parse(input);
            Expect(r);
            input = input[r.Consumed..];
            n++;
        }
        return n;
    }

    [Benchmark(Description = "POST, 4 KiB Content-Length body")]
    public HttpRequest PostBody() => Expect(_parser.Parse(PostContentLength));

    [Benchmark(Description = "POST, 4 x 1 KiB chunks")]
    public HttpRequest PostChunks() => Expect(_parser.Parse(PostChunked));
}
#endif
