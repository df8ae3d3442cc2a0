using System.Text;
using ActorHttp.Http;
using CsCheck;

namespace ActorHttp.Tests.Http;

/// <summary>HTTP-date rendering and the three forms a recipient must parse (RFC 9110 §5.6.7).</summary>
public sealed class HttpDateTests
{
    private static readonly DateTimeOffset Example = new(1994, 11, 6, 8, 49, 37, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public void An_instant_renders_as_an_IMF_fixdate() =>
        Assert.Equal("Sun, 06 Nov 1994 08:49:37 GMT", HttpDate.Render(Example));

    [Fact]
    public void An_instant_with_an_offset_renders_in_GMT() =>
        Assert.Equal("Sun, 06 Nov 1994 08:49:37 GMT", HttpDate.Render(new DateTimeOffset(1994, 11, 6, 10, 49, 37, TimeSpan.FromHours(2))));

    [Fact]
    public void Single_digit_days_are_zero_padded() =>
        Assert.Equal("Mon, 02 Jan 2006 15:04:05 GMT", HttpDate.Render(new DateTimeOffset(2006, 1, 2, 15, 4, 5, TimeSpan.Zero)));

    [Fact]
    public void NowBytes_renders_the_clocks_current_second()
    {
        Assert.Equal("Sun, 06 Nov 1994 08:49:37 GMT", Encoding.ASCII.GetString(HttpDate.NowBytes(new FixedClock(Example))));
        Assert.Equal("Sun, 06 Nov 1994 08:49:38 GMT", Encoding.ASCII.GetString(HttpDate.NowBytes(new FixedClock(Example.AddSeconds(1)))));
    }

    [Fact]
    public void NowBytes_is_rendered_once_per_second()
    {
        var clock = new FixedClock(new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero));
        var first = HttpDate.NowBytes(clock);
        var again = HttpDate.NowBytes(new FixedClock(new DateTimeOffset(2001, 2, 3, 4, 5, 6, 900, TimeSpan.Zero)));
        // Another thread may render in between (the cache is shared); the text is the same either way.
        Assert.Equal(first, again);
    }

    [Theory]
    [InlineData("Sun, 06 Nov 1994 08:49:37 GMT")]    // IMF-fixdate
    [InlineData("Sunday, 06-Nov-94 08:49:37 GMT")]   // obsolete RFC 850 form
    [InlineData("Sun Nov  6 08:49:37 1994")]         // ANSI C asctime() form
    [InlineData("  Sun, 06 Nov 1994 08:49:37 GMT ")] // surrounding whitespace of a field value
    public void Each_of_the_three_date_forms_parses_to_the_same_instant(string text)
    {
        Assert.True(HttpDate.TryParse(text, Now, out var instant));
        Assert.Equal(Example, instant);
    }

    [Fact]
    public void Asctime_with_a_two_digit_day_parses()
    {
        Assert.True(HttpDate.TryParse("Wed Nov 16 08:49:37 1994", Now, out var instant));
        Assert.Equal(new DateTimeOffset(1994, 11, 16, 8, 49, 37, TimeSpan.Zero), instant);
    }

    [Theory]
    [InlineData("Tuesday, 06-Nov-74 08:49:37 GMT", 2074)] // 48 years ahead: still the future
    [InlineData("Friday, 06-Nov-76 08:49:37 GMT", 2076)]  // exactly 50 years ahead is not "more than 50"
    [InlineData("Sunday, 06-Nov-77 08:49:37 GMT", 1977)] // 51 years ahead: the most recent past 77
    [InlineData("Wednesday, 06-Nov-19 08:49:37 GMT", 2019)]
    public void An_RFC_850_two_digit_year_more_than_50_years_ahead_is_in_the_past(string text, int year)
    {
        Assert.True(HttpDate.TryParse(text, Now, out var instant));
        Assert.Equal(year, instant.Year);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("yesterday")]
    [InlineData("Sun, 06 Nov 1994 08:49:37 PST")]
    [InlineData("Sun, 06 Nov 1994 08:49:37")]
    [InlineData("Mon, 06 Nov 1994 08:49:37 GMT")]     // wrong weekday
    [InlineData("Monday, 06-Nov-94 08:49:37 GMT")]   // wrong weekday
    [InlineData("Sun, 31 Nov 1994 08:49:37 GMT")]     // no such day
    [InlineData("Sun, 06 Nov 1994 25:49:37 GMT")]
    [InlineData("1994-11-06T08:49:37Z")]
    public void Anything_else_is_not_an_HTTP_date(string? text) =>
        Assert.False(HttpDate.TryParse(text, Now, out _));

    [Fact]
    public void A_rendered_date_parses_back_to_the_same_second()
    {
        Gen.Long[new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds()]
            .Sample(seconds =>
            {
                var instant = DateTimeOffset.FromUnixTimeSeconds(seconds);
                Assert.True(HttpDate.TryParse(HttpDate.Render(instant), out var parsed));
                Assert.Equal(instant, parsed);
            }, iter: 500, threads: 1);
    }
}
