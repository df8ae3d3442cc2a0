using ActorHttp.Actors;
using ActorHttp.Hosting;
using ActorHttp.Configuration;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace ActorHttp.Tests.Actors;

/// <summary>The compact queue every actor of the server uses as its mailbox: a correct unbounded queue, small when empty.</summary>
public sealed class CompactMessageQueueSpec
{
    private static Envelope Letter(object message) => new(message, ActorRefs.NoSender);

    [Fact]
    public void Messages_come_out_in_the_order_they_went_in()
    {
        var queue = new CompactMessageQueue();
        for (var i = 0; i < 100; i++) queue.Enqueue(ActorRefs.Nobody, Letter(i));

        Assert.True(queue.HasMessages);
        Assert.Equal(100, queue.Count);
        for (var i = 0; i < 100; i++)
        {
            Assert.True(queue.TryDequeue(out var envelope));
            Assert.Equal(i, envelope.Message);
        }
        Assert.False(queue.HasMessages);
        Assert.Equal(0, queue.Count);
        Assert.False(queue.TryDequeue(out _));
    }

    [Fact]
    public void Concurrent_senders_lose_nothing_and_each_senders_messages_stay_in_order()
    {
        const int senders = 4, perSender = 20_000;
        var queue = new CompactMessageQueue();
        var next = new int[senders];
        var received = 0;

        var sending = Enumerable.Range(0, senders)
            .Select(s => Task.Run(() => { for (var i = 0; i < perSender; i++) queue.Enqueue(ActorRefs.Nobody, Letter((s, i))); }))
            .ToArray();
        var allSent = Task.WhenAll(sending);
        // The one reader drains while the senders are still sending, as a mailbox run does.
        while (received < senders * perSender)
        {
            if (!queue.TryDequeue(out var envelope))
            {
                Assert.False(allSent.IsFaulted);
                Thread.Yield();
                continue;
            }
            var (sender, index) = ((int, int))envelope.Message;
            Assert.Equal(next[sender], index);
            next[sender]++;
            received++;
        }

        Assert.All(next, count => Assert.Equal(perSender, count));
        Assert.False(queue.HasMessages);
    }

    [Fact]
    public void Clean_up_hands_what_is_left_to_the_dead_letters_queue_in_order()
    {
        var queue = new CompactMessageQueue();
        var deadLetters = new UnboundedMessageQueue();
        queue.Enqueue(ActorRefs.Nobody, Letter("a"));
        queue.Enqueue(ActorRefs.Nobody, Letter("b"));

        queue.CleanUp(ActorRefs.Nobody, deadLetters);

        Assert.False(queue.HasMessages);
        Assert.True(deadLetters.TryDequeue(out var first));
        Assert.True(deadLetters.TryDequeue(out var second));
        Assert.Equal(("a", "b"), (first.Message, second.Message));
    }
}

/// <summary>The reference configuration puts every actor, Akka.IO's connection actors included, on the compact mailbox.</summary>
public sealed class CompactMailboxConfigurationSpec() : Akka.TestKit.Xunit2.TestKit(ServerSettings.Reference)
{
    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(m => Sender.Tell(m));
    }

    private sealed class Ponger : ReceiveActor
    {
        public Ponger() => Receive<int>(n => Sender.Tell(n + 1));
    }

    private sealed class Pinger : ReceiveActor
    {
        public Pinger(IActorRef ponger, int rounds, IActorRef report)
        {
            Receive<string>(_ => ponger.Tell(0));
            Receive<int>(n =>
            {
                if (n >= rounds) report.Tell("done");
                else ponger.Tell(n + 1);
            });
        }
    }

    [Fact]
    public void Pairs_of_actors_ping_pong_without_a_message_getting_stuck()
    {
        // Liveness: a lost wake-up (a message queued while its mailbox is left idle) stalls a ping-pong for good,
        // since nothing else arrives to wake it. Many pairs at once keep every thread sending into mailboxes that
        // other threads are draining. The store-load race fixed in Enqueue was too rare for this to catch (about
        // once in 20 GiB of file sends); repeated 1 GiB downloads found it and showed it fixed.
        const int pairs = 16, rounds = 40_000;
        for (var i = 0; i < pairs; i++)
        {
            var ponger = Sys.ActorOf(Props.Create(() => new Ponger()));
            Sys.ActorOf(Props.Create(() => new Pinger(ponger, rounds, TestActor))).Tell("start");
        }

        for (var i = 0; i < pairs; i++) ExpectMsg("done", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void An_ordinary_actor_gets_the_compact_queue_and_works()
    {
        var echo = (ActorRefWithCell)Sys.ActorOf(Props.Create(() => new Echo()));

        echo.Tell("ping");

        ExpectMsg("ping");
        Assert.IsType<CompactMessageQueue>(((ActorCell)echo.Underlying).Mailbox!.MessageQueue);
    }

    [Fact]
    public void Actors_that_demand_an_unbounded_queue_such_as_Akka_IO_connections_get_the_compact_one()
    {
        var mailbox = ((ExtendedActorSystem)Sys).Mailboxes.LookupByQueueType(typeof(IUnboundedMessageQueueSemantics));

        Assert.IsType<CompactMailbox>(mailbox);
    }
}
