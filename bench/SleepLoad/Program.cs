// SleepLoad: a small socket load client for bench/run.sh. Loopback only.
//
//   SleepLoad sleep --port P [--host 127.0.0.1] [--conns 10000] [--path /sleep] [--timeout 120]
//       Opens N connections at once (connects throttled to --connect-parallel in flight), sends one
//       "GET PATH HTTP/1.1" on each as soon as it is connected, reads each response (Content-Length or
//       chunked), and prints one JSON line: conns, ok (status 200), failed, statuses, connect_s, wall_s.
//       The run is bounded by --timeout seconds.
//
//   SleepLoad idle --port P [--conns 10000] [--path /hello.html] [--hold 120]
//       Opens N keep-alive connections, sends one request on each and reads its response, then prints
//       "READY ok=N failed=M" and holds the sockets open until SIGTERM/SIGINT or --hold seconds pass;
//       on exit it prints how many of the held connections the server had closed meanwhile.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

if (args.Length == 0 || args[0] is not ("sleep" or "idle"))
{
    Console.Error.WriteLine("usage: SleepLoad sleep|idle --port P [--host H] [--conns N] [--path P] [--timeout S] [--hold S]");
    return 2;
}
string mode = args[0];
string host = Arg("--host") ?? "127.0.0.1";
int port = int.Parse(Arg("--port") ?? throw new ArgumentException("--port is required"));
int conns = int.Parse(Arg("--conns") ?? "10000");
string path = Arg("--path") ?? (mode == "sleep" ? "/sleep" : "/hello.html");
int timeoutS = int.Parse(Arg("--timeout") ?? "120");
int holdS = int.Parse(Arg("--hold") ?? "120");
int connectParallel = int.Parse(Arg("--connect-parallel") ?? "256");

var ip = IPAddress.Parse(host);
if (!IPAddress.IsLoopback(ip)) { Console.Error.WriteLine("refusing a non-loopback target"); return 2; }
var endpoint = new IPEndPoint(ip, port);
byte[] request = Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: keep-alive\r\n\r\n");

using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutS));
var gate = new SemaphoreSlim(connectParallel);
var sockets = new Socket?[conns];
var statuses = new int[conns];          // 0 = no response (error)
var errors = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
long connectedTicks = 0;
int connected = 0;
var sw = Stopwatch.StartNew();

async Task One(int i)
{
    Socket? s = null;
    try
    {
        await gate.WaitAsync(cts.Token);
        try
        {
            s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await s.ConnectAsync(endpoint, cts.Token);
        }
        finally { gate.Release(); }
        if (Interlocked.Increment(ref connected) == conns) Interlocked.Exchange(ref connectedTicks, sw.ElapsedTicks);
        await s.SendAsync(request, SocketFlags.None, cts.Token);
        statuses[i] = await ReadResponse(s, cts.Token);
        if (mode == "idle") sockets[i] = s; else s.Dispose();
    }
    catch (Exception e)
    {
        errors.AddOrUpdate(e.GetType().Name + (e is SocketException se ? ":" + se.SocketErrorCode : ""), 1, (_, n) => n + 1);
        s?.Dispose();
    }
}

var tasks = new Task[conns];
for (int i = 0; i < conns; i++) tasks[i] = One(i);
await Task.WhenAll(tasks);
double wall = sw.Elapsed.TotalSeconds;
int ok = statuses.Count(x => x == 200);
var statusCounts = statuses.GroupBy(x => x).ToDictionary(g => g.Key.ToString(), g => g.Count());

if (mode == "sleep")
{
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        mode, conns, ok, failed = conns - ok,
        connect_s = connectedTicks == 0 ? -1 : Math.Round(connectedTicks / (double)Stopwatch.Frequency, 3),
        wall_s = Math.Round(wall, 3),
        statuses = statusCounts, errors,
    }));
    return ok == conns ? 0 : 1;
}

// idle: hold the connections open.
Console.WriteLine($"READY ok={ok} failed={conns - ok} open_s={wall:F3} errors={JsonSerializer.Serialize(errors)}");
Console.Out.Flush();
var stop = new TaskCompletionSource();
using var r1 = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
using var r2 = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
await Task.WhenAny(stop.Task, Task.Delay(TimeSpan.FromSeconds(holdS)));
// Count the connections the server closed while they were held (readable with 0 bytes = FIN).
int closedByServer = 0;
foreach (var s in sockets)
{
    if (s is null) continue;
    try { if (s.Poll(0, SelectMode.SelectRead) && s.Available == 0) closedByServer++; } catch { closedByServer++; }
    s.Dispose();
}
Console.WriteLine($"DONE held={sockets.Count(x => x != null)} closed_by_server={closedByServer}");
return 0;

// Reads one HTTP/1.1 response; returns its status code. Handles Content-Length and chunked bodies.
static async Task<int> ReadResponse(Socket s, CancellationToken ct)
{
    var buf = new byte[8192];
    int len = 0;
    int headerEnd;
    while ((headerEnd = IndexOf(buf, len, "\r\n\r\n"u8)) < 0)
    {
        if (len == buf.Length) Array.Resize(ref buf, buf.Length * 2);
        int n = await s.ReceiveAsync(buf.AsMemory(len), SocketFlags.None, ct);
        if (n == 0) throw new IOException("closed before headers");
        len += n;
    }
    string head = Encoding.ASCII.GetString(buf, 0, headerEnd);
    var lines = head.Split("\r\n");
    int status = int.Parse(lines[0].Split(' ')[1]);
    long contentLength = -1; bool chunked = false;
    foreach (var line in lines.Skip(1))
    {
        int c = line.IndexOf(':');
        if (c < 0) continue;
        var name = line[..c].Trim(); var value = line[(c + 1)..].Trim();
        if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) contentLength = long.Parse(value);
        if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && value.Contains("chunked", StringComparison.OrdinalIgnoreCase)) chunked = true;
    }
    int bodyStart = headerEnd + 4;
    if (chunked)
    {
        // Read until the terminating zero-length chunk.
        while (IndexOf(buf, len, "\r\n0\r\n\r\n"u8) < 0 && !(len - bodyStart >= 5 && buf.AsSpan(bodyStart, 5).SequenceEqual("0\r\n\r\n"u8)))
        {
            if (len == buf.Length) Array.Resize(ref buf, buf.Length * 2);
            int n = await s.ReceiveAsync(buf.AsMemory(len), SocketFlags.None, ct);
            if (n == 0) throw new IOException("closed in chunked body");
            len += n;
        }
        return status;
    }
    long remaining = Math.Max(0, contentLength) - (len - bodyStart);
    while (remaining > 0)
    {
        int n = await s.ReceiveAsync(buf.AsMemory(0, (int)Math.Min(buf.Length, remaining)), SocketFlags.None, ct);
        if (n == 0) throw new IOException("closed in body");
        remaining -= n;
    }
    return status;
}

static int IndexOf(byte[] buf, int len, ReadOnlySpan<byte> needle) => buf.AsSpan(0, len).IndexOf(needle);

string? Arg(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
