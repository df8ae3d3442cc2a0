// The "cluster" scenario's table (ActorHttp only): sharded counters through HAProxy with 1 and 3 nodes, and the
// cross-node hop (entities node 1 hosts against entities another node hosts, one connection straight to node 1).
using System.Globalization;
using System.Text;

static class ClusterTable
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <param name="median">the report's median over the repeats: scenario, server, conns (null = any), metric</param>
    public static void Append(StringBuilder md, IReadOnlyList<Row> rows, Func<string, string, int?, string, double?> median,
        Func<string, string> meta)
    {
        var cluster = rows.Where(r => r.Scenario == "cluster").ToList();
        if (cluster.Count == 0) return;
        double? V(string metric) => median("cluster", "actorhttp", null, metric);
        string N(double? x, string fmt = "N0") => x is null ? "n/a" : x.Value.ToString(fmt, Inv);
        var nodeCounts = cluster.Select(r => r.Metric).Where(m => m.StartsWith('n') && m.Contains("_get_rps"))
            .Select(m => int.Parse(m[1..m.IndexOf('_')], Inv)).Distinct().OrderBy(n => n).ToList();

        md.AppendLine();
        md.AppendLine("## Cluster: sharded counters behind HAProxy");
        md.AppendLine();
        md.AppendLine($"`deploy/loopback-cluster.sh` nodes on loopback behind HAProxy; `wrk -t2 -c{meta("cluster_conns")}` sends `GET` (read the count),");
        md.AppendLine($"then `POST` (add one: a journal write), to `/counter/{{id}}` over {meta("cluster_entities")} entities picked at random (bench/cluster/counters.lua).");
        md.AppendLine("Before them, every counter is started once (GET, 32 at a time: each replays its journal as it starts), timed.");
        md.AppendLine("Load generator, balancer and every node share the same cores. Medians over the repeats.");
        md.AppendLine();
        md.AppendLine($"| nodes | counters started/s (cold) | GET requests/s | GET p50 / p99 ms | POST requests/s | POST p50 / p99 ms | errors (non-2xx + socket) |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var n in nodeCounts)
            md.AppendLine($"| {n} | {N(V($"n{n}_entity_starts_per_s"))} | {N(V($"n{n}_get_rps"))} | {N(V($"n{n}_get_p50_ms"), "0.00")} / {N(V($"n{n}_get_p99_ms"), "0.00")} " +
                $"| {N(V($"n{n}_post_rps"))} | {N(V($"n{n}_post_p50_ms"), "0.00")} / {N(V($"n{n}_post_p99_ms"), "0.00")} " +
                $"| {N(V($"n{n}_get_errors"))} + {N(V($"n{n}_post_errors"))} |");
        if (V("hop_local_p50_ms") is null && V("hop_remote_p50_ms") is null) return;
        md.AppendLine();
        md.AppendLine("Cross-node hop: one connection straight to node 1 of the 3 (no balancer), `GET /counter/{id}` of entities node 1");
        md.AppendLine("hosts, then of entities another node hosts (told apart by node 1's entity count in its metrics).");
        md.AppendLine();
        md.AppendLine("| entity | requests/s | p50 ms | p99 ms |");
        md.AppendLine("|---|---:|---:|---:|");
        md.AppendLine($"| on node 1 (local) | {N(V("hop_local_rps"))} | {N(V("hop_local_p50_ms"), "0.000")} | {N(V("hop_local_p99_ms"), "0.000")} |");
        md.AppendLine($"| on another node (remote) | {N(V("hop_remote_rps"))} | {N(V("hop_remote_p50_ms"), "0.000")} | {N(V("hop_remote_p99_ms"), "0.000")} |");
        if (V("hop_local_p50_ms") is { } local && V("hop_remote_p50_ms") is { } remote)
            md.AppendLine($"| the hop's cost at p50 | | {(remote - local).ToString("+0.000;-0.000", Inv)} | |");
    }
}
