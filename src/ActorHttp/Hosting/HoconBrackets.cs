namespace ActorHttp.Hosting;

/// <summary>
/// Finds a bracket of HOCON text that closes what it did not open (a list closed by '}'), before Akka's parser sees
/// it: that parser never returns on such input, so the host would wait out its parse timeout to say so. Outside
/// quoted strings and comments, '{', '}', '[' and ']' are always structure (HOCON forbids them in unquoted strings);
/// a substitution's <c>${...}</c> is balanced like an object.
/// </summary>
public static class HoconBrackets
{
    /// <summary>A description of the first bracket that closes the wrong thing, or null when none does.</summary>
    public static string? FirstMismatch(string text)
    {
        var open = new Stack<char>();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                i = EndOfString(text, i);
            }
            else if (c == '#' || (c == '/' && i + 1 < text.Length && text[i + 1] == '/'))
            {
                var end = text.IndexOf('\n', i);
                i = end < 0 ? text.Length : end;
            }
            else if (c is '{' or '[')
            {
                open.Push(c);
            }
            else if (c is '}' or ']')
            {
                var expected = c == '}' ? '{' : '[';
                if (open.Count > 0 && open.Peek() == expected) open.Pop();
                else return open.Count > 0 ? $"'{c}' closes a '{open.Peek()}'" : $"'{c}' closes nothing";
            }
        }
        return null;
    }

    /// <summary>The index of the quote that ends the string starting at <paramref name="start"/> (or the text's end).</summary>
    private static int EndOfString(string text, int start)
    {
        // A triple-quoted string has no escapes and ends at the first """ (more quotes before it belong to it).
        if (string.CompareOrdinal(text, start, "\"\"\"", 0, 3) == 0)
        {
            var end = text.IndexOf("\"\"\"", start + 3, StringComparison.Ordinal);
            if (end < 0) return text.Length;
            while (end + 3 < text.Length && text[end + 3] == '"') end++;
            return end + 2;
        }
        for (var i = start + 1; i < text.Length; i++)
        {
            if (text[i] == '\\') i++;
            else if (text[i] == '"' || text[i] == '\n') return i;
        }
        return text.Length;
    }
}
