using Akka.Actor;
using Akka.TestKit;

namespace ActorHttp.Tests.Actors;

/// <summary>
/// Stands in for the connection actor in the specs of the classes it owns (<c>ExchangeQueue</c>,
/// <c>UploadPump</c>, <c>ConnectionDeadlines</c>): runs each piece of test code inside the actor, where those
/// classes use its context and timers as they do in the connection, and passes every other message it gets (a
/// timer's, a handler's reply, a <see cref="Terminated"/> as <see cref="Stopped"/>) to <see cref="Events"/>, from
/// its original sender, for the test to hand on as the connection would.
/// </summary>
internal sealed class Owner
{
    private readonly TestProbe _replies;

    public Owner(TestKitBase kit)
    {
        _replies = kit.CreateTestProbe();
        Events = kit.CreateTestProbe();
        Ref = kit.Sys.ActorOf(Props.Create(() => new OwnerActor(Events.Ref)));
    }

    /// <summary>What the owner received that was not test code.</summary>
    public TestProbe Events { get; }

    public IActorRef Ref { get; }

    /// <summary>Runs <paramref name="body"/> inside the actor, given its context and itself as the timers' owner.</summary>
    public T Run<T>(Func<IActorContext, IWithTimers, T> body)
    {
        Ref.Tell(new OwnerActor.Code((context, owner) => body(context, owner)), _replies.Ref);
        var done = _replies.ExpectMsg<OwnerActor.Done>();
        if (done.Failure is { } failure) throw new InvalidOperationException("The code run in the owner threw", failure);
        return (T)done.Result!;
    }

    public T Run<T>(Func<T> body) => Run((_, _) => body());

    public void Run(Action body) => Run<object?>(() => { body(); return null; });

    /// <summary>A child the owner watched has stopped (its <see cref="Terminated"/>).</summary>
    public sealed record Stopped(IActorRef Child);

    private sealed class OwnerActor : UntypedActor, IWithTimers
    {
        private readonly IActorRef _events;

        public OwnerActor(IActorRef events) => _events = events;

        public ITimerScheduler Timers { get; set; } = null!;

        // As the connection's: a handler that fails is stopped, not restarted.
        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(Decider.From(Directive.Stop));

        protected override void OnReceive(object message)
        {
            if (message is Terminated terminated)
            {
                // Terminated is only delivered to an actor that watches the one that stopped: it is passed on wrapped.
                _events.Tell(new Stopped(terminated.ActorRef));
                return;
            }
            if (message is not Code code)
            {
                _events.Forward(message);
                return;
            }
            try
            {
                Sender.Tell(new Done(code.Body(Context, this), null));
            }
            catch (Exception e)
            {
                Sender.Tell(new Done(null, e));
            }
        }

        public sealed record Code(Func<IActorContext, IWithTimers, object?> Body);

        public sealed record Done(object? Result, Exception? Failure);
    }
}
