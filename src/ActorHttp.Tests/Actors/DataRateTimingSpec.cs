using ActorHttp.Actors;
using ActorHttp.Http;

namespace ActorHttp.Tests.Actors;

/// <summary>The pure clocks behind the minimum data rates: what a write or a body is allowed, and when.</summary>
public sealed class DataRateTimingSpec
{
    private static readonly MinDataRate Rate = new(240, TimeSpan.FromSeconds(5));
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Theory]
    [InlineData(0, 5)]          // nothing to send still gets the grace period
    [InlineData(1200, 5)]       // 5 s at 240 B/s: the grace period exactly
    [InlineData(2400, 10)]
    [InlineData(65536, 273.0666)]
    public void A_rate_allows_the_longer_of_the_grace_period_and_the_bytes_at_the_rate(long bytes, double seconds) =>
        Assert.Equal(seconds, Rate.Allowance(bytes).TotalSeconds, 3);

    [Fact]
    public void An_allowance_never_overflows_whatever_the_byte_count()
    {
        var allowance = new MinDataRate(0.001, S(5)).Allowance(long.MaxValue);
        Assert.True(allowance > TimeSpan.Zero);
        Assert.True(TimeSpan.FromDays(365 * 3000) + allowance > allowance); // still room to add a clock reading
    }

    [Fact]
    public void A_rate_of_zero_is_off_and_allows_forever() =>
        Assert.Equal(TimeSpan.MaxValue, new MinDataRate(0, S(5)).Allowance(1));

    [Fact]
    public void Only_the_write_at_the_head_of_the_line_is_timed_and_the_next_from_the_previous_ack()
    {
        var timing = new ResponseWriteTiming(Rate);
        Assert.Equal(TimeSpan.MaxValue, timing.Deadline);

        timing.Issued(S(100), 2400);   // 10 s allowed
        timing.Issued(S(101), 100);    // waits behind it
        Assert.Equal(S(110), timing.Deadline);
        Assert.False(timing.IsOverdue(S(109.9)));
        Assert.True(timing.IsOverdue(S(110)));

        timing.Acknowledged(S(108));   // the second now reaches the head: grace period from here
        Assert.Equal(S(113), timing.Deadline);
        timing.Acknowledged(S(109));
        Assert.False(timing.HasPending);
        Assert.Equal(TimeSpan.MaxValue, timing.Deadline);
        Assert.False(timing.IsOverdue(S(10_000)));
    }

    [Fact]
    public void A_stray_acknowledgement_with_nothing_pending_changes_nothing()
    {
        var timing = new ResponseWriteTiming(Rate);
        timing.Acknowledged(S(1));
        Assert.Equal(TimeSpan.MaxValue, timing.Deadline);
    }

    [Fact]
    public void With_the_response_rate_off_no_write_is_ever_overdue()
    {
        var timing = new ResponseWriteTiming(new MinDataRate(0, S(5)));
        timing.Issued(S(1), 1_000_000);
        Assert.False(timing.IsOverdue(S(1_000_000)));
    }

    [Fact]
    public void Each_body_byte_buys_time_at_the_rate_once_the_grace_period_is_used_up()
    {
        var timing = new RequestBodyTiming(Rate);
        timing.Update(S(0), reading: true, clientsTurn: true);
        Assert.Equal(S(5), timing.Deadline);
        timing.Received(2400);
        Assert.Equal(S(10), timing.Deadline);
        timing.Received(240);
        Assert.Equal(S(11), timing.Deadline);
    }

    [Fact]
    public void Time_the_server_holds_the_body_up_is_not_counted()
    {
        var timing = new RequestBodyTiming(Rate);
        timing.Update(S(0), reading: true, clientsTurn: true);
        timing.Update(S(3), reading: true, clientsTurn: false);   // the handler stopped taking the body
        Assert.Equal(TimeSpan.MaxValue, timing.Deadline);
        timing.Update(S(100), reading: true, clientsTurn: false);
        timing.Update(S(103), reading: true, clientsTurn: true);  // 3 s counted before the pause
        Assert.Equal(S(105), timing.Deadline);
    }

    [Fact]
    public void A_new_body_starts_with_a_fresh_clock_and_no_bytes()
    {
        var timing = new RequestBodyTiming(Rate);
        timing.Update(S(0), reading: true, clientsTurn: true);
        timing.Received(100_000);
        timing.Update(S(1), reading: false, clientsTurn: true);
        Assert.Equal(TimeSpan.MaxValue, timing.Deadline);
        timing.Received(100_000); // bytes between bodies count for nothing
        timing.Update(S(50), reading: true, clientsTurn: true);
        Assert.Equal(S(55), timing.Deadline);
    }
}
