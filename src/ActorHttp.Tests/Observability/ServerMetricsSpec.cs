using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ActorHttp.Observability;

namespace ActorHttp.Tests.Observability;

public sealed class ServerMetricsSpec
{
    private sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

    /// <summary>Listens to one <see cref="ServerMetrics"/> instance only, so specs running in parallel do not mix.</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();

        public Recorder(ServerMetrics metrics)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, metrics.Meter)) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
            _listener.Start();
        }

        public ConcurrentQueue<Measurement> Measurements { get; } = new();

        public IEnumerable<Measurement> Of(string instrument) => Measurements.Where(m => m.Instrument == instrument);

        public void Observe() => _listener.RecordObservableInstruments();

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            Measurements.Enqueue(new Measurement(instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
    }

    [Fact]
    public void A_completed_request_is_counted_timed_and_its_bytes_added_with_method_and_status_tags()
    {
        using var metrics = new ServerMetrics();
        using var recorder = new Recorder(metrics);

        metrics.RequestCompleted("GET", 200, TimeSpan.FromMilliseconds(3), 176);

        var request = Assert.Single(recorder.Of("actorhttp.requests"));
        Assert.Equal(1, request.Value);
        Assert.Equal("GET", request.Tags["method"]);
        Assert.Equal("200", request.Tags["status"]);
        var duration = Assert.Single(recorder.Of("actorhttp.request.duration"));
        Assert.Equal(0.003, duration.Value, precision: 9);
        Assert.Equal(request.Tags, duration.Tags);
        Assert.Equal(176, Assert.Single(recorder.Of("actorhttp.bytes.sent")).Value);
    }

    [Fact]
    public void Opening_and_closing_connections_moves_the_open_connections_counter_up_and_down()
    {
        using var metrics = new ServerMetrics();
        using var recorder = new Recorder(metrics);

        metrics.ConnectionOpened();
        metrics.ConnectionOpened();
        metrics.ConnectionClosed();

        Assert.Equal(new double[] { 1, 1, -1 }, recorder.Of("actorhttp.connections.open").Select(m => m.Value));
        Assert.Contains("actorhttp_connections_open 1\n", metrics.RenderPrometheus());
    }

    [Fact]
    public void Rejections_are_counted_by_reason_and_bytes_sent_outside_a_request_are_added()
    {
        using var metrics = new ServerMetrics();
        using var recorder = new Recorder(metrics);

        metrics.Rejected("HeadersTooLarge");
        metrics.BytesSent(90);

        var rejection = Assert.Single(recorder.Of("actorhttp.rejections"));
        Assert.Equal("HeadersTooLarge", rejection.Tags["reason"]);
        Assert.Equal(90, Assert.Single(recorder.Of("actorhttp.bytes.sent")).Value);
    }

    [Fact]
    public void TLS_handshakes_are_counted_and_their_failures_counted_by_reason()
    {
        using var metrics = new ServerMetrics();
        using var recorder = new Recorder(metrics);

        metrics.TlsHandshake(TlsHandshakeResult.Completed);
        metrics.TlsHandshake(TlsHandshakeResult.Completed);
        metrics.TlsHandshake(TlsHandshakeResult.Timeout);
        metrics.TlsHandshake(TlsHandshakeResult.Protocol);

        Assert.Equal(2, recorder.Of("actorhttp.tls.handshakes").Count());
        Assert.Equal(new[] { "protocol", "timeout" }, recorder.Of("actorhttp.tls.handshake_failures").Select(m => (string)m.Tags["reason"]!).Order());
        var text = metrics.RenderPrometheus();
        Assert.Contains("actorhttp_tls_handshakes_total 2\n", text);
        Assert.Contains("actorhttp_tls_handshake_failures_total{reason=\"timeout\"} 1\n", text);
        Assert.Contains("actorhttp_tls_handshake_failures_total{reason=\"protocol\"} 1\n", text);
        Assert.Contains("actorhttp_tls_handshake_failures_total{reason=\"other\"} 0\n", text);
    }

    [Fact]
    public void Dropped_access_log_lines_are_observed_from_the_access_log()
    {
        long dropped = 7;
        using var metrics = new ServerMetrics(() => Interlocked.Read(ref dropped));
        using var recorder = new Recorder(metrics);

        recorder.Observe();
        Interlocked.Exchange(ref dropped, 9);
        recorder.Observe();

        Assert.Equal(new double[] { 7, 9 }, recorder.Of("actorhttp.access_log.dropped").Select(m => m.Value));
        Assert.Contains("actorhttp_access_log_dropped_total 9\n", metrics.RenderPrometheus());
    }

    [Theory]
    [InlineData("GET", "GET")]
    [InlineData("PATCH", "PATCH")]
    [InlineData("BREW", "_OTHER")]
    [InlineData("get", "_OTHER")] // methods are case-sensitive (RFC 9110 §9.1)
    public void Unregistered_methods_share_one_series_so_clients_cannot_inflate_cardinality(string method, string tag)
    {
        using var metrics = new ServerMetrics();
        using var recorder = new Recorder(metrics);

        metrics.RequestCompleted(method, 404, TimeSpan.Zero, 0);

        Assert.Equal(tag, Assert.Single(recorder.Of("actorhttp.requests")).Tags["method"]);
        Assert.Contains($"actorhttp_requests_total{{method=\"{tag}\",status=\"404\"}} 1\n", metrics.RenderPrometheus());
    }

    [Fact]
    public void Recording_a_request_allocates_nothing_once_its_series_exists()
    {
        using var metrics = new ServerMetrics();
        metrics.RequestCompleted("GET", 200, TimeSpan.FromMilliseconds(1), 100);
        metrics.ConnectionOpened();
        metrics.BytesSent(1);
        metrics.Rejected("BadRequest");

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            metrics.RequestCompleted("GET", 200, TimeSpan.FromMilliseconds(i), 100);
            metrics.ConnectionOpened();
            metrics.ConnectionClosed();
            metrics.BytesSent(10);
            metrics.Rejected("BadRequest");
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void The_Prometheus_exposition_has_help_type_counters_and_a_cumulative_histogram()
    {
        using var metrics = new ServerMetrics();
        metrics.RequestCompleted("GET", 200, TimeSpan.FromMilliseconds(0.05), 100);  // first bucket, 0.0001
        metrics.RequestCompleted("GET", 200, TimeSpan.FromMilliseconds(3), 50);      // 0.005 bucket
        metrics.RequestCompleted("GET", 200, TimeSpan.FromSeconds(20), 0);           // only +Inf
        metrics.RequestCompleted("HEAD", 304, TimeSpan.FromMilliseconds(1), 0);      // exactly on 0.001: le is inclusive
        metrics.BytesSent(7);
        metrics.Rejected("UriTooLong");
        metrics.Rejected("UriTooLong");

        var text = metrics.RenderPrometheus();
        var lines = text.Split('\n');

        Assert.EndsWith("\n", text);
        Assert.Contains("# HELP actorhttp_requests_total Requests answered, by method and status.", lines);
        Assert.Contains("# TYPE actorhttp_requests_total counter", lines);
        Assert.Contains("actorhttp_requests_total{method=\"GET\",status=\"200\"} 3", lines);
        Assert.Contains("actorhttp_requests_total{method=\"HEAD\",status=\"304\"} 1", lines);

        Assert.Contains("# TYPE actorhttp_request_duration_seconds histogram", lines);
        Assert.Contains("actorhttp_request_duration_seconds_bucket{method=\"GET\",status=\"200\",le=\"0.0001\"} 1", lines);
        Assert.Contains("actorhttp_request_duration_seconds_bucket{method=\"GET\",status=\"200\",le=\"0.0025\"} 1", lines);
        Assert.Contains("actorhttp_request_duration_seconds_bucket{method=\"GET\",status=\"200\",le=\"0.005\"} 2", lines);
        Assert.Contains("actorhttp_request_duration_seconds_bucket{method=\"GET\",status=\"200\",le=\"10\"} 2", lines);
        Assert.Contains("actorhttp_request_duration_seconds_bucket{method=\"GET\",status=\"200\",le=\"+Inf\"} 3", lines);
        Assert.Contains("actorhttp_request_duration_seconds_sum{method=\"GET\",status=\"200\"} 20.00305", lines);
        Assert.Contains("actorhttp_request_duration_seconds_count{method=\"GET\",status=\"200\"} 3", lines);
        Assert.Contains("actorhttp_request_duration_seconds_bucket{method=\"HEAD\",status=\"304\",le=\"0.0005\"} 0", lines);
        Assert.Contains("actorhttp_request_duration_seconds_bucket{method=\"HEAD\",status=\"304\",le=\"0.001\"} 1", lines);

        Assert.Contains("# TYPE actorhttp_connections_open gauge", lines);
        Assert.Contains("# TYPE actorhttp_bytes_sent_total counter", lines);
        Assert.Contains("actorhttp_bytes_sent_total 157", lines);
        Assert.Contains("actorhttp_rejections_total{reason=\"UriTooLong\"} 2", lines);
        Assert.Contains("# TYPE actorhttp_access_log_dropped_total counter", lines);
        Assert.Contains("actorhttp_access_log_dropped_total 0", lines);
    }

    [Fact]
    public void Every_sample_line_of_the_exposition_is_well_formed_and_follows_its_type_header()
    {
        using var metrics = new ServerMetrics();
        metrics.RequestCompleted("POST", 201, TimeSpan.FromMilliseconds(12), 10);
        metrics.Rejected("quote\" back\\slash\nnewline");

        string? family = null;
        var sample = new System.Text.RegularExpressions.Regex(
            "^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?<labels>[a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\.|[^\"\\\\\\n])*\"(,[a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\.|[^\"\\\\\\n])*\")*)\\})? (?<value>[^ ]+)$");
        foreach (var line in metrics.RenderPrometheus().TrimEnd('\n').Split('\n'))
        {
            if (line.StartsWith("# HELP ")) continue;
            if (line.StartsWith("# TYPE "))
            {
                family = line.Split(' ')[2];
                continue;
            }
            var match = sample.Match(line);
            Assert.True(match.Success, $"Malformed sample: {line}");
            Assert.NotNull(family);
            Assert.StartsWith(family, match.Groups["name"].Value);
            Assert.True(double.TryParse(match.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture, out _), line);
        }
        Assert.Contains("actorhttp_rejections_total{reason=\"quote\\\" back\\\\slash\\nnewline\"} 1", metrics.RenderPrometheus());
    }

    [Fact]
    public void Concurrent_recording_loses_no_counts()
    {
        using var metrics = new ServerMetrics();

        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 10_000; i++) metrics.RequestCompleted("GET", 200, TimeSpan.FromTicks(i), 1);
        });

        var text = metrics.RenderPrometheus();
        Assert.Contains("actorhttp_requests_total{method=\"GET\",status=\"200\"} 80000\n", text);
        Assert.Contains("actorhttp_bytes_sent_total 80000\n", text);
    }
}
