// Hostile: the hostile clients of bench/run.sh's "hostile" scenario, all at once for --seconds. Loopback only.
//
//   Hostile --port P [--host 127.0.0.1] [--seconds 15] [--slow-senders 50] [--slowloris 50]
//           [--non-readers 20] [--echo-non-readers] [--pipeline 8] [--echo-bytes 1048576] [--big-path /big.bin]
//           [--oversized 4] [--flood 2048] [--flood-delay 2] [--trickle 2] [--probe-interval 0.5]
//           [--connect-timeout 3] [--answer-timeout 5]
//
//   slow-senders  POST /echo declaring Content-Length: 1000, then one body byte every --trickle s
//   slowloris     "GET /hello.html HTTP/1.1", Host, then one byte of a header field every --trickle s, never ending
//   non-readers   --pipeline GETs of --big-path in one write, never reading a byte; with --echo-non-readers every
//                 other one sends --pipeline POST /echo bodies of --echo-bytes instead
//   oversized     --oversized workers, each connection in turn one of: a chunk size near long.MaxValue after a
//                 5-byte chunk, a chunk size past 2^64, Content-Length long.MaxValue, Content-Length past 2^64;
//                 the status line is awaited --answer-timeout s, then the close the same time again
//   flood         after --flood-delay s, --flood connections (256 connecting at a time, --connect-timeout s each)
//                 that send nothing, held to the end
//   probes        one fresh connection with GET /hello.html every --probe-interval s (2 s timeout each)
// A held connection counts as cut when it reads end of stream or a reset, a send on it fails, or its
// server-side socket leaves ESTABLISHED (see ServerSockets.cs). Prints one JSON line at the end; the run
// takes --seconds, plus at most --connect-timeout and --answer-timeout for the last waits to give up.
using System.Net;
using System.Text.Json;

string host = Arg("--host") ?? "127.0.0.1";
var ip = IPAddress.Parse(host);
if (!IPAddress.IsLoopback(ip)) { Console.Error.WriteLine("refusing a non-loopback target"); return 2; }
var settings = new HostileSettings(
    Server: new IPEndPoint(ip, int.Parse(Arg("--port") ?? throw new ArgumentException("--port is required"))),
    Duration: Seconds("--seconds", 15),
    SlowSenders: Int("--slow-senders", 50),
    Slowloris: Int("--slowloris", 50),
    NonReaders: Int("--non-readers", 20),
    EchoNonReaders: args.Contains("--echo-non-readers"),
    Pipeline: Int("--pipeline", 8),
    EchoBytes: Int("--echo-bytes", 1048576),
    BigPath: Arg("--big-path") ?? "/big.bin",
    OversizedWorkers: Int("--oversized", 4),
    Flood: Int("--flood", 2048),
    FloodDelay: Seconds("--flood-delay", 2),
    Trickle: Seconds("--trickle", 2),
    ProbeInterval: Seconds("--probe-interval", 0.5),
    ConnectTimeout: Seconds("--connect-timeout", 3),
    AnswerTimeout: Seconds("--answer-timeout", 5));

using var end = new CancellationTokenSource(settings.Duration);
var clients = new HostileClients(settings, end.Token);
var run = clients.RunAsync();
// Every task ends with the token; the second bound covers a task stuck where no token reaches.
await Task.WhenAny(run, Task.Delay(settings.Duration + settings.ConnectTimeout + settings.AnswerTimeout * 2));
clients.FinalScan();
double endAt = clients.Now;
Console.WriteLine(JsonSerializer.Serialize(new
{
    seconds = settings.Duration.TotalSeconds,
    wall_s = Math.Round(endAt, 2),
    finished = run.IsCompleted,
    accept_queue_peak = clients.AcceptQueuePeak,
    flood_connects_done_s = clients.FloodConnectsDoneAt,
    attacks = clients.Attacks.ToDictionary(a => a.Name, a => a.Summary(endAt)),
    oversized = clients.Oversized.ToDictionary(o => o.Name, o => o.Summary()),
    probes = clients.Probes.Summary(),
}));
clients.CloseAll();
return 0;

string? Arg(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
int Int(string name, int fallback) => Arg(name) is { } v ? int.Parse(v) : fallback;
TimeSpan Seconds(string name, double fallback) =>
    TimeSpan.FromSeconds(Arg(name) is { } v ? double.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback);
