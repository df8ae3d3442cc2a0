// The attacks themselves. Every loop ends when the attack's time is up (the shared token) and is bounded
// in count too; every connect and every wait for an answer has its own timeout.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

sealed record HostileSettings(
    IPEndPoint Server, TimeSpan Duration, int SlowSenders, int Slowloris, int NonReaders, bool EchoNonReaders,
    int Pipeline, int EchoBytes, string BigPath, int OversizedWorkers, int Flood, TimeSpan FloodDelay,
    TimeSpan Trickle, TimeSpan ProbeInterval, TimeSpan ConnectTimeout, TimeSpan AnswerTimeout);

/// <summary>Runs every attack at once against one server and keeps the tallies.</summary>
sealed class HostileClients
{
    const int ConnectsInFlight = 256;
    const int MaxTrickledBytes = 1000;                       // slow senders declare this body length
    static readonly TimeSpan OversizedPause = TimeSpan.FromMilliseconds(100);
    static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);
    static readonly TimeSpan MonitorInterval = TimeSpan.FromMilliseconds(250);

    readonly HostileSettings settings;
    readonly CancellationToken end;
    readonly Stopwatch clock = Stopwatch.StartNew();
    readonly string host;
    readonly byte[] pipelinedGets;
    readonly byte[] pipelinedEchoes;
    int floodConnectsDone;

    public AttackTally SlowSenders { get; }
    public AttackTally SlowlorisHeads { get; }
    public AttackTally NonReaders { get; }
    public AttackTally DescriptorFlood { get; }
    public OversizedTally[] Oversized { get; }
    public ProbeTally Probes { get; } = new();
    public int AcceptQueuePeak { get; private set; }
    /// <summary>When the last flood connect succeeded or gave up; null when the attack ended first.</summary>
    public double? FloodConnectsDoneAt { get; private set; }
    public double Now => clock.Elapsed.TotalSeconds;

    // Lengths a server must not turn into arithmetic or an allocation: the chunk sizes follow a 5-byte
    // chunk, so a parser that adds sizes up meets them with a running total already set (RFC 9112 §7.1).
    static readonly (string Name, string Head)[] OversizedRequests =
    [
        ("chunk_near_long_max", "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7FFFFFFFFFFFFFF0\r\nxxxxxxxx"),
        ("chunk_past_2_64", "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1FFFFFFFFFFFFFFFF\r\nxxxxxxxx"),
        ("content_length_long_max", "Content-Length: 9223372036854775807\r\n\r\nxxxxxxxx"),
        ("content_length_past_2_64", "Content-Length: 184467440737095516160\r\n\r\nxxxxxxxx"),
    ];

    public HostileClients(HostileSettings settings, CancellationToken end)
    {
        this.settings = settings;
        this.end = end;
        host = $"{settings.Server.Address}:{settings.Server.Port}";
        SlowSenders = new("slow_senders", settings.SlowSenders);
        SlowlorisHeads = new("slowloris", settings.Slowloris);
        NonReaders = new("non_readers", settings.NonReaders);
        DescriptorFlood = new("flood", settings.Flood);
        Oversized = OversizedRequests.Select(r => new OversizedTally(r.Name)).ToArray();
        pipelinedGets = Repeat(Ascii($"GET {settings.BigPath} HTTP/1.1\r\nHost: {host}\r\n\r\n"), settings.Pipeline);
        pipelinedEchoes = settings.EchoNonReaders ? Repeat(EchoRequest(settings.EchoBytes), settings.Pipeline) : [];
    }

    public AttackTally[] Attacks => [SlowSenders, SlowlorisHeads, NonReaders, DescriptorFlood];

    public Task RunAsync()
    {
        var tasks = new List<Task> { Guard(MonitorServerSide()), Guard(Probe()), Guard(Flood()) };
        for (int i = 0; i < settings.SlowSenders; i++) tasks.Add(Guard(SlowSender()));
        for (int i = 0; i < settings.Slowloris; i++) tasks.Add(Guard(SlowlorisHead()));
        for (int i = 0; i < settings.NonReaders; i++) tasks.Add(Guard(NonReader(settings.EchoNonReaders && i % 2 == 1)));
        for (int i = 0; i < settings.OversizedWorkers; i++) tasks.Add(Guard(OversizedWorker(i)));
        return Task.WhenAll(tasks);
    }

    /// <summary>A last look at the server side, so cuts up to the very end count.</summary>
    public void FinalScan() => ScanServerSide();

    public void CloseAll()
    {
        foreach (var c in Attacks.SelectMany(a => a.Connections))
            try { c.Socket.Dispose(); } catch (ObjectDisposedException) { }
    }

    // ------------------------------------------------------------------ attacks

    // POST /echo declaring a 1000-byte body, then one body byte every Trickle.
    async Task SlowSender()
    {
        var c = await Open(SlowSenders);
        if (c is null) return;
        _ = Guard(ReadUntilCut(c));
        byte[] head = Ascii($"POST /echo HTTP/1.1\r\nHost: {host}\r\nContent-Type: text/plain\r\nContent-Length: {MaxTrickledBytes}\r\n\r\nx");
        if (!await Send(c, head)) return;
        for (int sent = 1; sent < MaxTrickledBytes && c.CutAt is null; sent++)
        {
            await Task.Delay(settings.Trickle, end);
            if (!await Send(c, "x"u8.ToArray())) return;
        }
    }

    // A request line and Host, then one byte of a header field every Trickle: the head never ends.
    async Task SlowlorisHead()
    {
        var c = await Open(SlowlorisHeads);
        if (c is null) return;
        _ = Guard(ReadUntilCut(c));
        if (!await Send(c, Ascii($"GET /hello.html HTTP/1.1\r\nHost: {host}\r\nX-Slowloris: a"))) return;
        for (int sent = 1; sent < MaxTrickledBytes && c.CutAt is null; sent++)
        {
            await Task.Delay(settings.Trickle, end);
            if (!await Send(c, "a"u8.ToArray())) return;
        }
    }

    // Pipelined requests for a large response, never a byte read: what the server keeps per such
    // connection is the point. A cut shows on the server side only (see ServerSockets).
    async Task NonReader(bool echo)
    {
        var c = await Open(NonReaders);
        if (c is null) return;
        await Send(c, echo ? pipelinedEchoes : pipelinedGets);
    }

    // Connections that send nothing at all, as many as allowed, held until the end.
    async Task Flood()
    {
        await Task.Delay(settings.FloodDelay, end);
        var gate = new SemaphoreSlim(ConnectsInFlight);
        var opening = new Task[settings.Flood];
        for (int i = 0; i < settings.Flood; i++)
        {
            await gate.WaitAsync(end);
            opening[i] = Guard(OpenFloodConnection(gate));
        }
        await Task.WhenAll(opening);
    }

    async Task OpenFloodConnection(SemaphoreSlim gate)
    {
        TrackedConnection? c;
        try { c = await Open(DescriptorFlood); }
        finally { gate.Release(); }
        if (Interlocked.Increment(ref floodConnectsDone) == settings.Flood) FloodConnectsDoneAt = Math.Round(Now, 2);
        if (c is not null) await ReadUntilCut(c);
    }

    // One connection per oversized request in turn: how fast does the server answer, and does it close?
    async Task OversizedWorker(int worker)
    {
        for (int k = worker; !end.IsCancellationRequested; k++)
        {
            var (name, tail) = OversizedRequests[k % OversizedRequests.Length];
            var tally = Oversized[k % OversizedRequests.Length];
            using var socket = await Connect(null);
            if (socket is null) tally.ConnectFailed();
            else
            {
                var (status, answeredAfter, closed) = await Exchange(socket, Ascii($"POST /echo HTTP/1.1\r\nHost: {host}\r\n{tail}"), settings.AnswerTimeout);
                tally.Add(status, answeredAfter.TotalMilliseconds, closed);
            }
            await Task.Delay(OversizedPause, end);
        }
    }

    // A newcomer every ProbeInterval: GET /hello.html on a fresh connection, answered within ProbeTimeout?
    async Task Probe()
    {
        byte[] request = Ascii($"GET /hello.html HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        while (!end.IsCancellationRequested)
        {
            double t0 = Now;
            using (var socket = await Connect(null))
            {
                if (socket is null) Probes.Failed("connect");
                else
                {
                    var (status, _, _) = await Exchange(socket, request, ProbeTimeout, waitForClose: false);
                    if (status == 200) Probes.Ok((Now - t0) * 1000);
                    else Probes.Failed(status == 0 ? "no answer" : $"status {status}");
                }
            }
            var rest = settings.ProbeInterval - TimeSpan.FromSeconds(Now - t0);
            if (rest > TimeSpan.Zero) await Task.Delay(rest, end);
        }
    }

    // ------------------------------------------------------------------ server side

    async Task MonitorServerSide()
    {
        while (!end.IsCancellationRequested)
        {
            ScanServerSide();
            await Task.Delay(MonitorInterval, end);
        }
    }

    void ScanServerSide()
    {
        var sockets = ServerSockets.Read(settings.Server.Port);
        double now = Now;
        AcceptQueuePeak = Math.Max(AcceptQueuePeak, sockets.AcceptQueue);
        foreach (var attack in Attacks)
        {
            int established = 0;
            foreach (var c in attack.Connections)
            {
                if (c.CutAt is not null) continue;
                if (sockets.EstablishedClientPorts.Contains(c.ClientPort)) { c.SeenByServer = true; established++; }
                else if (c.SeenByServer) c.MarkCut(now, "server-side closed");
            }
            attack.ServerEstablishedPeak = Math.Max(attack.ServerEstablishedPeak, established);
        }
    }

    // ------------------------------------------------------------------ sockets

    async Task<TrackedConnection?> Open(AttackTally attack)
    {
        Interlocked.Increment(ref attack.Attempted);
        var socket = await Connect(attack);
        if (socket is null) return null;
        var c = new TrackedConnection(attack.Name, socket, Now);
        attack.Connections.Add(c);
        return c;
    }

    async Task<Socket?> Connect(AttackTally? attack)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(end);
        timeout.CancelAfter(settings.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(settings.Server, timeout.Token);
            return socket;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            if (end.IsCancellationRequested) throw new OperationCanceledException(end);
            attack?.ConnectErrors.AddOrUpdate(e is SocketException se ? se.SocketErrorCode.ToString() : "timeout", 1, (_, n) => n + 1);
            return null;
        }
    }

    async Task<bool> Send(TrackedConnection c, byte[] bytes)
    {
        try
        {
            await c.Socket.SendAsync(bytes, SocketFlags.None, end);
            return true;
        }
        catch (SocketException e)
        {
            c.MarkCut(Now, "send " + e.SocketErrorCode);
            return false;
        }
    }

    // Reads (and drops) whatever the server sends until it closes or resets the connection.
    async Task ReadUntilCut(TrackedConnection c)
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                int n = await c.Socket.ReceiveAsync(buffer, SocketFlags.None, end);
                if (n == 0) { c.MarkCut(Now, "fin"); return; }
                if (c.Status == 0) c.Status = StatusOf(buffer.AsSpan(0, n));
            }
        }
        catch (SocketException e) { c.MarkCut(Now, e.SocketErrorCode == SocketError.ConnectionReset ? "reset" : e.SocketErrorCode.ToString()); }
    }

    // Sends a request and reads the status line, within deadline; with waitForClose, then waits for the
    // server to close (the same deadline again). status 0 = no status line before the deadline or the close.
    async Task<(int Status, TimeSpan AnsweredAfter, bool Closed)> Exchange(Socket socket, byte[] request, TimeSpan deadline, bool waitForClose = true)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(end);
        timeout.CancelAfter(deadline);
        var buffer = new byte[4096];
        int have = 0, status = 0;
        var sent = Stopwatch.StartNew();
        TimeSpan answeredAfter = default;
        try
        {
            await socket.SendAsync(request, SocketFlags.None, timeout.Token);
            while (true)
            {
                // Once the status line is in, later bytes only matter as a sign of life: they overwrite the buffer.
                int n = await socket.ReceiveAsync(status == 0 ? buffer.AsMemory(have) : buffer, SocketFlags.None, timeout.Token);
                if (n == 0) return (status, answeredAfter, true);
                if (status != 0) continue;
                have += n;
                if (have < 12) continue;
                status = StatusOf(buffer.AsSpan(0, have));
                answeredAfter = sent.Elapsed;
                if (!waitForClose) return (status, answeredAfter, false);
                timeout.CancelAfter(deadline);
            }
        }
        catch (SocketException) { return (status, answeredAfter, true); }
        catch (OperationCanceledException) when (!end.IsCancellationRequested) { return (status, answeredAfter, false); }
    }

    // ------------------------------------------------------------------ helpers

    static int StatusOf(ReadOnlySpan<byte> response) =>
        response.Length >= 12 && response.StartsWith("HTTP/1."u8) && int.TryParse(response.Slice(9, 3), out int s) ? s : -1;

    byte[] EchoRequest(int bodyBytes)
    {
        byte[] head = Ascii($"POST /echo HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/octet-stream\r\nContent-Length: {bodyBytes}\r\n\r\n");
        var request = new byte[head.Length + bodyBytes];
        head.CopyTo(request, 0);
        request.AsSpan(head.Length).Fill((byte)'e');
        return request;
    }

    static byte[] Repeat(byte[] one, int times) => Enumerable.Repeat(one, times).SelectMany(b => b).ToArray();

    static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    // The attack's end cancels every task; that is how they all finish.
    static async Task Guard(Task task)
    {
        try { await task; }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
    }
}
