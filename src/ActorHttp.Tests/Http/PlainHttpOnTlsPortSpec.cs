using System.Text;
using ActorHttp.Http;

namespace ActorHttp.Tests.Http;

/// <summary>How plain HTTP is told from TLS by its first byte, and the 400 it gets.</summary>
public sealed class PlainHttpOnTlsPortSpec
{
    [Theory]
    [InlineData((byte)'G')]
    [InlineData((byte)'P')]
    [InlineData((byte)'O')]
    [InlineData((byte)'D')]
    [InlineData((byte)'g')]
    [InlineData((byte)'Z')]
    [InlineData((byte)'a')]
    public void A_first_byte_that_is_a_letter_starts_a_plain_HTTP_request(byte first) =>
        Assert.True(PlainHttpOnTlsPort.Starts(first));

    [Theory]
    [InlineData(0x16)] // a TLS handshake record (RFC 8446 §5.1)
    [InlineData(0x15)] // an alert
    [InlineData(0x17)] // application data
    [InlineData(0x80)] // an SSLv2 ClientHello's length
    [InlineData(0xC1)] // 'A' with the high bit: the same
    [InlineData(0x00)]
    [InlineData((byte)' ')]
    [InlineData((byte)'@')]
    [InlineData((byte)'[')]
    [InlineData((byte)'`')]
    [InlineData((byte)'{')]
    public void A_first_byte_that_may_start_TLS_or_is_no_letter_is_left_to_the_TLS_handshake(byte first) =>
        Assert.False(PlainHttpOnTlsPort.Starts(first));

    [Fact]
    public void The_answer_is_a_400_that_closes_the_connection_with_a_Date_and_a_body_of_its_Content_Length()
    {
        var text = Encoding.ASCII.GetString(PlainHttpOnTlsPort.Response());
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = text[..end].Split("\r\n");
        var body = text[(end + 4)..];

        Assert.Equal("HTTP/1.1 400 Bad Request", head[0]);
        Assert.Contains("Connection: close", head);
        Assert.Contains($"Content-Length: {body.Length}", head);
        Assert.True(HttpDate.TryParse(head.Single(h => h.StartsWith("Date: ", StringComparison.Ordinal))[6..], out _));
        Assert.Contains("plain HTTP request was sent to the HTTPS port", body);
        Assert.Contains("https://", body);
    }
}
