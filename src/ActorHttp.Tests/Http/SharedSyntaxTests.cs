using ActorHttp.Http;

namespace ActorHttp.Tests.Http;

/// <summary>
/// The syntax pieces more than one part of the server uses, each written once: the decimal numeral reader
/// (Content-Length, byte ranges), HEXDIG values (chunk sizes, percent-decoding), tokens and the method list.
/// </summary>
public sealed class SharedSyntaxTests
{
    [Theory]
    [InlineData("0", 0L, false)]
    [InlineData("0042", 42L, false)]
    [InlineData("9223372036854775807", long.MaxValue, false)]
    [InlineData("9223372036854775808", long.MaxValue, true)]
    [InlineData("99999999999999999999999", long.MaxValue, true)]
    public void A_decimal_numeral_is_read_exactly_or_capped_at_the_largest_long_never_wrapped(string text, long value, bool capped)
    {
        Assert.True(Numerals.TryParseDecimal(text, out var parsed, out var wasCapped));
        Assert.Equal(value, parsed);
        Assert.Equal(capped, wasCapped);
    }

    [Theory]
    [InlineData("")]
    [InlineData("+5")]
    [InlineData("-1")]
    [InlineData(" 5")]
    [InlineData("1.0")]
    [InlineData("0x10")]
    [InlineData("٣")] // an Arabic-Indic digit is a digit to char.IsDigit, not to RFC 5234
    [InlineData("99999999999999999999x")] // capping does not stop the check of the remaining characters
    public void Anything_but_ASCII_digits_is_no_decimal_numeral(string text) =>
        Assert.False(Numerals.TryParseDecimal(text, out _, out _));

    [Theory]
    [InlineData('0', 0)]
    [InlineData('9', 9)]
    [InlineData('a', 10)]
    [InlineData('F', 15)]
    [InlineData('g', -1)]
    [InlineData('G', -1)]
    [InlineData('@', -1)]
    [InlineData('\u00C1', -1)] // Latin-1 'Á' is 'A' | 0x80
    [InlineData('\u0141', -1)] // past Latin-1, its low byte is 'A'
    [InlineData('\uFF21', -1)] // fullwidth 'Ａ'
    public void Only_the_ASCII_hex_digits_have_a_hex_value(char c, int value)
    {
        Assert.Equal(value, CharClasses.HexValue(c));
        if (c < 256) Assert.Equal(value, CharClasses.HexValue((byte)c));
    }

    [Theory]
    [InlineData("X-Custom", true)]
    [InlineData("!#$%&'*+-.^_`|~", true)]
    [InlineData("", false)]
    [InlineData("Bad Name", false)]
    [InlineData("Bad:Name", false)]
    [InlineData("Na\u00EFve", false)] // no character past 0x7F is a tchar, bytes or text
    public void A_token_is_one_or_more_tchars_as_bytes_and_as_text(string text, bool expected)
    {
        Assert.Equal(expected, CharClasses.IsToken(text.AsSpan()));
        Assert.Equal(expected, CharClasses.IsToken(System.Text.Encoding.Latin1.GetBytes(text).AsSpan()));
    }

    [Fact]
    public void OPTIONS_asterisk_allows_every_implemented_method_but_TRACE()
    {
        Assert.Equal("GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH", HttpMethods.ServerWideAllow);
        Assert.All(HttpMethods.ServerWideAllow.Split(", "), m => Assert.True(HttpMethods.IsImplemented(m)));
        Assert.True(HttpMethods.IsImplemented("TRACE"));
    }
}
