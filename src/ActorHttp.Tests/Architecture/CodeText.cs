using System.Text;

namespace ActorHttp.Tests.Architecture;

/// <summary>
/// C# source with its comments and the contents of its string and character literals blanked out, line breaks kept,
/// so that a search over what remains finds code only and reports the line it is on. The holes of interpolated
/// strings are blanked too: code written there is not seen.
/// </summary>
internal static class CodeText
{
    public static string WithoutCommentsAndLiterals(string source)
    {
        var code = new StringBuilder(source.Length);
        var i = 0;
        while (i < source.Length)
        {
            var c = source[i];
            if (c == '/' && Next(source, i) == '/') i = Blank(source, code, i, source.IndexOf('\n', i) is var end and >= 0 ? end : source.Length);
            else if (c == '/' && Next(source, i) == '*') i = Blank(source, code, i, EndOf(source, "*/", i + 2));
            else if (c == '\'') i = Blank(source, code, i, CharLiteralEnd(source, i));
            else if (c == '"') i = Blank(source, code, i, StringEnd(source, i, verbatim: IsVerbatim(source, i)));
            else
            {
                code.Append(c);
                i++;
            }
        }
        return code.ToString();
    }

    private static char Next(string s, int i) => i + 1 < s.Length ? s[i + 1] : '\0';

    /// <summary>The index just after the first <paramref name="marker"/> at or after <paramref name="from"/>.</summary>
    private static int EndOf(string s, string marker, int from) =>
        s.IndexOf(marker, from, StringComparison.Ordinal) is var at and >= 0 ? at + marker.Length : s.Length;

    /// <summary>Copies line breaks of s[from..to] and blanks the rest; returns <paramref name="to"/>.</summary>
    private static int Blank(string s, StringBuilder code, int from, int to)
    {
        for (var j = from; j < to; j++) code.Append(s[j] == '\n' ? '\n' : ' ');
        return to;
    }

    /// <summary>A '@' among the prefix characters ($, @) right before the opening quote.</summary>
    private static bool IsVerbatim(string s, int quote)
    {
        for (var j = quote - 1; j >= 0 && s[j] is '$' or '@'; j--)
            if (s[j] == '@') return true;
        return false;
    }

    private static int CharLiteralEnd(string s, int open)
    {
        var j = open + 1;
        if (j < s.Length && s[j] == '\\') j++;
        j++;
        while (j < s.Length && s[j] != '\'' && s[j] != '\n') j++; // \u0041 and the like
        return Math.Min(j + 1, s.Length);
    }

    private static int StringEnd(string s, int open, bool verbatim)
    {
        var quotes = 0;
        while (open + quotes < s.Length && s[open + quotes] == '"') quotes++;
        // A raw string literal (C# 11) opens with three or more quotes and closes with as many.
        if (quotes >= 3) return EndOf(s, new string('"', quotes), open + quotes);
        if (quotes == 2) return open + 2; // ""
        for (var j = open + 1; j < s.Length; j++)
        {
            if (verbatim && s[j] == '"' && Next(s, j) == '"') { j++; continue; }
            if (!verbatim && s[j] == '\\') { j++; continue; }
            if (s[j] == '"') return j + 1;
        }
        return s.Length;
    }
}
