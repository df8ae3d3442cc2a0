using ActorHttp.Http;
using ActorHttp.Observability;

namespace ActorHttp.Tests.Observability;

/// <summary>What tracing costs a server nobody traces.</summary>
[Collection(TracingCollection.Name)]
public sealed class ServerTracingSpec
{
    [Fact]
    public void With_no_listener_a_request_starts_no_span_and_allocates_nothing()
    {
        var request = new HttpRequest("GET", "/", "/", "", HttpVersion.Http11,
            new HttpHeaders(new[] { new HttpHeader("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01") }),
            ReadOnlyMemory<byte>.Empty);
        Assert.False(ServerTracing.Source.HasListeners());
        ServerTracing.StartServer(request); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) Assert.Null(ServerTracing.StartServer(request));

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
