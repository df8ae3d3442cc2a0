using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Integration;

/// <summary>
/// Clients already connecting when the server binds its port: every connection the kernel accepted is answered or
/// closed, none left with its request unread. (Akka.IO's listener starts accepting before it is ready for what it
/// accepts; see <see cref="ActorHttp.Actors.EarlyAccepts"/>.)
/// </summary>
public sealed class StartupAcceptSpec : Akka.TestKit.Xunit2.TestKit
{
    private const int Clients = 2;
    private const int ConnectionsPerClient = 50;

    // The window is the moment between the listener's listen() and its readiness: a few binds make hitting it likely.
    private const int Binds = 3;

    /// <summary>Longest a connection may go unanswered: the header timeout the server is given, and then some.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(4);

    private static readonly byte[] Request = Encoding.ASCII.GetBytes("GET /hello.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

    private readonly TestWww _www = new();

    [Fact]
    public async Task Every_connection_that_arrives_while_the_server_binds_is_answered_or_closed_within_the_header_timeout()
    {
        for (var bind = 0; bind < Binds; bind++) await BindWhileClientsConnect();
    }

    private async Task BindWhileClientsConnect()
    {
        var port = FreePort();
        var outcomes = new ConcurrentQueue<string>();
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var refused = new CountdownEvent(Clients);
        var hammering = Enumerable.Range(0, Clients)
            .Select(_ => Task.Factory.StartNew(() => Hammer(port, refused, outcomes, giveUp.Token), TaskCreationOptions.LongRunning))
            .ToArray();
        Assert.True(refused.Wait(TimeSpan.FromSeconds(10)), "the clients did not start connecting");

        await using (await TestServer.StartAsync(Sys, TestSettings.For(_www.Root, $"actorhttp.port = {port}\nactorhttp.timeouts.request-header = 1s")))
        {
            await Task.WhenAll(hammering).WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(Clients * ConnectionsPerClient, outcomes.Count);
        Assert.DoesNotContain("stuck", outcomes);
    }

    /// <summary>Connects, from before the port is bound, until this client had its connections answered.</summary>
    private static void Hammer(int port, CountdownEvent refused, ConcurrentQueue<string> outcomes, CancellationToken giveUp)
    {
        var done = 0;
        var refusedOnce = false;
        while (done < ConnectionsPerClient && !giveUp.IsCancellationRequested)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
            {
                NoDelay = true,
                ReceiveTimeout = (int)Patience.TotalMilliseconds,
            };
            try
            {
                socket.Connect(IPAddress.Loopback, port);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                if (!refusedOnce) refused.Signal(); // this client is connecting before the bind
                refusedOnce = true;
                continue;
            }
            outcomes.Enqueue(Exchange(socket));
            done++;
        }
    }

    /// <summary>Sends a request and reads until the server closes: "answered", "closed" (without a response) or "stuck".</summary>
    private static string Exchange(Socket socket)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        try
        {
            socket.Send(Request);
            int read;
            while ((read = socket.Receive(buffer)) > 0) received.AddRange(buffer.AsSpan(0, read).ToArray());
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            return "stuck";
        }
        catch (SocketException)
        {
            // Reset: closed all the same.
        }
        return received.Count > 0 && Encoding.ASCII.GetString(received.ToArray()).StartsWith("HTTP/1.1 200") ? "answered" : "closed";
    }

    /// <summary>
    /// A port no one listens on, below the ephemeral range: the clients' own sockets take ports from that range, and
    /// one that took the server's port would hold it, or connect to itself.
    /// </summary>
    private static int FreePort()
    {
        var range = File.Exists("/proc/sys/net/ipv4/ip_local_port_range")
            ? File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
            : ["32768"];
        var ephemeralLow = int.Parse(range[0]);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(10_000, Math.Max(10_001, ephemeralLow));
            var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, port);
            try
            {
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
                // taken: another
            }
            finally
            {
                probe.Stop();
            }
        }
        throw new InvalidOperationException("no free port below the ephemeral range");
    }

    protected override void Dispose(bool disposing)
    {
        _www.Dispose();
        base.Dispose(disposing);
    }
}
