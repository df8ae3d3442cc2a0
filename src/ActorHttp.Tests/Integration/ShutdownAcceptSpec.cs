using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Integration;

/// <summary>
/// Clients still connecting while the server stops and releases its port: every connection the kernel accepted is
/// answered or closed, none left with its request unread. (Akka.IO's listener drops what it accepts once told to
/// unbind; see <see cref="ActorHttp.Actors.LateAccepts"/>.) The mirror of <see cref="StartupAcceptSpec"/>.
/// </summary>
public sealed class ShutdownAcceptSpec : Akka.TestKit.Xunit2.TestKit
{
    private const int Clients = 3;

    // The window is the moment the listener is told to unbind: a few stops make hitting it likely.
    private const int Stops = 6;

    /// <summary>Connections a client makes at most in one stop (the port is normally released long before).</summary>
    private const int MostConnectionsPerClient = 20_000;

    /// <summary>Connections each client makes before the stop begins.</summary>
    private const int ConnectionsBeforeTheStop = 50;

    /// <summary>Sockets a client keeps open before it closes those already answered.</summary>
    private const int PruneEvery = 64;

    /// <summary>
    /// Longest a connection may go unanswered once the port is released. Every socket the server held is closed by
    /// then; this only bounds the wait for a failing run.
    /// </summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private static readonly byte[] Request = Encoding.ASCII.GetBytes("GET /hello.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

    private readonly TestWww _www = new();

    [Fact]
    public async Task Every_connection_that_arrives_while_the_server_stops_and_unbinds_is_answered_or_closed()
    {
        for (var stop = 0; stop < Stops; stop++) await StopWhileClientsConnect();
    }

    private async Task StopWhileClientsConnect()
    {
        var server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root));
        var unanswered = new ConcurrentQueue<Socket>();
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var connected = new CountdownEvent(Clients);
        var hammering = Enumerable.Range(0, Clients)
            .Select(_ => Task.Factory.StartNew(() => Hammer(server.Port, connected, unanswered, giveUp.Token), TaskCreationOptions.LongRunning))
            .ToArray();
        Assert.True(connected.Wait(TimeSpan.FromSeconds(10)), "the clients did not connect");

        await server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        await Task.WhenAll(hammering).WaitAsync(TimeSpan.FromSeconds(30));

        var stuck = WaitForAnswers(unanswered.ToList());
        foreach (var socket in unanswered) socket.Dispose();
        Assert.True(stuck == 0, $"{stuck} of {unanswered.Count} connections got no answer, close or reset within {Patience.TotalSeconds} s of the port's release");
    }

    /// <summary>
    /// Connects and sends a request, without waiting for the answer, until the port is released; leaves the sockets
    /// not yet answered in <paramref name="unanswered"/>.
    /// </summary>
    private static void Hammer(int port, CountdownEvent connected, ConcurrentQueue<Socket> unanswered, CancellationToken giveUp)
    {
        var open = new List<Socket>();
        for (var made = 0; made < MostConnectionsPerClient && !giveUp.IsCancellationRequested; made++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Connect(IPAddress.Loopback, port);
            }
            catch (SocketException)
            {
                socket.Dispose();
                break; // refused: the port is released
            }
            try
            {
                socket.Send(Request);
            }
            catch (SocketException)
            {
                // Reset already: answered all the same.
            }
            open.Add(socket);
            if (made + 1 == ConnectionsBeforeTheStop) connected.Signal();
            if (open.Count >= PruneEvery) CloseAnswered(open);
        }
        foreach (var socket in open) unanswered.Enqueue(socket);
    }

    /// <summary>Closes the sockets that have bytes, a close or a reset waiting: the server has answered those.</summary>
    private static void CloseAnswered(List<Socket> sockets) =>
        sockets.RemoveAll(socket =>
        {
            if (!socket.Poll(0, SelectMode.SelectRead)) return false;
            socket.Dispose();
            return true;
        });

    /// <summary>Waits up to <see cref="Patience"/> for every socket to be answered; the number that were not.</summary>
    private static int WaitForAnswers(List<Socket> sockets)
    {
        var deadline = DateTime.UtcNow + Patience;
        var waiting = new List<Socket>(sockets);
        while (waiting.Count > 0)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !waiting[0].Poll(left, SelectMode.SelectRead)) break;
            waiting.RemoveAll(socket => socket.Poll(0, SelectMode.SelectRead));
        }
        return waiting.Count;
    }

    protected override void Dispose(bool disposing)
    {
        _www.Dispose();
        base.Dispose(disposing);
    }
}
