using ActorHttp.Streams;

namespace ActorHttp.Tests.Streams;

/// <summary>
/// The buffers of one file download: never more than the capacity at once, and a buffer is read into again only
/// after the socket acknowledged the chunk it carried.
/// </summary>
public sealed class ChunkBuffersSpec
{
    [Fact]
    public void No_more_than_the_capacity_is_handed_out_until_one_is_released()
    {
        var buffers = new ChunkBuffers(capacity: 3, bufferSize: 16);
        for (var i = 0; i < 3; i++) buffers.Lend(buffers.TryTake()!);

        Assert.Null(buffers.TryTake());
        Assert.Equal(3, buffers.Lent);

        buffers.ReleaseOldest();
        Assert.NotNull(buffers.TryTake());
    }

    [Fact]
    public void Buffers_are_released_in_the_order_they_were_lent_and_then_reused_rather_than_allocated()
    {
        var buffers = new ChunkBuffers(capacity: 2, bufferSize: 16);
        var first = buffers.TryTake()!;
        buffers.Lend(first);
        var second = buffers.TryTake()!;
        buffers.Lend(second);
        Assert.NotSame(first, second);

        buffers.ReleaseOldest();

        Assert.Same(first, buffers.TryTake());
    }

    [Fact]
    public void A_reused_buffer_counts_against_the_capacity_like_a_new_one()
    {
        var buffers = new ChunkBuffers(capacity: 2, bufferSize: 16);
        buffers.Lend(buffers.TryTake()!);
        buffers.Lend(buffers.TryTake()!);
        buffers.ReleaseOldest();

        buffers.Lend(buffers.TryTake()!);

        Assert.Null(buffers.TryTake());
        Assert.Equal(2, buffers.Lent);
    }

    [Fact]
    public void A_buffer_taken_but_given_back_unused_is_free_again_without_counting_as_lent()
    {
        var buffers = new ChunkBuffers(capacity: 1, bufferSize: 16);
        var buffer = buffers.TryTake()!;
        Assert.Null(buffers.TryTake());

        buffers.GiveBack(buffer);

        Assert.Equal(0, buffers.Lent);
        Assert.Same(buffer, buffers.TryTake());
    }

    [Fact]
    public void A_release_wakes_the_source_while_it_runs_and_not_after_it_stopped()
    {
        var buffers = new ChunkBuffers(capacity: 2, bufferSize: 16);
        var wakes = 0;
        buffers.OnReleased(() => wakes++);
        buffers.Lend(buffers.TryTake()!);
        buffers.Lend(buffers.TryTake()!);

        buffers.ReleaseOldest();
        buffers.SourceStopped();
        buffers.ReleaseOldest();

        Assert.Equal(1, wakes);
        Assert.Equal(0, buffers.Lent);
    }

    [Fact]
    public void Releasing_when_nothing_is_lent_is_a_bug_in_the_caller_and_says_so()
    {
        var buffers = new ChunkBuffers(capacity: 2, bufferSize: 16);

        Assert.Throws<InvalidOperationException>(buffers.ReleaseOldest);
    }

    [Theory]
    [InlineData(0, 16)]
    [InlineData(2, 0)]
    public void A_capacity_or_buffer_size_below_one_is_refused(int capacity, int bufferSize) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChunkBuffers(capacity, bufferSize));
}
