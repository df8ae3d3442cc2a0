using ActorHttp.Files;

namespace ActorHttp.Tests.Files;

public sealed class BoundedTableSpec
{
    // Each entry costs its key's length plus its value's: easy to count by hand.
    private static BoundedTable<string> Table(long maxBytes) => new(maxBytes, (key, value) => key.Length + value.Length);

    private static long Held(BoundedTable<string> table) =>
        table.Keys.Sum(k => table.TryGetValue(k, out var v) ? k.Length + v.Length : 0);

    [Fact]
    public void Replacing_a_value_charges_the_difference()
    {
        var table = Table(1000);
        table.Set("key", "12345");
        table.Set("key", "1");

        Assert.Equal(4, table.Bytes);
        Assert.True(table.TryGetValue("key", out var value));
        Assert.Equal("1", value);
    }

    [Fact]
    public void Past_the_budget_entries_are_evicted_down_to_half_of_it()
    {
        var table = Table(1000);
        for (var i = 0; i < 100; i++) table.Set($"k{i:D4}", "12345"); // 10 bytes each: 1,000 in all, still within

        Assert.Equal(1000, table.Bytes);
        table.Set("one-more", "x");

        Assert.InRange(table.Bytes, 0, 500);
        Assert.Equal(Held(table), table.Bytes);
    }

    [Fact]
    public void An_entry_bigger_than_an_eighth_of_the_budget_is_not_kept_and_drops_the_older_value_of_its_key()
    {
        var table = Table(800);
        table.Set("key", "small");
        table.Set("key", new string('x', 100));

        Assert.False(table.TryGetValue("key", out _));
        Assert.Equal(0, table.Bytes);
    }

    [Fact]
    public void Concurrent_writers_leave_the_charge_equal_to_what_is_held()
    {
        var table = Table(10_000);
        Parallel.For(0, 8, worker =>
        {
            for (var i = 0; i < 20_000; i++) table.Set($"k{(i * 7 + worker) % 3_000}", new string('v', i % 13));
        });

        Assert.Equal(Held(table), table.Bytes);
        Assert.InRange(table.Bytes, 0, 10_000);
    }
}
