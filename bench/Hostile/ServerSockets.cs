// The server's side of loopback connections, read from /proc/net/tcp.
//
// A server that closes a connection whose client reads nothing queues its FIN behind the unread
// response bytes, so the client never sees that close; the server-side socket leaving ESTABLISHED
// (FIN-WAIT, TIME-WAIT, gone) does show it. Works because client and server share this machine.
using System.Globalization;

/// <summary>One look at the TCP sockets bound to the server's port.</summary>
sealed class ServerSockets
{
    const int Established = 0x01;
    const int Listen = 0x0A;

    /// <summary>Client ports whose server-side socket is ESTABLISHED.</summary>
    public HashSet<int> EstablishedClientPorts { get; } = [];

    /// <summary>Connections the kernel completed that the server has not accepted yet (the listener's rx_queue).</summary>
    public int AcceptQueue { get; private set; }

    public static ServerSockets Read(int serverPort)
    {
        var result = new ServerSockets();
        foreach (var file in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            IEnumerable<string> lines;
            try { lines = File.ReadLines(file).Skip(1); }
            catch (IOException) { continue; }
            foreach (var line in lines) result.Add(line, serverPort);
        }
        return result;
    }

    // "  12: 0100007F:4E80 0100007F:D3A2 01 00000000:00000000 ..." = slot, local, remote, state, tx:rx queues.
    void Add(string line, int serverPort)
    {
        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 5 || Port(f[1]) != serverPort) return;
        int state = int.Parse(f[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        if (state == Listen)
            AcceptQueue += int.Parse(f[4][(f[4].IndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        else if (state == Established)
            EstablishedClientPorts.Add(Port(f[2]));
    }

    static int Port(string address) =>
        int.Parse(address[(address.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
