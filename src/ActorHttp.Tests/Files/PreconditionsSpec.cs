using ActorHttp.Files;
using ActorHttp.Http;

namespace ActorHttp.Tests.Files;

public class PreconditionsSpec
{
    private const string ETag = "\"a-1f\"";
    private static readonly DateTime LastModified = new(2024, 5, 1, 12, 30, 15, DateTimeKind.Utc);

    private const string Same = "Wed, 01 May 2024 12:30:15 GMT";
    private const string Earlier = "Wed, 01 May 2024 12:30:14 GMT";
    private const string Later = "Wed, 01 May 2024 12:30:16 GMT";

    private const string Proceed = nameof(PreconditionResult.Proceed);
    private const string NotModified = nameof(PreconditionResult.NotModified);
    private const string Failed = nameof(PreconditionResult.PreconditionFailed);

    // method, If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since, expected result
    public static TheoryData<string, string?, string?, string?, string?, string> Table => new()
    {
        { "GET", null, null, null, null, Proceed },
        // If-Match: strong comparison, lists, "*" (RFC 9110 §13.1.1)
        { "GET", ETag, null, null, null, Proceed },
        { "GET", "\"x\", " + ETag, null, null, null, Proceed },
        { "GET", "*", null, null, null, Proceed },
        { "GET", "\"x\"", null, null, null, Failed },
        { "GET", "W/" + ETag, null, null, null, Failed },
        { "GET", "\"a,b\", \"c\"", null, null, null, Failed },
        // If-Unmodified-Since (§13.1.4), only without If-Match
        { "GET", null, Earlier, null, null, Failed },
        { "GET", null, Same, null, null, Proceed },
        { "GET", null, Later, null, null, Proceed },
        { "GET", null, "yesterday", null, null, Proceed },
        { "GET", ETag, Earlier, null, null, Proceed },
        // If-None-Match: weak comparison; 304 for GET/HEAD, 412 otherwise (§13.1.2)
        { "GET", null, null, ETag, null, NotModified },
        { "HEAD", null, null, ETag, null, NotModified },
        { "GET", null, null, "W/" + ETag, null, NotModified },
        { "GET", null, null, "\"x\", W/" + ETag, null, NotModified },
        { "GET", null, null, "*", null, NotModified },
        { "GET", null, null, "\"x\"", null, Proceed },
        { "POST", null, null, ETag, null, Failed },
        { "PUT", null, null, "*", null, Failed },
        // If-Modified-Since: GET/HEAD only, ignored beside If-None-Match or when invalid (§13.1.3)
        { "GET", null, null, null, Same, NotModified },
        { "HEAD", null, null, null, Later, NotModified },
        { "GET", null, null, null, Earlier, Proceed },
        { "GET", null, null, null, "not a date", Proceed },
        { "GET", null, null, null, "Thu, 01 May 2024 12:30:15 GMT", Proceed },
        { "POST", null, null, null, Later, Proceed },
        { "GET", null, null, "\"x\"", Later, Proceed },
        { "GET", null, null, null, "Wednesday, 01-May-24 12:30:15 GMT", NotModified },
        { "GET", null, null, null, "Wed May  1 12:30:15 2024", NotModified },
        // §13.2.2 order: a failed If-Match wins over a matching If-None-Match
        { "GET", "\"x\"", null, ETag, null, Failed },
        { "GET", null, Earlier, ETag, null, Failed },
        { "GET", ETag, null, ETag, null, NotModified },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Preconditions_are_evaluated_in_the_order_of_RFC_9110_section_13_2_2(
        string method, string? ifMatch, string? ifUnmodifiedSince, string? ifNoneMatch, string? ifModifiedSince, string expected)
    {
        var headers = new List<HttpHeader>();
        if (ifMatch is not null) headers.Add(new("If-Match", ifMatch));
        if (ifUnmodifiedSince is not null) headers.Add(new("If-Unmodified-Since", ifUnmodifiedSince));
        if (ifNoneMatch is not null) headers.Add(new("If-None-Match", ifNoneMatch));
        if (ifModifiedSince is not null) headers.Add(new("If-Modified-Since", ifModifiedSince));

        var conditions = ConditionalHeaders.From(new HttpHeaders(headers));

        Assert.Equal(expected, Preconditions.Evaluate(method, conditions, ETag, LastModified).ToString());
    }

    [Theory]
    [InlineData("If-None-Match", "W/\"a-1f-br\"", PreconditionResult.NotModified)]
    [InlineData("If-None-Match", "\"a-1f-br\"", PreconditionResult.NotModified)]
    [InlineData("If-None-Match", "\"a-1f\"", PreconditionResult.Proceed)]
    [InlineData("If-Match", "W/\"a-1f-br\"", PreconditionResult.PreconditionFailed)]
    [InlineData("If-Match", "\"a-1f-br\"", PreconditionResult.PreconditionFailed)]
    [InlineData("If-Match", "*", PreconditionResult.Proceed)]
    public void A_weak_current_tag_matches_by_the_weak_comparison_only(string field, string value, PreconditionResult expected)
    {
        // §8.8.3.2: the strong comparison needs both tags strong; the weak one compares the opaque tags.
        var conditions = ConditionalHeaders.From(new HttpHeaders(new[] { new HttpHeader(field, value) }));

        Assert.Equal(expected, Preconditions.Evaluate("GET", conditions, "W/\"a-1f-br\"", LastModified));
    }

    [Fact]
    public void An_if_none_match_list_split_over_two_field_lines_is_one_list()
    {
        var conditions = ConditionalHeaders.From(new HttpHeaders(new[]
        {
            new HttpHeader("if-none-match", "\"x\""),
            new HttpHeader("If-None-Match", ETag),
        }));

        Assert.Equal(PreconditionResult.NotModified, Preconditions.Evaluate("GET", conditions, ETag, LastModified));
    }

    [Fact]
    public void An_if_modified_since_sent_twice_is_ignored()
    {
        var conditions = ConditionalHeaders.From(new HttpHeaders(new[]
        {
            new HttpHeader("If-Modified-Since", Later),
            new HttpHeader("If-Modified-Since", Later),
        }));

        Assert.Equal(PreconditionResult.Proceed, Preconditions.Evaluate("GET", conditions, ETag, LastModified));
    }

    // If-Range value, Last-Modified counts as strong, expected
    public static TheoryData<string?, bool, bool> IfRangeTable => new()
    {
        { null, true, true },
        { ETag, true, true },
        { " " + ETag + " ", true, true },
        { "\"x\"", true, false },
        { "W/" + ETag, true, false },
        { Same, true, true },
        { Same, false, false },
        { Earlier, true, false },
        { Later, true, false },
        { "garbage", true, false },
        { "", true, false },
    };

    [Theory]
    [MemberData(nameof(IfRangeTable))]
    public void If_range_allows_a_part_only_for_a_strongly_matching_etag_or_the_exact_last_modified_date(
        string? ifRange, bool dateIsStrong, bool expected) =>
        Assert.Equal(expected, Preconditions.IfRangeHolds(ifRange, ETag, LastModified, dateIsStrong));
}

public class ValidatorsSpec
{
    // HTTP-date parsing and formatting are specified in ActorHttp.Tests.Http.HttpDateTests.

    [Fact]
    public void The_etag_is_strong_and_made_of_the_length_and_the_modification_ticks_in_hex()
    {
        var time = new DateTime(0x10, DateTimeKind.Utc);
        Assert.Equal("\"ff-10\"", EntityTags.ForFile(255, time));
    }
}
