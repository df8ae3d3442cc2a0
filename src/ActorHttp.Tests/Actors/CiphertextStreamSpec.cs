using Akka.Actor;
using Akka.TestKit;
using ActorHttp.Actors;

namespace ActorHttp.Tests.Actors;

/// <summary>The stream between an SslStream and its TLS session, with a probe as the owning actor.</summary>
public sealed class CiphertextStreamSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_ciphertext_read_must_go_on_in_the_thread_of_the_stage_that_completes_it()
    {
        var stage = CreateTestProbe();
        var stream = new CiphertextStream(stage.Ref);
        var buffer = new byte[16];

        var read = stream.ReadAsync(buffer).AsTask();
        var continuedOn = read.ContinueWith(_ => Environment.CurrentManagedThreadId, TaskContinuationOptions.ExecuteSynchronously);
        var requested = stage.ExpectMsg<CiphertextStream.ReadRequested>(Patience);
        // A dedicated thread stands for the stage's: nothing else could run the continuation on it.
        int completedOn = 0;
        var thread = new Thread(() =>
        {
            completedOn = Environment.CurrentManagedThreadId;
            requested.Done.TrySetResult(3);
        });
        thread.Start();
        thread.Join(Patience);

        Assert.True(continuedOn.IsCompleted, "the read's continuation had not run when the stage's completion returned");
        Assert.Equal(3, await read);
        Assert.Equal(completedOn, await continuedOn);
    }

    [Fact]
    public async Task Ciphertext_written_within_a_step_must_be_kept_for_the_owner_in_order_and_not_sent_as_a_message()
    {
        var owner = CreateTestProbe();
        var stream = new CiphertextStream(owner.Ref);
        var record = "abc"u8.ToArray();

        stream.BeginStep();
        await stream.WriteAsync(record);
        record[0] = (byte)'x'; // the SslStream reuses its buffer once the write returns
        await stream.WriteAsync("de"u8.ToArray());
        stream.EndStep();

        Assert.Equal("abcde", stream.TakeWritten().ToString());
        Assert.True(stream.TakeWritten().IsEmpty);
        owner.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_ciphertext_read_asked_within_a_step_must_be_kept_for_the_owner_and_not_sent_as_a_message()
    {
        var owner = CreateTestProbe();
        var stream = new CiphertextStream(owner.Ref);

        stream.BeginStep();
        var read = stream.ReadAsync(new byte[16]);
        stream.EndStep();

        var taken = stream.TakeRead();
        Assert.NotNull(taken);
        Assert.Null(stream.TakeRead());
        owner.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        taken.Done.TrySetResult(2);
        Assert.Equal(2, read.Result);
    }

    [Fact]
    public void Ciphertext_written_on_another_thread_during_a_step_must_go_to_the_owner_as_a_message()
    {
        var owner = CreateTestProbe();
        var stream = new CiphertextStream(owner.Ref);

        stream.BeginStep();
        var thread = new Thread(() => stream.WriteAsync("abc"u8.ToArray()).AsTask().Wait());
        thread.Start();
        thread.Join(Patience);
        stream.EndStep();

        Assert.Equal("abc", owner.ExpectMsg<CiphertextStream.WriteRequested>(Patience).Data.ToString());
        Assert.True(stream.TakeWritten().IsEmpty);
    }
}
