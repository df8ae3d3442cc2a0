using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace ActorHttp.Tests.Cluster;

/// <summary>
/// A steady stream of <c>POST /counter/{id}</c> through the balancer: <see cref="Loops"/> clients, each posting to its
/// own ids in turn, one request at a time, so each id's requests are sequential and its answers must count up by one.
/// Every outcome is recorded (status or error, when it ended) until <see cref="StopAsync"/>.
/// </summary>
public sealed class CounterLoad : IAsyncDisposable
{
    public const int Loops = 6;

    /// <summary>Above the shipped profile's handler timeout (30 s) and HAProxy's server timeout, which answer first.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(45);

    private readonly HttpClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<Outcome> _outcomes = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task[] _loops;
    private int _successes;

    private CounterLoad(Uri balancer, IReadOnlyList<string> ids)
    {
        Ids = ids;
        _client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Loops }) { BaseAddress = balancer, Timeout = RequestTimeout };
        _loops = Enumerable.Range(0, Loops)
            .Select(loop => Task.Run(() => RunAsync(ids.Where((_, i) => i % Loops == loop).ToArray())))
            .ToArray();
    }

    public IReadOnlyList<string> Ids { get; }

    /// <summary>Time since the load started, the clock of every <see cref="Outcome"/>.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    public int Successes => Volatile.Read(ref _successes);

    public static CounterLoad Start(Uri balancer, IReadOnlyList<string> ids) => new(balancer, ids);

    /// <summary>Waits until <paramref name="count"/> more requests have succeeded, within <paramref name="timeout"/>.</summary>
    public Task WaitForMoreSuccessesAsync(int count, TimeSpan timeout)
    {
        var target = Successes + count;
        return LoopbackCluster.Eventually(() => Task.FromResult(Successes >= target), timeout, $"{count} more successful POSTs");
    }

    /// <summary>Waits until every id has had a successful POST that started after <paramref name="since"/>.</summary>
    public Task WaitUntilEveryIdServedSinceAsync(TimeSpan since, TimeSpan timeout) =>
        LoopbackCluster.Eventually(() => Task.FromResult(Ids.All(id => _outcomes.Any(o => o.Id == id && o.Status == 200 && o.Started >= since))),
            timeout, "every counter answered 200 again");

    /// <summary>Stops the loops (requests in flight finish) and returns every outcome.</summary>
    public async Task<IReadOnlyList<Outcome>> StopAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_loops);
        return _outcomes.ToArray();
    }

    private async Task RunAsync(string[] ids)
    {
        for (var n = 0; !_stop.IsCancellationRequested; n++)
        {
            var id = ids[n % ids.Length];
            var started = _clock.Elapsed;
            try
            {
                using var response = await _client.PostAsync($"counter/{id}", new ByteArrayContent(Array.Empty<byte>()));
                var body = await response.Content.ReadAsStringAsync();
                var status = (int)response.StatusCode;
                long? count = status == 200 && long.TryParse(body.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : null;
                _outcomes.Enqueue(new Outcome(id, started, _clock.Elapsed, status, count, status == 200 ? null : body.Trim()));
                if (status == 200) Interlocked.Increment(ref _successes);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                _outcomes.Enqueue(new Outcome(id, started, _clock.Elapsed, 0, null, e.GetType().Name + ": " + e.Message));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _client.Dispose();
        _stop.Dispose();
    }

    /// <summary>One POST: its id, when it started and ended, the status (0: no response), the count it answered.</summary>
    public sealed record Outcome(string Id, TimeSpan Started, TimeSpan Ended, int Status, long? Count, string? Error)
    {
        public override string ToString() =>
            $"POST /counter/{Id} at {Started.TotalSeconds:0.00}-{Ended.TotalSeconds:0.00} s: {(Status == 0 ? "no response" : Status.ToString())} {Error}";
    }
}
