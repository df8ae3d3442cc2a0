using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.IO;
using Tcp = Akka.IO.Tcp;

namespace ActorHttp.Tests.Support;

/// <summary>
/// Stands in for Akka.IO's connection actor in pull mode over one end of a real loopback socket pair, for specs of an
/// actor that talks to "the socket": a Write goes out and is acknowledged to its sender, each ResumeReading reads once
/// (Received, or PeerClosed at the end), Close/ConfirmedClose/Abort close as Akka.IO does and report to the handler.
/// Every command is also forwarded to <see cref="Commands"/> for the spec to look at. The other end is <see cref="Client"/>.
/// </summary>
public sealed class SocketWire : IDisposable
{
    private readonly Socket _server;

    private SocketWire(Socket server, Socket client, IActorRef actor, Akka.TestKit.TestProbe commands)
    {
        _server = server;
        Client = new NetworkStream(client, ownsSocket: true);
        Actor = actor;
        Commands = commands;
    }

    /// <summary>The client's end of the socket pair.</summary>
    public NetworkStream Client { get; }

    /// <summary>The stand-in connection actor: give this to the actor under test as its socket.</summary>
    public IActorRef Actor { get; }

    /// <summary>Receives a copy of every command the actor under test sent the socket.</summary>
    public Akka.TestKit.TestProbe Commands { get; }

    public static SocketWire Create(Akka.TestKit.TestKitBase kit)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        var server = listener.Accept();
        var commands = kit.CreateTestProbe();
        var actor = kit.Sys.ActorOf(Props.Create(() => new Connection(server, commands.Ref)));
        return new SocketWire(server, client, actor, commands);
    }

    /// <summary>From now on the writes go out but their acks are held, as if the kernel's send buffer were full.</summary>
    public void HoldAcks() => Actor.Tell(new HoldAcksCommand());

    /// <summary>Sends the held acks, and acknowledges at once again.</summary>
    public void ReleaseAcks() => Actor.Tell(new ReleaseAcksCommand());

    /// <summary>From now on a Close is taken but not carried out, until <see cref="ReleaseClose"/>: what the client reads meanwhile came before it.</summary>
    public void HoldClose() => Actor.Tell(new HoldCloseCommand());

    /// <summary>Carries out the Close held.</summary>
    public void ReleaseClose() => Actor.Tell(new ReleaseCloseCommand());

    /// <summary>From now on a ResumeReading is taken but not carried out, until <see cref="ReleaseReads"/>: the client's bytes wait in the kernel.</summary>
    public void HoldReads() => Actor.Tell(new HoldReadsCommand());

    /// <summary>Carries out the ResumeReading held, and reads at once again.</summary>
    public void ReleaseReads() => Actor.Tell(new ReleaseReadsCommand());

    private sealed record HoldReadsCommand;

    private sealed record ReleaseReadsCommand;

    private sealed record HoldCloseCommand;

    private sealed record ReleaseCloseCommand;

    private sealed record HoldAcksCommand;

    private sealed record ReleaseAcksCommand;

    public void Dispose()
    {
        Client.Dispose();
        _server.Dispose();
    }

    private sealed class Connection : ReceiveActor
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private IActorRef? _handler;
        private bool _outputShut;
        private List<(IActorRef, object)>? _heldAcks;
        private bool _holdClose;
        private bool _holdReads;
        private bool _heldRead;
        private Tcp.CloseCommand? _heldClose;

        public Connection(Socket socket, IActorRef commands)
        {
            Receive<Tcp.Register>(register => { commands.Forward(register); _handler = register.Handler; });
            Receive<Tcp.Write>(write =>
            {
                commands.Forward(write);
                var bytes = write.Data.ToArray();
                socket.Send(bytes);
                if (!write.WantsAck) return;
                if (_heldAcks is null) Sender.Tell(write.Ack);
                else _heldAcks.Add((Sender, write.Ack));
            });
            Receive<HoldAcksCommand>(_ => _heldAcks ??= new());
            Receive<ReleaseAcksCommand>(_ =>
            {
                foreach (var (sender, ack) in _heldAcks ?? new()) sender.Tell(ack);
                _heldAcks = null;
            });
            Receive<Tcp.ResumeReading>(resume =>
            {
                commands.Forward(resume);
                if (_holdReads) _heldRead = true;
                else ReadOnce(socket);
            });
            Receive<HoldReadsCommand>(_ => _holdReads = true);
            Receive<ReleaseReadsCommand>(_ =>
            {
                _holdReads = false;
                if (_heldRead) ReadOnce(socket);
                _heldRead = false;
            });
            Receive<Read>(read =>
            {
                if (read.Count > 0) _handler!.Tell(new Tcp.Received(ByteString.CopyFrom(_buffer, 0, read.Count)));
                else if (read.Count < 0) Close(socket, new Tcp.ErrorClosed("read failed"));
                else if (_outputShut) Close(socket, Tcp.ConfirmedClosed.Instance);
                else _handler!.Tell(Tcp.PeerClosed.Instance);
            });
            Receive<HoldCloseCommand>(_ => _holdClose = true);
            Receive<ReleaseCloseCommand>(_ =>
            {
                _holdClose = false;
                if (_heldClose is { } held) Self.Tell(held, Sender);
            });
            Receive<Tcp.Close>(close =>
            {
                commands.Forward(close);
                if (_holdClose) _heldClose = close;
                else Close(socket, Tcp.Closed.Instance);
            });
            Receive<Tcp.ConfirmedClose>(close =>
            {
                commands.Forward(close);
                socket.Shutdown(SocketShutdown.Send);
                _outputShut = true;
            });
            Receive<Tcp.Abort>(abort =>
            {
                commands.Forward(abort);
                socket.LingerState = new LingerOption(true, 0);
                Close(socket, Tcp.Aborted.Instance);
            });
        }

        private void ReadOnce(Socket socket) =>
            socket.ReceiveAsync(_buffer, SocketFlags.None).PipeTo(Self, success: n => new Read(n), failure: e => new Read(-1));

        private void Close(Socket socket, Tcp.ConnectionClosed closed)
        {
            // As Akka.IO: a FIN first, so that closing with a read pending is not a reset.
            if (closed is not Tcp.Aborted) try { socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { }
            socket.Close();
            _handler?.Tell(closed);
            Context.Stop(Self);
        }

        private sealed record Read(int Count);
    }
}
