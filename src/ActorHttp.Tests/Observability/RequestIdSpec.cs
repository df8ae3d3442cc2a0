using System.Diagnostics;
using ActorHttp.Observability;

namespace ActorHttp.Tests.Observability;

/// <summary>Which X-Request-Id a request keeps, and what replaces one that is missing or unsafe.</summary>
public sealed class RequestIdSpec
{
    [Theory]
    [InlineData("a")]
    [InlineData("0af7651916cd43dd8448eb211c80319c")]
    [InlineData("f81d4fae-7dec-11d0-a765-00a0c91e6bf6")]
    [InlineData("lb-1.req_42")]
    public void A_valid_id_is_kept(string id)
    {
        Assert.True(RequestId.IsValid(id));
        Assert.Equal(id, RequestId.For(id, trace: null));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("x\r\nSet-Cookie: a=b")]
    [InlineData("caf\u00e9")]
    [InlineData("a/b")]
    public void A_missing_or_unsafe_id_is_replaced_by_32_random_hex_digits(string? id)
    {
        var replaced = RequestId.For(id, trace: null);
        Assert.Matches("^[0-9a-f]{32}$", replaced);
        Assert.NotEqual(replaced, RequestId.For(id, trace: null));
    }

    [Fact]
    public void An_id_longer_than_128_characters_is_replaced()
    {
        Assert.True(RequestId.IsValid(new string('a', 128)));
        Assert.NotEqual(new string('a', 129), RequestId.For(new string('a', 129), trace: null));
    }

    [Fact]
    public void A_traced_request_without_an_id_gets_its_trace_id()
    {
        using var activity = new Activity("t").SetIdFormat(ActivityIdFormat.W3C).Start();
        Assert.Equal(activity.TraceId.ToHexString(), RequestId.For(null, activity));
    }
}
