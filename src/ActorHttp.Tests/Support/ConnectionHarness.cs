using System.Net;
using System.Text;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit;
using ActorHttp.Actors;
using ActorHttp.Hosting;
using ActorHttp.Routing;
using ActorHttp.Configuration;
using ActorHttp.Observability;
using Tcp = Akka.IO.Tcp;

namespace ActorHttp.Tests.Support;

/// <summary>
/// One connection actor under test, with a <see cref="TestProbe"/> standing in for the Akka.IO connection:
/// bytes go in as <see cref="Tcp.Received"/>, responses come out as <see cref="Tcp.Write"/> commands that
/// the harness acknowledges like the real connection would.
/// </summary>
public sealed class ConnectionHarness
{
    private readonly TestKitBase _kit;

    public ConnectionHarness(TestKitBase kit, ServerSettings settings, RouteTable? routes = null, IServerObserver? observer = null)
    {
        _kit = kit;
        Connection = kit.CreateTestProbe();
        _socket = kit.Sys.ActorOf(Props.Create(() => new SocketStub(Connection.Ref, _reads)));
        Context = HttpServer.CreateContext(kit.Sys, settings, routes, observer);
        Actor = kit.Sys.ActorOf(ConnectionActor.Props(_socket, new IPEndPoint(IPAddress.Loopback, 50000), Context));
        kit.Watch(Actor);
    }

    private readonly IActorRef _socket;
    private readonly ReadCounts _reads = new();

    /// <summary>
    /// Stands in for Akka.IO's connection in pull mode: counts the reads the actor asks for (Tcp.ResumeReading)
    /// and forwards every other command to the <see cref="Connection"/> probe, the actor as its sender.
    /// </summary>
    private sealed class SocketStub : ReceiveActor
    {
        public SocketStub(IActorRef probe, ReadCounts reads)
        {
            Receive<Tcp.ResumeReading>(_ => Interlocked.Increment(ref reads.Requested));
            ReceiveAny(message => probe.Forward(message));
        }
    }

    private sealed class ReadCounts
    {
        public int Requested = 1; // the listener asks for the first read
        public int Delivered;
    }

    /// <summary>After the actor has processed everything so far: whether it has asked the socket for a read not yet delivered.</summary>
    public bool ReadOutstanding
    {
        get
        {
            Settle();
            _socket.Tell(new Identify("settle"), _kit.TestActor);
            _kit.ExpectMsg<ActorIdentity>();
            return Volatile.Read(ref _reads.Requested) > Volatile.Read(ref _reads.Delivered);
        }
    }

    /// <summary>Waits up to <paramref name="within"/> for the actor to ask for a read; false if it did not.</summary>
    public bool AwaitRead(TimeSpan within)
    {
        try
        {
            _kit.AwaitCondition(() => ReadOutstanding, within, TimeSpan.FromMilliseconds(20));
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }

    /// <summary>The actor asks for more input (it would read the next frame the client sends).</summary>
    public void ExpectReading() => Assert.True(ReadOutstanding, "the connection actor asked for no read");

    /// <summary>The actor asks for no input: what the client sends waits in the kernel.</summary>
    public void ExpectNotReading() => Assert.False(ReadOutstanding, "the connection actor asked for a read");

    public TestProbe Connection { get; }

    public IActorRef Actor { get; }

    public ServerContext Context { get; }

    /// <summary>Delivers bytes as if they arrived from the socket.</summary>
    public void Receive(string text) => Receive(Encoding.Latin1.GetBytes(text));

    public void Receive(byte[] bytes)
    {
        Interlocked.Increment(ref _reads.Delivered);
        Connection.Send(Actor, new Tcp.Received(ByteString.FromBytes(bytes)));
    }

    public void Send(object message) => Connection.Send(Actor, message);

    /// <summary>
    /// Returns once the actor has processed everything sent to it so far: the actor handles messages in
    /// order, so its answer to Identify comes after them. Needed before advancing virtual time, so the
    /// timers the actor set are in the scheduler.
    /// </summary>
    public void Settle()
    {
        Actor.Tell(new Identify("settle"), _kit.TestActor);
        _kit.ExpectMsg<ActorIdentity>();
    }

    /// <summary>Expects the next write, acknowledges it, and returns the response text.</summary>
    public string ExpectWrite()
    {
        var write = Connection.ExpectMsg<Tcp.Write>();
        if (write.Ack is not Tcp.NoAck) Connection.Reply(write.Ack);
        return write.Data.ToString(Encoding.Latin1);
    }

    /// <summary>Expects one whole response (all the writes it takes) and parses it.</summary>
    public RawResponse ExpectResponse()
    {
        var text = ExpectWrite();
        var response = RawResponse.ParseHead(text[..text.IndexOf("\r\n\r\n", StringComparison.Ordinal)]);
        var body = text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        return response with { Body = Encoding.Latin1.GetBytes(body) };
    }

    public void ExpectNoWrite() => Connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

    public void ExpectTerminated() => _kit.ExpectTerminated(Actor);
}
