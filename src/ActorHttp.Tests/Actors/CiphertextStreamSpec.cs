using Akka.Actor;
using Akka.TestKit;
using ActorHttp.Actors;

namespace ActorHttp.Tests.Actors;

/// <summary>The stream between an SslStream and its TLS stage, with a probe as the stage.</summary>
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
}
