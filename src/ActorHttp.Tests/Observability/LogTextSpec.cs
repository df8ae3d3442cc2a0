using ActorHttp.Observability;
using CsCheck;

namespace ActorHttp.Tests.Observability;

public sealed class LogTextSpec
{
    public static TheoryData<string, string> Table => new()
    {
        { "GET /index.html?a=1&b=%0d%0a", "GET /index.html?a=1&b=%0d%0a" },
        { "", "" },
        { "a\r\nb", "a\\x0D\\x0Ab" },
        { "\u0000\t\u001b[2J\u007f", "\\x00\\x09\\x1B[2J\\x7F" },
        { "say \"hi\" \\x0A", "say \\x22hi\\x22 \\x5Cx0A" },
        // C1 controls and anything else up to U+00FF: the ISO-8859-1 byte it was read from.
        { "\u0085\u009b\u00a0\u00ff", "\\x85\\x9B\\xA0\\xFF" },
        // Above U+00FF: its UTF-8 bytes; a lone surrogate is U+FFFD's.
        { "\u2028\u2029", "\\xE2\\x80\\xA8\\xE2\\x80\\xA9" },
        { "\U0001F600", "\\xF0\\x9F\\x98\\x80" },
        { "\ud800x", "\\xEF\\xBF\\xBDx" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Text_is_escaped_as_nginx_escapes_log_variables(string text, string expected) =>
        Assert.Equal(expected, LogText.Escape(text));

    [Fact]
    public void Text_with_nothing_to_escape_is_returned_as_it_is()
    {
        var text = "GET / HTTP/1.1";
        Assert.Same(text, LogText.Escape(text));
    }

    [Fact]
    public void Escaped_text_is_printable_ASCII_without_quotes_whatever_it_was() =>
        Gen.Char.Array[0, 60].Select(chars => new string(chars)).Sample(text =>
            LogText.Escape(text).All(c => c is >= ' ' and < '\u007f' and not '"'));
}
