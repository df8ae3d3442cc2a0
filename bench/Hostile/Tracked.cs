// What the hostile clients keep per connection and per attack, and how they sum it up.
using System.Collections.Concurrent;
using System.Net.Sockets;

/// <summary>One held hostile connection: when it opened, and when and how the server cut it.</summary>
sealed class TrackedConnection(string attack, Socket socket, double openedAt)
{
    readonly Lock gate = new();

    public string Attack { get; } = attack;
    public Socket Socket { get; } = socket;
    public int ClientPort { get; } = ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;
    public double OpenedAt { get; } = openedAt;
    public double? CutAt { get; private set; }
    public string? CutHow { get; private set; }

    /// <summary>Status code of the first response read on it; 0 = none (or the attack never reads).</summary>
    public int Status { get; set; }

    /// <summary>Seen ESTABLISHED on the server side once: only then does its absence mean the server closed it.</summary>
    public bool SeenByServer { get; set; }

    public void MarkCut(double at, string how)
    {
        lock (gate)
        {
            if (CutAt is not null) return;
            CutAt = at;
            CutHow = how;
        }
    }
}

/// <summary>Counts of one attack's connections.</summary>
sealed class AttackTally(string name, int planned)
{
    public string Name { get; } = name;
    public int Planned { get; } = planned;
    public ConcurrentBag<TrackedConnection> Connections { get; } = [];
    public ConcurrentDictionary<string, int> ConnectErrors { get; } = new();
    public int Attempted;
    public int ServerEstablishedPeak;

    public object Summary(double endAt)
    {
        var all = Connections.ToArray();
        var cut = all.Where(c => c.CutAt <= endAt).ToArray();
        var cutAfter = cut.Select(c => c.CutAt!.Value - c.OpenedAt).Order().ToArray();
        return new
        {
            planned = Planned,
            attempted = Attempted,
            connected = all.Length,
            connect_errors = ConnectErrors,
            server_established_peak = ServerEstablishedPeak,
            cut = cut.Length,
            cut_s_p50 = Stats.Percentile(cutAfter, 50),
            cut_s_max = cutAfter.Length == 0 ? (double?)null : Math.Round(cutAfter[^1], 2),
            open_at_end = all.Length - cut.Length,
            cut_how = cut.GroupBy(c => c.CutHow!).ToDictionary(g => g.Key, g => g.Count()),
            first_status = all.GroupBy(c => c.Status.ToString()).ToDictionary(g => g.Key, g => g.Count()),
        };
    }
}

/// <summary>Answers to one kind of oversized request.</summary>
sealed class OversizedTally(string name)
{
    readonly Lock gate = new();
    readonly List<double> answerMs = [];
    readonly Dictionary<string, int> statuses = [];

    public string Name { get; } = name;
    int attempts, noAnswerHeld, closedWithoutAnswer, closedAfterAnswer, connectFailed;

    public void ConnectFailed() { lock (gate) { attempts++; connectFailed++; } }

    /// <summary>status 0 = no status line; closed = the server closed the connection (before the answer timeout).</summary>
    public void Add(int status, double ms, bool closed)
    {
        lock (gate)
        {
            attempts++;
            if (status == 0 && closed) closedWithoutAnswer++;
            else if (status == 0) noAnswerHeld++;
            else
            {
                statuses[status.ToString()] = statuses.GetValueOrDefault(status.ToString()) + 1;
                answerMs.Add(ms);
                if (closed) closedAfterAnswer++;
            }
        }
    }

    public object Summary()
    {
        lock (gate)
        {
            var ms = answerMs.Order().ToArray();
            return new
            {
                attempts,
                connect_failed = connectFailed,
                statuses,
                modal_status = statuses.Count == 0 ? 0 : int.Parse(statuses.MaxBy(kv => kv.Value).Key),
                no_answer_held = noAnswerHeld,
                closed_without_answer = closedWithoutAnswer,
                closed_after_answer = closedAfterAnswer,
                answer_ms_p50 = Stats.Percentile(ms, 50),
                answer_ms_max = ms.Length == 0 ? (double?)null : Math.Round(ms[^1], 1),
            };
        }
    }
}

/// <summary>Fresh connections asking for a small page while the attacks run.</summary>
sealed class ProbeTally
{
    readonly Lock gate = new();
    readonly List<double> okMs = [];
    readonly Dictionary<string, int> failures = [];
    int sent;

    public void Ok(double ms) { lock (gate) { sent++; okMs.Add(ms); } }
    public void Failed(string why) { lock (gate) { sent++; failures[why] = failures.GetValueOrDefault(why) + 1; } }

    public object Summary()
    {
        lock (gate)
        {
            var ms = okMs.Order().ToArray();
            return new
            {
                sent,
                ok = ms.Length,
                failures,
                p50_ms = Stats.Percentile(ms, 50),
                p99_ms = Stats.Percentile(ms, 99),
                max_ms = ms.Length == 0 ? (double?)null : Math.Round(ms[^1], 1),
            };
        }
    }
}

static class Stats
{
    /// <summary>Nearest-rank percentile of sorted values; null when there are none.</summary>
    public static double? Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? null : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)], 2);
}
