using ActorHttp.Files;

namespace ActorHttp.Tests.Files;

public class ByteRangesSpec
{
    // Range field value, representation length, expected kind, offset, count
    public static TheoryData<string, long, RangeKind, long, long> Table => new()
    {
        { "bytes=0-499", 1000, RangeKind.Satisfiable, 0, 500 },
        { "bytes=500-999", 1000, RangeKind.Satisfiable, 500, 500 },
        { "bytes=500-", 1000, RangeKind.Satisfiable, 500, 500 },
        { "bytes=-500", 1000, RangeKind.Satisfiable, 500, 500 },
        { "bytes=-1", 1000, RangeKind.Satisfiable, 999, 1 },
        { "bytes=-2000", 1000, RangeKind.Satisfiable, 0, 1000 },
        { "bytes=0-5000", 1000, RangeKind.Satisfiable, 0, 1000 },
        { "bytes=999-999", 1000, RangeKind.Satisfiable, 999, 1 },
        { "bytes=0-0", 1000, RangeKind.Satisfiable, 0, 1 },
        { "BYTES=0-1", 1000, RangeKind.Satisfiable, 0, 2 },
        { "bytes= 0-1 ", 1000, RangeKind.Satisfiable, 0, 2 },
        { "bytes=0-1,,", 1000, RangeKind.Satisfiable, 0, 2 },
        { "bytes=0-99999999999999999999", 1000, RangeKind.Satisfiable, 0, 1000 },
        { "bytes=-99999999999999999999", 1000, RangeKind.Satisfiable, 0, 1000 },
        { "bytes=1000-", 1000, RangeKind.Unsatisfiable, 0, 0 },
        { "bytes=1000-2000", 1000, RangeKind.Unsatisfiable, 0, 0 },
        { "bytes=99999999999999999999-", 1000, RangeKind.Unsatisfiable, 0, 0 },
        { "bytes=-0", 1000, RangeKind.Unsatisfiable, 0, 0 },
        { "bytes=0-", 0, RangeKind.Unsatisfiable, 0, 0 },
        { "bytes=-5", 0, RangeKind.Ignored, 0, 0 },
        { "bytes=0-1,5-6", 1000, RangeKind.Multiple, 0, 0 },
        { "bytes=0-1, -5", 1000, RangeKind.Multiple, 0, 0 },
        { "bytes=5-4", 1000, RangeKind.Ignored, 0, 0 },
        // Positions past what a long holds still compare exactly: a last-pos below its first-pos is invalid however large.
        { "bytes=9223372036854775801-9223372036854775800", 1000, RangeKind.Ignored, 0, 0 },
        { "bytes=99999999999999999999-99999999999999999998", 1000, RangeKind.Ignored, 0, 0 },
        { "bytes=099999999999999999999-99999999999999999999", 1000, RangeKind.Unsatisfiable, 0, 0 },
        { "bytes=9223372036854775807-9223372036854775807", long.MaxValue, RangeKind.Unsatisfiable, 0, 0 },
        { "bytes=9223372036854775806-", long.MaxValue, RangeKind.Satisfiable, long.MaxValue - 1, 1 },
        { "bytes=-9223372036854775808", long.MaxValue, RangeKind.Satisfiable, 0, long.MaxValue },
        { "bytes=abc", 1000, RangeKind.Ignored, 0, 0 },
        { "bytes=", 1000, RangeKind.Ignored, 0, 0 },
        { "bytes=,", 1000, RangeKind.Ignored, 0, 0 },
        { "bytes=1", 1000, RangeKind.Ignored, 0, 0 },
        { "bytes=-", 1000, RangeKind.Ignored, 0, 0 },
        { "bytes=--1", 1000, RangeKind.Ignored, 0, 0 },
        { "bytes=0-1-2", 1000, RangeKind.Ignored, 0, 0 },
        { "bytes=+1-2", 1000, RangeKind.Ignored, 0, 0 },
        { "bytes=0-1, x", 1000, RangeKind.Ignored, 0, 0 },
        { "bytes 0-1", 1000, RangeKind.Ignored, 0, 0 },
        { "items=0-1", 1000, RangeKind.Ignored, 0, 0 },
        { "", 1000, RangeKind.Ignored, 0, 0 },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void A_range_header_resolves_to_one_part_or_is_unsatisfiable_or_is_ignored(
        string header, long length, RangeKind kind, long offset, long count)
    {
        var actual = ByteRanges.Parse(header, length, out var range);

        Assert.Equal(kind, actual);
        if (kind == RangeKind.Satisfiable) Assert.Equal(new ByteRange(offset, count), range);
    }

    [Theory]
    [InlineData(0, 500, 1000, "bytes 0-499/1000")]
    [InlineData(999, 1, 1000, "bytes 999-999/1000")]
    [InlineData(0, 1, 1, "bytes 0-0/1")]
    public void Content_range_names_the_first_and_last_byte_and_the_complete_length(long offset, long count, long length, string expected) =>
        Assert.Equal(expected, new ByteRange(offset, count).ToContentRange(length));

    [Fact]
    public void An_unsatisfied_content_range_gives_only_the_complete_length() =>
        Assert.Equal("bytes */1000", ByteRange.Unsatisfied(1000));
}
