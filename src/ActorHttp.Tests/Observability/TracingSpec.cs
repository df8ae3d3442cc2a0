using System.Diagnostics;
using System.Text.Json;
using Akka.Actor;
using OpenTelemetry;
using OpenTelemetry.Trace;
using ActorHttp.Http;
using ActorHttp.Observability;
using ActorHttp.Routing;
using ActorHttp.Tests.Routing;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Observability;

/// <summary>
/// A TracerProvider listens to every <c>ActorHttp</c> span in the process: specs that install one run in this
/// collection, on their own, so other specs' requests are neither traced nor counted here.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TracingCollection
{
    public const string Name = "Tracing";
}

/// <summary>
/// Server and handler spans end to end over real sockets, exported with the OpenTelemetry SDK's in-memory
/// exporter; the JSON access line and X-Request-Id of the same requests.
/// </summary>
[Collection(TracingCollection.Name)]
public sealed class TracingSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string ParentId = "b7ad6b7169203331";
    private const string TraceParent = "00-" + TraceId + "-" + ParentId + "-01";

    private readonly TestWww _www = new();
    private readonly List<Activity> _spans = new();
    private readonly CapturingAccessLog _log = new();
    private TracerProvider _tracer = null!;
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _tracer = Sdk.CreateTracerProviderBuilder().AddSource(ServerTracing.SourceName).AddInMemoryExporter(_spans).Build()!;
        var routes = new RouteBuilder()
            .Get("/users/{id}", Props.Create<GreetingHandler>())
            .Get("/throws", Props.Create<ThrowingHandler>())
            .Get("/silent", Props.Create<SilentHandler>())
            .Get("/context", Props.Create<TraceContextHandler>())
            .Build();
        var settings = TestSettings.For(_www.Root, "actorhttp.timeouts.handler = 300ms");
        _server = await TestServer.StartAsync(Sys, settings, routes, new ServerObserver(_log, new ServerMetrics()));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _tracer.Dispose();
        _www.Dispose();
    }

    private RawResponse Get(string target, string headers = "")
    {
        using var raw = _server.Connect();
        raw.Send($"GET {target} HTTP/1.1\r\nHost: x\r\n{headers}\r\n");
        return raw.ReadResponse();
    }

    /// <summary>The spans of one trace, once <paramref name="count"/> of them have ended.</summary>
    private List<Activity> SpansOf(string traceId, int count)
    {
        List<Activity> found = new();
        AwaitAssert(() =>
        {
            lock (_spans) found = _spans.ToArray().Where(s => s.TraceId.ToHexString() == traceId).ToList();
            Assert.Equal(count, found.Count);
        }, TimeSpan.FromSeconds(5));
        return found;
    }

    private static object? Tag(Activity span, string name) => span.TagObjects.FirstOrDefault(t => t.Key == name).Value;

    [Fact]
    public void A_request_gets_one_server_span_named_after_its_route_with_the_http_attributes_and_the_traceparent_as_parent()
    {
        Assert.Equal(200, Get("/users/ada", $"traceparent: {TraceParent}\r\n").Status);

        var spans = SpansOf(TraceId, count: 2);
        var server = Assert.Single(spans, s => s.Kind == ActivityKind.Server);
        Assert.Equal("GET /users/{id}", server.DisplayName);
        Assert.Equal(ParentId, server.ParentSpanId.ToHexString());
        Assert.Equal("GET", Tag(server, "http.request.method"));
        Assert.Equal("/users/ada", Tag(server, "url.path"));
        Assert.Equal("/users/{id}", Tag(server, "http.route"));
        Assert.Equal("1.1", Tag(server, "network.protocol.version"));
        Assert.Equal(200, Tag(server, "http.response.status_code"));
        Assert.Equal((long)"Hello, ada!".Length, Tag(server, "http.response.body.size"));
        Assert.Equal(ActivityStatusCode.Unset, server.Status);
    }

    [Fact]
    public void A_handler_actor_s_work_is_a_child_span_and_the_request_it_gets_carries_the_server_span_s_context()
    {
        var response = Get("/context", $"traceparent: {TraceParent}\r\n");

        var spans = SpansOf(TraceId, count: 2);
        var server = Assert.Single(spans, s => s.Kind == ActivityKind.Server);
        var handler = Assert.Single(spans, s => s.Kind == ActivityKind.Internal);
        Assert.Equal(server.SpanId, handler.ParentSpanId);
        Assert.Equal(server.SpanId.ToHexString(), response.BodyText);
    }

    [Fact]
    public void A_request_without_a_route_or_a_traceparent_starts_a_trace_of_its_own_and_takes_its_id_as_request_id()
    {
        var response = Get("/missing-file");

        Assert.Equal(404, response.Status);
        var requestId = response.Header("X-Request-Id")!;
        var server = Assert.Single(SpansOf(requestId, count: 1));
        Assert.Equal("GET", server.DisplayName);
        Assert.Equal(default, server.ParentSpanId);
        Assert.Null(Tag(server, "http.route"));
        Assert.Equal(ActivityStatusCode.Unset, server.Status); // a 4xx is the client's error, not the server's
    }

    [Theory]
    [InlineData("/throws", 500)]
    [InlineData("/silent", 503)]
    public void A_failing_or_timed_out_handler_marks_its_span_and_the_server_span_as_errors(string target, int status)
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        Assert.Equal(status, Get(target, $"traceparent: 00-{traceId}-{ParentId}-01\r\n").Status);

        var spans = SpansOf(traceId, count: 2);
        Assert.All(spans, s => Assert.Equal(ActivityStatusCode.Error, s.Status));
        Assert.Equal(status, Tag(Assert.Single(spans, s => s.Kind == ActivityKind.Server), "http.response.status_code"));
    }

    [Fact]
    public void An_invalid_traceparent_is_ignored_and_the_request_starts_a_new_trace()
    {
        var response = Get("/users/bo", "traceparent: 00-00000000000000000000000000000000-b7ad6b7169203331-01\r\n");

        var server = Assert.Single(SpansOf(response.Header("X-Request-Id")!, count: 2), s => s.Kind == ActivityKind.Server);
        Assert.Equal(default, server.ParentSpanId);
    }

    [Fact]
    public void A_valid_request_id_is_echoed_and_an_unsafe_one_replaced()
    {
        Assert.Equal("client-42.a_b", Get("/users/x", "X-Request-Id: client-42.a_b\r\n").Header("X-Request-Id"));

        var replaced = Get("/users/x", "X-Request-Id: a b\r\n").Header("X-Request-Id");
        Assert.Matches("^[0-9a-f]{32}$", replaced);
    }

    [Fact]
    public void The_json_access_line_of_a_traced_request_carries_its_trace_span_and_request_ids()
    {
        Get("/users/ada", $"traceparent: {TraceParent}\r\nX-Request-Id: joined-1\r\n");

        var server = Assert.Single(SpansOf(TraceId, count: 2), s => s.Kind == ActivityKind.Server);
        var entry = Assert.Single(_log.Entries, e => e.RequestId == "joined-1");
        var json = JsonDocument.Parse(AccessLogFormat.Json(entry)).RootElement;
        Assert.Equal(TraceId, json.GetProperty("trace_id").GetString());
        Assert.Equal(server.SpanId.ToHexString(), json.GetProperty("span_id").GetString());
        Assert.Equal("joined-1", json.GetProperty("request_id").GetString());
        Assert.Equal("/users/ada", json.GetProperty("target").GetString());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _www.Dispose();
    }

    /// <summary>Answers with the span id of the context its request carries: what a handler parents its spans to.</summary>
    private sealed class TraceContextHandler : ReceiveActor
    {
        public TraceContextHandler() =>
            Receive<HttpRequest>(request => Sender.Tell(HttpResponse.Text(200, request.TraceContext.SpanId.ToHexString())));
    }

    /// <summary>Keeps every entry, as the real log would queue it.</summary>
    private sealed class CapturingAccessLog : IAccessLog
    {
        private readonly List<AccessLogEntry> _entries = new();

        public IReadOnlyList<AccessLogEntry> Entries { get { lock (_entries) return _entries.ToArray(); } }

        public void Log(in AccessLogEntry entry) { lock (_entries) _entries.Add(entry); }

        public long Dropped => 0;

        public Task CompleteAsync() => Task.CompletedTask;
    }
}
