using Akka.Actor;
using Akka.Event;
using ActorHttp.Observability;

namespace ActorHttp.Actors;

/// <summary>
/// TLS in front of a plain handler actor that never knows (an <see cref="OverCapacityActor"/>): toward the handler this
/// actor IS the connection, speaking Akka.IO's protocol in pull mode through its <see cref="TlsSession"/>. It registers
/// with the socket, runs the handshake, then makes the handler with itself as its connection. (A
/// <see cref="ConnectionActor"/> owns its TLS session itself, one actor per connection.)
/// States: the session's, then Open with a handler, which ends the stage when it stops.
/// </summary>
public sealed class TlsStage : UntypedActor, IWithTimers
{
    private readonly Func<IActorRef, Props> _plainHandler;
    private readonly TlsSession _tls;
    private ILoggingAdapter? _logger;
    private IActorRef? _handler;

    public ITimerScheduler Timers { get; set; } = null!;

    public TlsStage(IActorRef socket, TlsServerOptions options, IServerObserver observer, Func<IActorRef, Props> plainHandler)
    {
        _plainHandler = plainHandler;
        _tls = new TlsSession(socket, Self, options, observer, new PlainSide(this), () => _logger ??= Context.GetLogger());
    }

    /// <summary>
    /// Props for the stage of one accepted <paramref name="socket"/>; <paramref name="plainHandler"/> makes the handler,
    /// given the stage as its connection, once the handshake is done.
    /// </summary>
    public static Props Props(IActorRef socket, TlsServerOptions options, ServerContext server, Func<IActorRef, Props> plainHandler) =>
        Akka.Actor.Props.CreateBy(new Producer(socket, options, server.Observer, plainHandler))
            .WithDispatcher(server.Settings.ConnectionDispatcher);

    // A hand-written producer, as ConnectionActor's: Props.Create(() => new ...) compiles an expression on every connection.
    private sealed class Producer(IActorRef socket, TlsServerOptions options, IServerObserver observer, Func<IActorRef, Props> plainHandler)
        : IIndirectActorProducer
    {
        public Type ActorType => typeof(TlsStage);
        public ActorBase Produce() => new TlsStage(socket, options, observer, plainHandler);
        public void Release(ActorBase actor) { }
    }

    // A handler that throws is stopped, never restarted, as the listener stops its connection actors.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(Decider.From(Directive.Stop));

    protected override void PreStart() => _tls.Start(Timers);

    protected override void PostStop()
    {
        _tls.Dispose();
        Context.Parent.Tell(new ConnectionProtocol.Ended(Self));
    }

    protected override void OnReceive(object message)
    {
        if (_tls.Handle(message, Sender)) return;
        switch (message)
        {
            // Shutting down: a connection that has not said a word yet is closed, as an idle one is.
            case ConnectionProtocol.Drain or ConnectionProtocol.Abort when _handler is null:
                _tls.Abort();
                Context.Stop(Self);
                break;
            case ConnectionProtocol.Drain or ConnectionProtocol.Abort: _handler.Forward(message); break;
            case ConnectionProtocol.Ended: Context.Stop(Self); break; // the handler stopped: the socket goes with us
            default: Unhandled(message); break;
        }
    }

    /// <summary>The session's plain events go to the handler as messages from the stage.</summary>
    private sealed class PlainSide(TlsStage stage) : ITlsPlainSide
    {
        public IActorRef PlainActor => stage._handler ?? ActorRefs.Nobody;

        public void HandshakeCompleted() => stage._handler = Context.ActorOf(stage._plainHandler(stage.Self), "plain");

        public void Deliver(object plainEvent) => stage._handler!.Tell(plainEvent, stage.Self);

        public void Finished() => Context.Stop(stage.Self);
    }
}
