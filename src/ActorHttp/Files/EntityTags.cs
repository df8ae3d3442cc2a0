using ActorHttp.Http;

namespace ActorHttp.Files;

/// <summary>Entity-tag lists and their strong and weak comparison (RFC 9110 §8.8.3).</summary>
public static class EntityTags
{
    /// <summary>The strong validator this server sends for a file: its length and modification time, in hex.</summary>
    public static string ForFile(long length, DateTime lastWriteUtc) =>
        "\"" + length.ToString("x") + "-" + lastWriteUtc.Ticks.ToString("x") + "\"";

    /// <summary>
    /// The tag of <paramref name="identityTag"/>'s representation in another coding: "-br" or "-gz" before the closing
    /// quote (RFC 9110 §8.8.3: each coding is a different representation and needs a different strong tag).
    /// </summary>
    public static string WithCoding(string identityTag, ContentCoding coding) =>
        coding == ContentCoding.Identity ? identityTag : identityTag[..^1] + "-" + coding.FileSuffix()[1..] + "\"";

    /// <summary>
    /// True when the field value (<c>*</c> or a comma-separated list of entity-tags) holds a tag that
    /// matches <paramref name="current"/> (a tag including its quotes, after <c>W/</c> when weak). <c>*</c> matches
    /// any current representation (§13.1.1, §13.1.2). Elements that are not entity-tags are skipped.
    /// </summary>
    public static bool ListMatches(ReadOnlySpan<char> field, string current, bool weakComparison)
    {
        var trimmed = field.Trim(" \t");
        if (trimmed.Length == 1 && trimmed[0] == '*') return true;
        var currentWeak = current.StartsWith("W/", StringComparison.Ordinal);
        var opaque = currentWeak ? current.AsSpan(2) : current.AsSpan();

        var rest = field;
        while (!rest.IsEmpty)
        {
            rest = rest.TrimStart(" \t,");
            if (rest.IsEmpty) break;

            var weak = rest.StartsWith("W/", StringComparison.Ordinal);
            var tagStart = weak ? 2 : 0;
            if (rest.Length <= tagStart || rest[tagStart] != '"')
            {
                // Not an entity-tag: skip to the next list element.
                var comma = rest.IndexOf(',');
                if (comma < 0) break;
                rest = rest[(comma + 1)..];
                continue;
            }

            // etagc excludes DQUOTE but allows ',', so the closing quote, not a comma, ends the tag.
            var close = rest[(tagStart + 1)..].IndexOf('"');
            if (close < 0) break;
            var tag = rest.Slice(tagStart, close + 2);
            // §8.8.3.2: strong comparison needs both tags strong; weak comparison ignores W/.
            if ((weakComparison || !(weak || currentWeak)) && tag.SequenceEqual(opaque)) return true;
            rest = rest[(tagStart + close + 2)..];
        }
        return false;
    }
}
