using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace ActorHttp.Observability;

/// <summary>
/// The server's metrics: published as the <see cref="System.Diagnostics.Metrics"/> meter <c>ActorHttp</c> (for
/// dotnet-counters or an OpenTelemetry exporter) and aggregated in process for <see cref="RenderPrometheus"/>.
/// Every method is thread-safe and, once a method/status pair has been seen, allocation-free, so connection
/// actors call it on every request.
/// </summary>
public sealed class ServerMetrics : IDisposable
{
    /// <summary>The name of the meter every instrument belongs to.</summary>
    public const string MeterName = "ActorHttp";

    /// <summary>The <c>Content-Type</c> of <see cref="RenderPrometheus"/>'s output (text format 0.0.4).</summary>
    public const string PrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>
    /// Upper bounds of the duration histogram's buckets, in seconds. They start at 100 µs because a static file
    /// served from the cache is answered in well under a millisecond; they end at 10 s, past which a request is
    /// failing, not slow.
    /// </summary>
    public static IReadOnlyList<double> DurationBucketBounds => BoundsSeconds;

    private static readonly double[] BoundsSeconds =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    // Bucket search compares whole ticks, so recording does no floating-point work.
    private static readonly long[] BoundsTicks = BoundsSeconds.Select(s => (long)Math.Round(s * TimeSpan.TicksPerSecond)).ToArray();
    private static readonly string[] BoundsText = BoundsSeconds.Select(s => s.ToString(CultureInfo.InvariantCulture)).ToArray();

    // Methods are tag values, so a client must not be able to create a series per invented method: anything not
    // registered in RFC 9110 §9 (plus PATCH, RFC 5789) is counted as _OTHER, as OpenTelemetry's conventions do.
    private static readonly string[] Methods =
        ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "_OTHER"];

    private const int MinStatus = 100;
    private const int StatusSlots = 500; // 100..599; one more slot for anything else, written as "other"
    private const int OtherStatusSlot = StatusSlots;

    // Tag values are objects: box each status once so that tagging a measurement does not allocate.
    private static readonly object[] StatusTagValues =
        Enumerable.Range(0, StatusSlots + 1).Select(i => (object)(i == OtherStatusSlot ? "other" : (MinStatus + i).ToString(CultureInfo.InvariantCulture))).ToArray();

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _connectionsOpen;
    private readonly Counter<long> _bytesSent;
    private readonly Counter<long> _rejections;
    private readonly Func<long> _accessLogDropped;
    private readonly Counter<long> _tlsHandshakes;
    private readonly Counter<long> _tlsHandshakeFailures;
    // Indexed by TlsHandshakeResult: Completed, then the failures by reason.
    private readonly long[] _tlsCounts = new long[4];
    private static readonly string[] TlsFailureReasons = ["", "timeout", "protocol", "other"];

    private readonly RequestSeries?[] _series = new RequestSeries?[Methods.Length * (StatusSlots + 1)];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, StrongBox> _rejectionCounts = new(StringComparer.Ordinal);
    private long _openConnections;
    private long _bytesSentTotal;

    /// <summary>Metrics whose <c>actorhttp.access_log.dropped</c> reads the given log's count.</summary>
    public ServerMetrics(IAccessLog accessLog) : this(() => accessLog.Dropped)
    {
    }

    /// <summary>
    /// Metrics whose <c>actorhttp.access_log.dropped</c> reads <paramref name="accessLogDropped"/> when observed;
    /// without it the count is always zero.
    /// </summary>
    public ServerMetrics(Func<long>? accessLogDropped = null)
    {
        _accessLogDropped = accessLogDropped ?? (static () => 0);
        Meter = new Meter(MeterName, typeof(ServerMetrics).Assembly.GetName().Version?.ToString());
        _requests = Meter.CreateCounter<long>("actorhttp.requests", "{request}", "Requests answered, by method and status.");
        _duration = Meter.CreateHistogram(
            "actorhttp.request.duration", "s", "Time from the request being parsed to its response being written.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = BoundsSeconds });
        _connectionsOpen = Meter.CreateUpDownCounter<long>("actorhttp.connections.open", "{connection}", "Connections currently open.");
        _bytesSent = Meter.CreateCounter<long>("actorhttp.bytes.sent", "By", "Response bytes written to connections.");
        _rejections = Meter.CreateCounter<long>("actorhttp.rejections", "{request}", "Requests rejected before reaching a handler, by reason.");
        _tlsHandshakes = Meter.CreateCounter<long>("actorhttp.tls.handshakes", "{handshake}", "TLS handshakes completed.");
        _tlsHandshakeFailures = Meter.CreateCounter<long>("actorhttp.tls.handshake_failures", "{handshake}",
            "TLS handshakes failed, by reason: timeout, protocol (refused by TLS itself), other (most often the client left).");
        Meter.CreateObservableCounter("actorhttp.access_log.dropped", () => _accessLogDropped(), "{line}",
            "Access log lines dropped because the log could not keep up.");
    }

    /// <summary>The meter the instruments belong to; a listener can match on it to hear only this server.</summary>
    public Meter Meter { get; }

    /// <summary>
    /// One request answered: counts it, records its duration and adds <paramref name="bytes"/> to
    /// <c>actorhttp.bytes.sent</c>. Pass the bytes this response wrote (headers and body); use
    /// <see cref="BytesSent"/> only for bytes not covered by a call to this method.
    /// </summary>
    public void RequestCompleted(string method, int status, TimeSpan duration, long bytes)
    {
        var methodIndex = MethodIndex(method);
        var statusSlot = status is >= MinStatus and < MinStatus + StatusSlots ? status - MinStatus : OtherStatusSlot;
        var tags = new TagList
        {
            { "method", Methods[methodIndex] },
            { "status", StatusTagValues[statusSlot] },
        };
        _requests.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);

        var ticks = Math.Max(0, duration.Ticks);
        var series = Series(methodIndex, statusSlot);
        Interlocked.Increment(ref series.Buckets[BucketIndex(ticks)]);
        Interlocked.Add(ref series.DurationTicks, ticks);

        BytesSent(bytes);
    }

    /// <summary>A connection was accepted.</summary>
    public void ConnectionOpened()
    {
        Interlocked.Increment(ref _openConnections);
        _connectionsOpen.Add(1);
    }

    /// <summary>A connection was closed, by either side.</summary>
    public void ConnectionClosed()
    {
        Interlocked.Decrement(ref _openConnections);
        _connectionsOpen.Add(-1);
    }

    /// <summary>
    /// A request was rejected (malformed, too large, over the connection limit). <paramref name="reason"/> is a tag
    /// value, so it must come from a fixed set such as a rejection-reason enum's names, never from the request.
    /// </summary>
    public void Rejected(string reason)
    {
        var count = _rejectionCounts.GetOrAdd(reason, static _ => new StrongBox());
        Interlocked.Increment(ref count.Value);
        _rejections.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }

    /// <summary>A TLS handshake ended, completed or failed for a reason.</summary>
    public void TlsHandshake(TlsHandshakeResult result)
    {
        var index = (int)result;
        if ((uint)index >= (uint)_tlsCounts.Length) return;
        Interlocked.Increment(ref _tlsCounts[index]);
        if (result == TlsHandshakeResult.Completed) _tlsHandshakes.Add(1);
        else _tlsHandshakeFailures.Add(1, new KeyValuePair<string, object?>("reason", TlsFailureReasons[index]));
    }

    /// <summary>Bytes written to a connection that no <see cref="RequestCompleted"/> call accounts for.</summary>
    public void BytesSent(long bytes)
    {
        if (bytes <= 0) return;
        Interlocked.Add(ref _bytesSentTotal, bytes);
        _bytesSent.Add(bytes);
    }

    private readonly List<GaugeFamily> _gauges = new();

    /// <summary>
    /// Gauges another part of the server keeps, read when observed: the cluster's members by status, shards and entities
    /// by entity type. <paramref name="read"/> gives each series' label value (from a fixed set, never from a request)
    /// and its value; it must be thread-safe and quick (a snapshot, not a query).
    /// </summary>
    public void AddGauges(string name, string help, string label, Func<IReadOnlyList<(string LabelValue, long Value)>> read)
    {
        lock (_gauges) _gauges.Add(new GaugeFamily(name.Replace('.', '_'), help, label, read));
        Meter.CreateObservableGauge(name, () => read().Select(r => new Measurement<long>(r.Value, new KeyValuePair<string, object?>(label, r.LabelValue))), null, help);
    }

    private sealed record GaugeFamily(string Name, string Help, string Label, Func<IReadOnlyList<(string LabelValue, long Value)>> Read);

    /// <summary>
    /// The current values in the Prometheus text exposition format 0.0.4, served with
    /// <see cref="PrometheusContentType"/>. Counters end in <c>_total</c>; the duration histogram has cumulative
    /// <c>_bucket{le}</c> lines, <c>_sum</c> and <c>_count</c>.
    /// </summary>
    public string RenderPrometheus()
    {
        var sb = new StringBuilder(4096);
        var snapshot = SnapshotRequests();

        Header(sb, "actorhttp_requests_total", "counter", "Requests answered, by method and status.");
        foreach (var s in snapshot)
            sb.Append("actorhttp_requests_total{").Append(s.Labels).Append("} ").Append(s.Count).Append('\n');

        Header(sb, "actorhttp_request_duration_seconds", "histogram",
            "Time from the request being parsed to its response being written, in seconds.");
        foreach (var s in snapshot)
        {
            long cumulative = 0;
            for (var i = 0; i < BoundsText.Length; i++)
            {
                cumulative += s.Buckets[i];
                sb.Append("actorhttp_request_duration_seconds_bucket{").Append(s.Labels)
                    .Append(",le=\"").Append(BoundsText[i]).Append("\"} ").Append(cumulative).Append('\n');
            }
            sb.Append("actorhttp_request_duration_seconds_bucket{").Append(s.Labels).Append(",le=\"+Inf\"} ").Append(s.Count).Append('\n');
            sb.Append("actorhttp_request_duration_seconds_sum{").Append(s.Labels).Append("} ")
                .Append(FormatDouble((double)s.DurationTicks / TimeSpan.TicksPerSecond)).Append('\n');
            sb.Append("actorhttp_request_duration_seconds_count{").Append(s.Labels).Append("} ").Append(s.Count).Append('\n');
        }

        Header(sb, "actorhttp_connections_open", "gauge", "Connections currently open.");
        sb.Append("actorhttp_connections_open ").Append(Interlocked.Read(ref _openConnections)).Append('\n');

        Header(sb, "actorhttp_bytes_sent_total", "counter", "Response bytes written to connections.");
        sb.Append("actorhttp_bytes_sent_total ").Append(Interlocked.Read(ref _bytesSentTotal)).Append('\n');

        Header(sb, "actorhttp_rejections_total", "counter", "Requests rejected before reaching a handler, by reason.");
        foreach (var (reason, count) in _rejectionCounts.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            sb.Append("actorhttp_rejections_total{reason=\"");
            AppendLabelValue(sb, reason);
            sb.Append("\"} ").Append(Interlocked.Read(ref count.Value)).Append('\n');
        }

        Header(sb, "actorhttp_tls_handshakes_total", "counter", "TLS handshakes completed.");
        sb.Append("actorhttp_tls_handshakes_total ").Append(Interlocked.Read(ref _tlsCounts[(int)TlsHandshakeResult.Completed])).Append('\n');
        Header(sb, "actorhttp_tls_handshake_failures_total", "counter", "TLS handshakes failed, by reason.");
        for (var i = 1; i < TlsFailureReasons.Length; i++)
            sb.Append("actorhttp_tls_handshake_failures_total{reason=\"").Append(TlsFailureReasons[i]).Append("\"} ")
                .Append(Interlocked.Read(ref _tlsCounts[i])).Append('\n');

        Header(sb, "actorhttp_access_log_dropped_total", "counter", "Access log lines dropped because the log could not keep up.");
        sb.Append("actorhttp_access_log_dropped_total ").Append(_accessLogDropped()).Append('\n');

        GaugeFamily[] gauges;
        lock (_gauges) gauges = _gauges.ToArray();
        foreach (var gauge in gauges)
        {
            Header(sb, gauge.Name, "gauge", gauge.Help);
            foreach (var (labelValue, value) in gauge.Read())
            {
                sb.Append(gauge.Name).Append('{').Append(gauge.Label).Append("=\"");
                AppendLabelValue(sb, labelValue);
                sb.Append("\"} ").Append(value).Append('\n');
            }
        }
        return sb.ToString();
    }

    /// <summary>Disposes the meter; listeners stop receiving its measurements.</summary>
    public void Dispose() => Meter.Dispose();

    private static int MethodIndex(string method) => method switch
    {
        "GET" => 0,
        "HEAD" => 1,
        "POST" => 2,
        "PUT" => 3,
        "DELETE" => 4,
        "CONNECT" => 5,
        "OPTIONS" => 6,
        "TRACE" => 7,
        "PATCH" => 8,
        _ => 9,
    };

    private static int BucketIndex(long ticks)
    {
        var i = 0;
        while (i < BoundsTicks.Length && ticks > BoundsTicks[i]) i++;
        return i; // BoundsTicks.Length is the +Inf bucket
    }

    private RequestSeries Series(int methodIndex, int statusSlot)
    {
        ref var slot = ref _series[methodIndex * (StatusSlots + 1) + statusSlot];
        var series = Volatile.Read(ref slot);
        if (series is not null) return series;
        // The first request of a method/status pair creates its series; a racing creator's copy is discarded.
        var created = new RequestSeries(methodIndex, statusSlot);
        return Interlocked.CompareExchange(ref slot, created, null) ?? created;
    }

    private List<RequestSnapshot> SnapshotRequests()
    {
        var result = new List<RequestSnapshot>();
        foreach (var series in _series)
        {
            if (series is null) continue;
            var buckets = new long[series.Buckets.Length];
            long count = 0;
            for (var i = 0; i < buckets.Length; i++) count += buckets[i] = Interlocked.Read(ref series.Buckets[i]);
            // Count is the sum of the buckets read, so +Inf and _count always agree with the buckets shown.
            result.Add(new RequestSnapshot(series.Labels, buckets, count, Interlocked.Read(ref series.DurationTicks)));
        }
        return result;
    }

    private static void Header(StringBuilder sb, string name, string type, string help) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
          .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    /// <summary>Label values escape backslash, double quote and line feed (text format 0.0.4).</summary>
    private static void AppendLabelValue(StringBuilder sb, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '"': sb.Append("\\\""); break;
                case '\n': sb.Append("\\n"); break;
                default: sb.Append(c); break;
            }
        }
    }

    private static string FormatDouble(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private sealed class RequestSeries(int methodIndex, int statusSlot)
    {
        public readonly string Labels =
            $"method=\"{Methods[methodIndex]}\",status=\"{StatusTagValues[statusSlot]}\"";

        public readonly long[] Buckets = new long[BoundsTicks.Length + 1];

        public long DurationTicks;
    }

    private sealed class StrongBox
    {
        public long Value;
    }

    private readonly record struct RequestSnapshot(string Labels, long[] Buckets, long Count, long DurationTicks);
}
