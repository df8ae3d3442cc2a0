using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace ActorHttp.Tests.Cluster;

/// <summary>
/// A steady stream of <c>POST /counter/{id}</c> through the balancer: one client per id, one request at a time, so
/// each id's requests are sequential and its answers must count up by one, and a request stuck on one entity holds
/// up no other. Every outcome is recorded (status or error, when it started and ended) until <see cref="StopAsync"/>.
/// </summary>
public sealed class CounterLoad : IAsyncDisposable
{
    /// <summary>Above the shipped profile's handler timeout (30 s) and HAProxy's server timeout, which answer first.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(45);

    private readonly HttpClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _abandon = new();
    private readonly ConcurrentQueue<Outcome> _outcomes = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task[] _loops;
    private int _successes;

    private CounterLoad(Uri balancer, IReadOnlyList<string> ids)
    {
        Ids = ids;
        // An idle connection is given up well before HAProxy's own keep-alive timeout (10 s) closes it: a request
        // sent on a connection the balancer is closing at that moment fails without reaching any node.
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = ids.Count, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(4) };
        _client = new HttpClient(handler) { BaseAddress = balancer, Timeout = RequestTimeout };
        _loops = ids.Select(id => Task.Run(() => RunAsync(id))).ToArray();
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

    /// <summary>
    /// Stops the loops and returns every outcome. Requests in flight get <paramref name="grace"/> to finish; those
    /// still waiting then (on an entity of a dead node) are cancelled and recorded as unanswered.
    /// </summary>
    public async Task<IReadOnlyList<Outcome>> StopAsync(TimeSpan grace)
    {
        _stop.Cancel();
        var all = Task.WhenAll(_loops);
        if (await Task.WhenAny(all, Task.Delay(grace)) != all) _abandon.Cancel();
        await all;
        return _outcomes.ToArray();
    }

    /// <summary>Stops the loops, letting every request in flight finish (up to its timeout).</summary>
    public Task<IReadOnlyList<Outcome>> StopAsync() => StopAsync(RequestTimeout);

    private async Task RunAsync(string id)
    {
        while (!_stop.IsCancellationRequested)
        {
            var started = _clock.Elapsed;
            try
            {
                using var response = await _client.PostAsync($"counter/{id}", new ByteArrayContent(Array.Empty<byte>()), _abandon.Token);
                var body = await response.Content.ReadAsStringAsync(_abandon.Token);
                var status = (int)response.StatusCode;
                long? count = status == 200 && long.TryParse(body.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : null;
                _outcomes.Enqueue(new Outcome(id, started, _clock.Elapsed, status, count, status == 200 ? null : body.Trim()));
                if (status == 200) Interlocked.Increment(ref _successes);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                _outcomes.Enqueue(new Outcome(id, started, _clock.Elapsed, 0, null, e.GetType().Name + ": " + e.Message + (e.GetBaseException() is { } cause && cause != e ? " <- " + cause.GetType().Name + ": " + cause.Message : "")));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _client.Dispose();
        _stop.Dispose();
        _abandon.Dispose();
    }

    /// <summary>One POST: its id, when it started and ended, the status (0: no response), the count it answered.</summary>
    public sealed record Outcome(string Id, TimeSpan Started, TimeSpan Ended, int Status, long? Count, string? Error)
    {
        public override string ToString() =>
            $"POST /counter/{Id} at {Started.TotalSeconds:0.00}-{Ended.TotalSeconds:0.00} s: {(Status == 0 ? "no response" : Status.ToString())} {Error}";
    }
}
