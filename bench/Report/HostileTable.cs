// The "hostile" scenario's table: one column per server, each cell built from several metrics of the
// same run (before → during the attack, cut / connected), medians over the repeats.
using System.Globalization;
using System.Text;

static class HostileTable
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <param name="median">the report's median over the repeats: scenario, server, conns (null = any), metric</param>
    public static void Append(StringBuilder md, IReadOnlyList<Row> rows, Func<string, string, int?, string, double?> median,
        Func<string, string> meta, string[] servers, IReadOnlyDictionary<string, string> display)
    {
        var hostile = rows.Where(r => r.Scenario == "hostile").ToList();
        if (hostile.Count == 0) return;
        double? V(string server, string metric) => median("hostile", server, null, metric);
        double? Worst(string server, string metric) =>
            hostile.Where(r => r.Server == server && r.Metric == metric).Select(r => (double?)r.Value).Min();
        string N(double? x, string fmt = "N0") => x is null ? "?" : x.Value.ToString(fmt, Inv);

        md.AppendLine();
        md.AppendLine("## Hostile clients");
        md.AppendLine();
        md.AppendLine($"Each server restarted with `ulimit -n {meta("hostile_nofile")}` (0 = unchanged; nginx: per worker). A well-behaved");
        md.AppendLine($"client (`wrk -t1 -c{meta("hostile_good_conns")}`, GET /hello.html) runs {meta("hostile_seconds")} s alone, then {meta("hostile_seconds")} s while `bench/Hostile`");
        md.AppendLine($"attacks: {meta("hostile_slow_senders")} slow senders (POST /echo, one body byte every {meta("hostile_trickle_s")} s), {meta("hostile_slowloris")} slowloris heads (one");
        md.AppendLine($"header byte every {meta("hostile_trickle_s")} s), {meta("hostile_non_readers")} non-readers (8 pipelined GETs of the big file, never read; on ActorHttp half");
        md.AppendLine("of them pipeline 8 POST /echo bodies of 1 MiB instead), workers sending oversized lengths, and from 2 s on");
        md.AppendLine($"a flood of {meta("hostile_flood")} connections that send nothing. A hostile connection is cut when it reads the end or a");
        md.AppendLine("reset or its server-side socket leaves ESTABLISHED; times are from its connect. Medians over the repeats;");
        md.AppendLine($"\"survived\" is the worst repeat. Settings: `{meta("hostile")}`.");
        md.AppendLine();
        md.AppendLine($"| | {string.Join(" | ", servers.Select(s => display[s]))} |");
        md.AppendLine($"|---|{string.Concat(servers.Select(_ => "---:|"))}");
        void Line(string label, Func<string, string> cell) =>
            md.AppendLine($"| {label} | {string.Join(" | ", servers.Select(s => hostile.Any(r => r.Server == s) ? cell(s) : "n/a"))} |");
        string Change(string s, string alone, string attacked, string fmt)
        {
            double? a = V(s, alone), b = V(s, attacked);
            string ratio = a is > 0 && b is not null ? $" ({(b.Value / a.Value).ToString("0.00", Inv)}×)" : "";
            return $"{N(a, fmt)} → {N(b, fmt)}{ratio}";
        }
        string Cut(string s, string attack) =>
            $"{N(V(s, attack + "_cut"))}/{N(V(s, attack + "_connected"))}" +
            (V(s, attack + "_cut_s_p50") is { } p50 ? $" after {p50.ToString("0.0", Inv)} s (max {N(V(s, attack + "_cut_s_max"), "0.0")})" : "") +
            (V(s, attack + "_status") is > 0 and var st ? $", answered {st}" : "");
        string Oversized(string s, string name)
        {
            double? status = V(s, name + "_status");
            string answer = status is > 0 ? $"{status}, ≤ {N(V(s, name + "_answer_ms_max"), "0")} ms" : "no answer";
            string held = V(s, name + "_held") is > 0 and var h ? $", {h} unanswered in 5 s" : "";
            return $"{answer}; closed {N(V(s, name + "_closed"))}/{N(V(s, name + "_attempts"))}{held}";
        }

        Line("good client requests/s: alone → attacked", s => Change(s, "alone_rps", "rps", "N0"));
        Line("good client p50 ms: alone → attacked", s => Change(s, "alone_p50_ms", "p50_ms", "0.00"));
        Line("good client p99 ms: alone → attacked", s => Change(s, "alone_p99_ms", "p99_ms", "0.00"));
        Line("good client errors under attack (non-2xx + socket)", s => N(V(s, "errors")));
        Line("fresh connections answered (one every 0.5 s, 2 s timeout)", s =>
            $"{N(V(s, "probe_ok"))}/{N(V(s, "probe_sent"))}" + (V(s, "probe_p99_ms") is { } p ? $", p99 {p.ToString("0.0", Inv)} ms" : ""));
        Line("survived (alive, then answered a GET)", s => Worst(s, "survived") == 1
            ? (Worst(s, "answers_after") == 1 ? "yes" : "alive, did not answer")
            : $"**died** {N(hostile.Where(r => r.Server == s && r.Metric == "died_s").Select(r => (double?)r.Value).Min(), "0.0")} s after the attack began (exit status {N(hostile.Where(r => r.Server == s && r.Metric == "exit_code").Select(r => (double?)r.Value).Max())})");
        Line("server RSS MiB: before → peak (growth)", s =>
            $"{N(V(s, "rss_before_kb") / 1024)} → {N(V(s, "peak_rss_kb") / 1024)} (+{N(V(s, "growth_kb") / 1024, "0.0")})");
        Line("server descriptors at most", s => N(V(s, "peak_fds")));
        Line("accept queue at most (connected, not yet accepted)", s => N(V(s, "accept_queue_peak")));
        Line("slow senders cut", s => Cut(s, "slow_senders"));
        Line("slowloris heads cut", s => Cut(s, "slowloris"));
        Line("non-readers cut", s => Cut(s, "non_readers"));
        Line("flood: connected / ESTABLISHED server-side at most", s =>
            $"{N(V(s, "flood_connected"))} / {N(V(s, "flood_server_established_peak"))}");
        Line("flood connections cut", s => Cut(s, "flood"));
        Line("chunk size 7FFFFFFFFFFFFFF0 after a 5-byte chunk", s => Oversized(s, "chunk_near_long_max"));
        Line("chunk size 1FFFFFFFFFFFFFFFF (past 2^64)", s => Oversized(s, "chunk_past_2_64"));
        Line("Content-Length: 9223372036854775807", s => Oversized(s, "content_length_long_max"));
        Line("Content-Length: 184467440737095516160", s => Oversized(s, "content_length_past_2_64"));
        md.AppendLine();
        md.AppendLine("A slowloris head or a non-reader not cut within the attack may still be cut later: see bench/README.md for");
        md.AppendLine("each server's timers (ActorHttp's min-response-rate at its default cuts a non-reader only after 64 KiB / 240 B/s).");
    }
}
