using ActorHttp.Http;

namespace ActorHttp.Tests.Http;

/// <summary>Runs every row of <see cref="HttpRequestParserTable"/> whole, byte by byte, and split in two at every position.</summary>
public sealed class HttpRequestParserTests
{
    /// <summary>What a connection may hold unconsumed while the parser waits: the two head limits and a few line ends.</summary>
    internal static int BufferBound(HttpLimits limits) => limits.MaxRequestLineBytes + limits.MaxHeaderBytes + 8;

    [Theory]
    [MemberData(nameof(HttpRequestParserTable.Names), MemberType = typeof(HttpRequestParserTable))]
    public void A_request_parsed_in_one_piece_matches_the_table(string name)
    {
        var row = HttpRequestParserTable.Find(name);
        var run = ParserDriver.Whole(row.EffectiveLimits, ParserDriver.Bytes(row.Wire));

        Assert.Equal(row.Rejection, run.Rejection);
        if (row.Status is { } status) Assert.Equal(status, RequestRejection.StatusFor(run.Rejection!.Value));
        Assert.Equal(row.Requests.Length, run.Requests.Count);
        for (var i = 0; i < row.Requests.Length; i++)
        {
            var expected = row.Requests[i];
            var actual = run.Requests[i];
            Assert.Equal(expected.Method, actual.Method);
            Assert.Equal(expected.Target, actual.Target);
            Assert.Equal(expected.Path, actual.Path);
            Assert.Equal(expected.Query, actual.Query);
            Assert.Equal(expected.Version, actual.Version);
            Assert.Equal(expected.Headers, actual.Headers.Select(h => $"{h.Name}: {h.Value}").ToArray());
            Assert.Equal(expected.Body, System.Text.Encoding.Latin1.GetString(actual.Body.Span));
        }
        if (row.KeepAlive is { } keepAlive) Assert.Equal(keepAlive, ConnectionPersistence.ClientWantsKeepAlive(run.Requests[^1]));
    }

    [Theory]
    [MemberData(nameof(HttpRequestParserTable.Names), MemberType = typeof(HttpRequestParserTable))]
    public void A_request_fed_one_byte_at_a_time_parses_the_same(string name)
    {
        var row = HttpRequestParserTable.Find(name);
        var input = ParserDriver.Bytes(row.Wire);
        var whole = ParserDriver.Whole(row.EffectiveLimits, input);
        var bytewise = ParserDriver.ByteByByte(row.EffectiveLimits, input);

        Assert.Equal(whole.Describe(), bytewise.Describe());
        Assert.InRange(bytewise.MaxPending, 0, BufferBound(row.EffectiveLimits));
    }

    [Theory]
    [MemberData(nameof(HttpRequestParserTable.Names), MemberType = typeof(HttpRequestParserTable))]
    public void A_request_split_in_two_at_any_position_parses_the_same(string name)
    {
        var row = HttpRequestParserTable.Find(name);
        var input = ParserDriver.Bytes(row.Wire);
        var expected = ParserDriver.Whole(row.EffectiveLimits, input).Describe();
        for (var at = 0; at <= input.Length; at++)
        {
            var split = ParserDriver.SplitAt(row.EffectiveLimits, input, at);
            Assert.True(expected == split.Describe(), $"Split at {at}:\n{split.Describe()}\nexpected:\n{expected}");
        }
    }
}
