using ActorHttp.Actors;
using ActorHttp.Hosting;
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
        // The one reader drains while the senders are still sending, as a mailbox run does.
        while (received < senders * perSender)
        {
            if (!queue.TryDequeue(out var envelope))
            {
                Assert.False(Task.WhenAll(sending).IsFaulted);
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
