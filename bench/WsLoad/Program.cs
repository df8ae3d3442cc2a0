// WsLoad: a WebSocket load client for bench/run.sh's websocket scenario. Loopback only.
//
//   WsLoad idle --port P [--path /ws/echo] [--conns 10000] [--hold 180]
//       Opens N WebSockets (connects throttled to --connect-parallel in flight), each with a receive pending (so
//       pings are answered), prints "READY open=N failed=M connect_s=S" and holds them until SIGTERM/SIGINT or
//       --hold seconds; on exit prints how many the server closed meanwhile.
//
//   WsLoad broadcast --port P [--path /ws/chat] [--conns 1000] [--messages 200] [--interval-ms 20]
//       Opens N sockets to a chat room, waits until every one has seen a warm-up message (all joined), then one of
//       them sends --messages text messages, each carrying its send time, one every --interval-ms. Every socket
//       records the latency of every message (receive time - send time, one clock: the same process) and one JSON
//       line gives conns, messages, deliveries expected and received, and p50/p90/p99/max latency in ms.
//
//   WsLoad storm --port P [--path /hello.html] [--conns 10000] [--connect-parallel 128]
//       A connect storm: N plain TCP connections (--connect-parallel in flight), each sending one GET and reading its
//       response head, then held open until all are done (so every accept is a new descriptor, as with idle
//       WebSockets). One JSON line: conns, failed, storm_s (first connect to last response) and p50/p99/max of
//       connect-to-response-head in ms. No WebSocket handshake: what it measures is accepting and a first answer.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text;

if (args.Length == 0 || args[0] is not ("idle" or "broadcast" or "storm"))
{
    Console.Error.WriteLine("usage: WsLoad idle|broadcast|storm --port P [--path P] [--conns N] [--hold S] [--messages M] [--interval-ms MS]");
    return 2;
}
string mode = args[0];
string host = Arg("--host") ?? "127.0.0.1";
if (!IPAddress.IsLoopback(IPAddress.Parse(host))) { Console.Error.WriteLine("refusing a non-loopback target"); return 2; }
int port = int.Parse(Arg("--port") ?? throw new ArgumentException("--port is required"));
int conns = int.Parse(Arg("--conns") ?? (mode == "broadcast" ? "1000" : "10000"));
string path = Arg("--path") ?? mode switch { "idle" => "/ws/echo", "storm" => "/hello.html", _ => "/ws/chat" };
int holdS = int.Parse(Arg("--hold") ?? "180");
int messages = int.Parse(Arg("--messages") ?? "200");
int intervalMs = int.Parse(Arg("--interval-ms") ?? "20");
int connectParallel = int.Parse(Arg("--connect-parallel") ?? "128");
var uri = new Uri($"ws://{host}:{port}{path}");

using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(holdS + 120));
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });

var gate = new SemaphoreSlim(connectParallel);
var clock = Stopwatch.StartNew();
if (mode == "storm") return await Storm();
var sockets = new ClientWebSocket?[conns];
int failed = 0;
await Task.WhenAll(Enumerable.Range(0, conns).Select(async i =>
{
    await gate.WaitAsync(stop.Token);
    try
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero; // the server pings; the client only answers
        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        connectTimeout.CancelAfter(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(uri, connectTimeout.Token);
        sockets[i] = socket;
    }
    catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
    {
        Interlocked.Increment(ref failed);
    }
    finally
    {
        gate.Release();
    }
}));
double connectS = clock.Elapsed.TotalSeconds;
var open = sockets.Where(s => s is not null).Cast<ClientWebSocket>().ToArray();

if (mode == "idle")
{
    int closedByServer = 0;
    var receives = open.Select(async socket =>
    {
        try
        {
            var result = await socket.ReceiveAsync(new byte[256], stop.Token);
            if (result.MessageType == WebSocketMessageType.Close) Interlocked.Increment(ref closedByServer);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
    }).ToArray();
    Console.WriteLine($"READY open={open.Length} failed={failed} connect_s={connectS:F1}");
    Console.Out.Flush();
    try { await Task.Delay(TimeSpan.FromSeconds(holdS), stop.Token); } catch (OperationCanceledException) { }
    Console.WriteLine($"closed_by_server={Volatile.Read(ref closedByServer)}");
    foreach (var socket in open) socket.Abort();
    return 0;
}

// ---- broadcast: every socket records the latency of every timed message it receives.
var latencies = new List<double>[open.Length];
var warmedUp = new TaskCompletionSource[open.Length];
var done = new CountdownEvent(open.Length);
long expected = (long)open.Length * messages;
for (int i = 0; i < open.Length; i++) { latencies[i] = new List<double>(messages); warmedUp[i] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously); }
var readers = open.Select((socket, i) => Task.Run(async () =>
{
    var buffer = new byte[1024];
    try
    {
        while (latencies[i].Count < messages)
        {
            var result = await socket.ReceiveAsync(buffer, stop.Token);
            if (result.MessageType == WebSocketMessageType.Close) break;
            var text = Encoding.UTF8.GetString(buffer, 0, result.Count);
            if (text.StartsWith("warmup", StringComparison.Ordinal)) { warmedUp[i].TrySetResult(); continue; }
            if (long.TryParse(text, out var sentTicks))
                latencies[i].Add((clock.ElapsedTicks - sentTicks) * 1000.0 / Stopwatch.Frequency);
        }
    }
    catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
    finally { done.Signal(); }
})).ToArray();

// Joining the room is a message to it: a warm-up message every 200 ms until every socket has seen one.
var sender = open[0];
var allJoined = Task.WhenAll(warmedUp.Select(w => w.Task));
while (!allJoined.IsCompleted && !stop.IsCancellationRequested)
{
    await sender.SendAsync(Encoding.UTF8.GetBytes("warmup"), WebSocketMessageType.Text, true, stop.Token);
    await Task.WhenAny(allJoined, Task.Delay(200, stop.Token));
}
double joinedS = clock.Elapsed.TotalSeconds;
for (int m = 0; m < messages && !stop.IsCancellationRequested; m++)
{
    await sender.SendAsync(Encoding.UTF8.GetBytes(clock.ElapsedTicks.ToString()), WebSocketMessageType.Text, true, stop.Token);
    await Task.Delay(intervalMs, stop.Token);
}
using var drain = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
drain.CancelAfter(TimeSpan.FromSeconds(60));
await Task.WhenAny(Task.WhenAll(readers), Task.Delay(Timeout.Infinite, drain.Token).ContinueWith(_ => { }));
var all = latencies.SelectMany(l => { lock (l) return l.ToArray(); }).OrderBy(x => x).ToArray();
double P(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)Math.Ceiling(q * all.Length) - 1)];
Console.WriteLine($"{{\"conns\":{open.Length},\"failed\":{failed},\"connect_s\":{connectS:F1},\"joined_s\":{joinedS:F1},\"messages\":{messages}," +
    $"\"expected\":{expected},\"received\":{all.Length},\"p50_ms\":{P(0.50):F2},\"p90_ms\":{P(0.90):F2},\"p99_ms\":{P(0.99):F2},\"max_ms\":{(all.Length == 0 ? double.NaN : all[^1]):F2}}}");
foreach (var socket in open) socket.Abort();
return 0;

// ---- storm: accepts under a burst of connects, each answered once.
async Task<int> Storm()
{
    var request = Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n");
    var held = new Socket?[conns];
    var times = new double[conns];
    int stormFailed = 0;
    await Task.WhenAll(Enumerable.Range(0, conns).Select(async i =>
    {
        await gate.WaitAsync(stop.Token);
        var started = clock.ElapsedTicks;
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            await socket.ConnectAsync(IPAddress.Parse(host), port, timeout.Token);
            await socket.SendAsync(request, SocketFlags.None, timeout.Token);
            var buffer = new byte[4096];
            var seen = "";
            while (!seen.Contains("\r\n\r\n"))
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                if (n == 0) throw new IOException("closed before a response");
                seen += Encoding.ASCII.GetString(buffer, 0, n);
            }
            times[i] = (clock.ElapsedTicks - started) * 1000.0 / Stopwatch.Frequency;
            held[i] = socket;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            Interlocked.Increment(ref stormFailed);
            times[i] = double.NaN;
            socket.Dispose();
        }
        finally
        {
            gate.Release();
        }
    }));
    double stormS = clock.Elapsed.TotalSeconds;
    var answered = times.Where(t => !double.IsNaN(t)).OrderBy(t => t).ToArray();
    double Q(double q) => answered.Length == 0 ? double.NaN : answered[Math.Min(answered.Length - 1, (int)Math.Ceiling(q * answered.Length) - 1)];
    Console.WriteLine($"{{\"conns\":{answered.Length},\"failed\":{stormFailed},\"storm_s\":{stormS:F2},\"p50_ms\":{Q(0.50):F2},\"p99_ms\":{Q(0.99):F2},\"max_ms\":{(answered.Length == 0 ? double.NaN : answered[^1]):F2}}}");
    foreach (var socket in held) socket?.Dispose();
    return 0;
}

string? Arg(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
