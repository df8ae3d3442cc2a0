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
        Context = HttpServer.CreateContext(kit.Sys, settings, routes, observer);
        Actor = kit.Sys.ActorOf(ConnectionActor.Props(Connection.Ref, new IPEndPoint(IPAddress.Loopback, 50000), Context));
        kit.Watch(Actor);
    }

    public TestProbe Connection { get; }

    public IActorRef Actor { get; }

    public ServerContext Context { get; }

    /// <summary>Delivers bytes as if they arrived from the socket.</summary>
    public void Receive(string text) => Connection.Send(Actor, new Tcp.Received(ByteString.FromBytes(Encoding.Latin1.GetBytes(text))));

    public void Receive(byte[] bytes) => Connection.Send(Actor, new Tcp.Received(ByteString.FromBytes(bytes)));

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
