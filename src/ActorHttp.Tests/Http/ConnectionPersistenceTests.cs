using ActorHttp.Http;

namespace ActorHttp.Tests.Http;

/// <summary>Connection option lists (RFC 9110 §7.6.1) as read by <see cref="ConnectionPersistence.HasToken"/>.</summary>
public sealed class ConnectionPersistenceTests
{
    [Theory]
    [InlineData("close", true)]
    [InlineData("Close", true)]
    [InlineData(" close ", true)]
    [InlineData("keep-alive, close", true)]
    [InlineData("upgrade,\tclose", true)]
    [InlineData("closed", false)]
    [InlineData("not-close", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_connection_option_is_found_as_a_whole_list_element(string? value, bool expected) =>
        Assert.Equal(expected, ConnectionPersistence.HasToken(value, "close"));
}
