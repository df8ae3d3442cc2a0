using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ActorHttp.Tests.Hosting;
using ActorHttp.Tests.Observability;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Cluster;

/// <summary>
/// ActorHttp cluster nodes as child processes on 127.0.0.1 (hocon/cluster.conf, every node a seed, one shared SQLite
/// journal), and HAProxy in front of them with deploy/haproxy.cfg, its server lines filled in as
/// deploy/loopback-cluster.sh fills them. Every port is a free one taken at start. Dispose kills what is left.
/// </summary>
public sealed class LoopbackCluster : IAsyncDisposable
{
    private static readonly TimeSpan UpTimeout = TimeSpan.FromSeconds(40);

    private readonly string[] _extraSets;
    private readonly HostProcess?[] _nodes;
    private readonly Process _haproxy;
    private readonly List<string> _haproxyOutput = new();

    private LoopbackCluster(string folder, int[] httpPorts, int[] remotingPorts, int balancerPort, int statsPort, string[] extraSets)
    {
        Folder = folder;
        HttpPorts = httpPorts;
        RemotingPorts = remotingPorts;
        Balancer = new Uri($"http://127.0.0.1:{balancerPort}/");
        StatsPort = statsPort;
        _extraSets = extraSets;
        _nodes = new HostProcess?[httpPorts.Length];
        _haproxy = new Process();
    }

    /// <summary>A temporary folder: the journal, HAProxy's configuration, the web root.</summary>
    public string Folder { get; }

    public IReadOnlyList<int> HttpPorts { get; }

    public IReadOnlyList<int> RemotingPorts { get; }

    /// <summary>HAProxy's frontend.</summary>
    public Uri Balancer { get; }

    private int StatsPort { get; }

    /// <summary>Node <paramref name="number"/> (1-based) as started last.</summary>
    public HostProcess Node(int number) => _nodes[number - 1] ?? throw new InvalidOperationException($"node {number} is not running");

    /// <summary>Node <paramref name="number"/>'s own address, bypassing the balancer.</summary>
    public Uri NodeUri(int number) => new($"http://127.0.0.1:{HttpPorts[number - 1]}/");

    /// <summary>
    /// Starts <paramref name="nodes"/> nodes, waits until each is Up (its /health answers 200), then HAProxy, and
    /// waits until HAProxy sees them all UP. <paramref name="extraSets"/> are more <c>--set PATH=VALUE</c> for
    /// every node.
    /// </summary>
    public static async Task<LoopbackCluster> StartAsync(int nodes, params string[] extraSets)
    {
        var haproxy = InstalledPrograms.Require(DebianPackage.Haproxy, InstalledPrograms.Haproxy);
        var ports = FreeLoopbackPorts(2 * nodes + 2);
        var cluster = new LoopbackCluster(Directory.CreateTempSubdirectory("actorhttp-cluster-").FullName,
            ports[..nodes], ports[nodes..(2 * nodes)], ports[2 * nodes], ports[2 * nodes + 1], extraSets);
        try
        {
            File.WriteAllText(Path.Combine(cluster.Folder, "hello.html"), TestWww.Hello);
            CreateSharedJournal(Path.Combine(cluster.Folder, "journal.db"));
            await Task.WhenAll(Enumerable.Range(1, nodes).Select(cluster.StartNodeAsync));
            cluster.StartHaproxy(haproxy);
            await Eventually(async () => await cluster.ServersUpAsync() == nodes, UpTimeout, "HAProxy sees every node UP", cluster);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartNodeAsync(int number)
    {
        var seeds = string.Join(",", RemotingPorts.Select(p => $"\"akka.tcp://actorhttp@127.0.0.1:{p}\""));
        var args = new List<string>
        {
            "--config", RepoFiles.PathOf("hocon/cluster.conf"), "--root", Folder, "--port", HttpPorts[number - 1].ToString(),
            "--set", "actorhttp.cluster.enabled=on",
            "--set", $"actorhttp.cluster.port={RemotingPorts[number - 1]}",
            "--set", $"actorhttp.cluster.seed-nodes=[{seeds}]",
            "--set", $"actorhttp.cluster.journal.connection-string=\"Data Source={Path.Combine(Folder, "journal.db")}\"",
            "--set", "actorhttp.access-log=off",
            "--set", "actorhttp.metrics.path=\"/metrics\"",
        };
        foreach (var set in _extraSets) args.AddRange(new[] { "--set", set });
        var node = await HostProcess.StartAsync(Folder, UpTimeout, args.ToArray());
        _nodes[number - 1] = node;
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually(async () => (await StatusAsync(client, new Uri(NodeUri(number), "health"))) == 200, UpTimeout,
            $"node {number} is Up (/health 200)", this);
    }

    private void StartHaproxy(string haproxy)
    {
        var servers = string.Join("\n", HttpPorts.Select((port, i) => $"    server node{i + 1} 127.0.0.1:{port} check"));
        var config = Path.Combine(Folder, "haproxy.cfg");
        File.WriteAllText(config, BalancerConfig(File.ReadAllText(RepoFiles.PathOf("deploy/haproxy.cfg")), servers));
        _haproxy.StartInfo = new ProcessStartInfo(haproxy)
        {
            ArgumentList = { "-db", "-f", config },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                ["LB_BIND"] = $"127.0.0.1:{Balancer.Port}",
                ["LB_STATS_BIND"] = $"127.0.0.1:{StatsPort}",
            },
        };
        _haproxy.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_haproxyOutput) _haproxyOutput.Add(e.Data); };
        _haproxy.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_haproxyOutput) _haproxyOutput.Add(e.Data); };
        _haproxy.Start();
        _haproxy.BeginOutputReadLine();
        _haproxy.BeginErrorReadLine();
    }

    /// <summary>
    /// The SQLite file every node writes, in write-ahead-log mode (a setting kept in the file): in SQLite's default
    /// mode a node reading the journal blocks another's write, and under load persists time out.
    /// </summary>
    public static void CreateSharedJournal(string path)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        Assert.Equal("wal", command.ExecuteScalar() as string);
    }

    /// <summary>deploy/haproxy.cfg with its <c># @servers@</c> line replaced by <paramref name="servers"/>.</summary>
    public static string BalancerConfig(string template, string servers)
    {
        var lines = template.Split('\n');
        var marker = Array.FindIndex(lines, l => l.Trim() == "# @servers@");
        if (marker < 0) throw new InvalidOperationException("deploy/haproxy.cfg has no '# @servers@' line");
        lines[marker] = servers;
        return string.Join("\n", lines);
    }

    /// <summary>What HAProxy and every node wrote so far, for failure messages.</summary>
    public string Diagnostics()
    {
        var text = new List<string>();
        // HAProxy logs a request only when it was abnormal, a re-sent one among them: those that failed (a status
        // other than 200, or termination flags other than ----) come first, as they are what a failure is about.
        lock (_haproxyOutput)
        {
            var failed = _haproxyOutput.Where(l => l.Contains('"') && (!l.Contains(" 200 ") || !l.Contains(" ---- "))).Take(30);
            text.Add("haproxy, failed requests:\n" + string.Join("\n", failed));
            text.Add("haproxy, last lines:\n" + string.Join("\n", _haproxyOutput.TakeLast(30)));
        }
        for (var i = 0; i < _nodes.Length; i++)
            if (_nodes[i] is { } node) text.Add($"node {i + 1} stderr:\n" + string.Join("\n", node.ErrorText.Split('\n').TakeLast(30)));
        return string.Join("\n", text);
    }

    private async Task<int> ServersUpAsync() => (await ServerStatesAsync()).Count(s => s.Value == "UP");

    /// <summary>HAProxy's state of each server (UP, DOWN, "DOWN 1/2"...), from its statistics CSV.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ServerStatesAsync()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            var csv = await client.GetStringAsync($"http://127.0.0.1:{StatsPort}/stats;csv");
            // Columns: pxname, svname, ... status is the 18th.
            return csv.Split('\n').Select(l => l.Split(','))
                .Where(f => f.Length > 17 && f[0] == "nodes" && f[1].StartsWith("node", StringComparison.Ordinal))
                .ToDictionary(f => f[1], f => f[17]);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new Dictionary<string, string>();
        }
    }

    /// <summary>The status of GET <paramref name="uri"/>, or 0 when nothing answered.</summary>
    public static async Task<int> StatusAsync(HttpClient client, Uri uri)
    {
        try
        {
            using var response = await client.GetAsync(uri);
            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    /// <summary>
    /// Polls <paramref name="condition"/> every 100 ms until it holds; after <paramref name="timeout"/> fails naming
    /// <paramref name="what"/> with what the processes wrote. A poll of another process's state, not a sleep.
    /// </summary>
    public static async Task Eventually(Func<Task<bool>> condition, TimeSpan timeout, string what, LoopbackCluster? cluster = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"Not within {timeout}: {what}.\n{cluster?.Diagnostics()}");
            await Task.Delay(100);
        }
    }

    private static int[] FreeLoopbackPorts(int count)
    {
        // All held open together, so no two are the same.
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) node?.Dispose();
        try
        {
            if (_haproxy.StartInfo.FileName.Length > 0 && !_haproxy.HasExited)
            {
                _haproxy.Kill();
                await _haproxy.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
            }
        }
        catch (InvalidOperationException) { }
        catch (OperationCanceledException) { }
        _haproxy.Dispose();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
