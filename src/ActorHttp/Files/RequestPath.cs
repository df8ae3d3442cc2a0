using System.Buffers;
using System.Text.Unicode;
using ActorHttp.Http;

namespace ActorHttp.Files;

/// <summary>How a request path relates to the document root, before the file system is consulted.</summary>
public enum PathOutcome
{
    /// <summary>A clean path below the root: look it up.</summary>
    Mapped,
    /// <summary>400: a malformed percent-escape, invalid UTF-8, a NUL byte, or a raw non-ASCII character.</summary>
    Malformed,
    /// <summary>400: more <c>..</c> segments than there are folders to climb — no browser sends this.</summary>
    AboveRoot,
    /// <summary>404: a hidden segment, a name longer than NAME_MAX, an encoded slash or a backslash, or not an origin-form path.</summary>
    NotServable,
}

/// <summary>
/// A request path decoded and normalised (RFC 3986 §5.2.4) into segments below the root.
/// <see cref="Segments"/> are decoded names; <see cref="Canonical"/> is the normalised path still
/// percent-encoded as received, starting with '/', for redirects. <see cref="DirectoryForm"/> is true
/// when the path ends in '/' (or in a dot-segment, which normalises to one).
/// </summary>
public sealed record RequestPath(PathOutcome Outcome, IReadOnlyList<string> Segments, string Canonical, bool DirectoryForm)
{
    private static readonly RequestPath Malformed = new(PathOutcome.Malformed, Array.Empty<string>(), "", false);
    private static readonly RequestPath AboveRoot = new(PathOutcome.AboveRoot, Array.Empty<string>(), "", false);
    private static readonly RequestPath NotServable = new(PathOutcome.NotServable, Array.Empty<string>(), "", false);

    /// <summary>
    /// Decodes each segment of the raw path once and removes dot-segments. Segments are decoded one at a
    /// time, so an encoded slash (%2F) can never become a separator; such a segment, a backslash (a
    /// separator on Windows, %5C or literal) and NUL (%00, which ends a name in the OS) are refused before
    /// anything reaches the file system. Decoded dots count as dots (%2e%2e is "..", RFC 3986 §2.3).
    /// Hidden and overlong names are judged after normalisation, so <c>/.git/../a</c> is just <c>/a</c>.
    /// </summary>
    public static RequestPath Map(string rawPath)
    {
        if (rawPath.Length == 0 || rawPath[0] != '/') return NotServable;

        var decoded = new List<string>();
        var raw = new List<string>();
        var directoryForm = false;
        var position = 1;
        while (true)
        {
            var slash = rawPath.IndexOf('/', position);
            var isLast = slash < 0;
            var segment = isLast ? rawPath.AsSpan(position) : rawPath.AsSpan(position, slash - position);

            if (segment.IsEmpty)
            {
                // "//" collapses like nginx's merge_slashes; an empty last segment is the trailing slash.
                directoryForm = isLast;
            }
            else
            {
                if (!TryDecode(segment, out var name)) return Malformed;
                if (name.Contains('\0')) return Malformed;
                if (name == ".")
                {
                    directoryForm = isLast;
                }
                else if (name == "..")
                {
                    if (decoded.Count == 0) return AboveRoot;
                    decoded.RemoveAt(decoded.Count - 1);
                    raw.RemoveAt(raw.Count - 1);
                    directoryForm = isLast;
                }
                else
                {
                    if (name.Contains('/') || name.Contains('\\')) return NotServable;
                    decoded.Add(name);
                    raw.Add(segment.ToString());
                    directoryForm = false;
                }
            }

            if (isLast) break;
            position = slash + 1;
        }

        foreach (var name in decoded)
        {
            if (name[0] == '.') return NotServable;
            // No file system holds a longer name: answered 404 without asking one (which fails with ENAMETOOLONG).
            if (!FileSystemWalk.IsPossibleName(name)) return NotServable;
        }

        return new RequestPath(PathOutcome.Mapped, decoded, "/" + string.Join('/', raw), directoryForm);
    }

    // pct-encoded = "%" HEXDIG HEXDIG (RFC 3986 §2.1); the octets must then be UTF-8. Overlong forms
    // such as %C0%AE (a disguised '.') are invalid UTF-8 and rejected by the strict decoder.
    private static bool TryDecode(ReadOnlySpan<char> segment, out string name)
    {
        name = "";
        foreach (var c in segment)
            if (c >= 0x80) return false; // RFC 3986 §2: a URI is ASCII; other characters arrive percent-encoded.

        if (segment.IndexOf('%') < 0)
        {
            name = segment.ToString();
            return true;
        }

        var rented = ArrayPool<byte>.Shared.Rent(segment.Length);
        var chars = ArrayPool<char>.Shared.Rent(segment.Length);
        try
        {
            var length = 0;
            for (var i = 0; i < segment.Length; i++)
            {
                var c = segment[i];
                if (c != '%')
                {
                    rented[length++] = (byte)c;
                    continue;
                }
                if (i + 2 >= segment.Length) return false;
                var high = CharClasses.HexValue(segment[i + 1]);
                var low = CharClasses.HexValue(segment[i + 2]);
                if (high < 0 || low < 0) return false;
                rented[length++] = (byte)(high << 4 | low);
                i += 2;
            }
            var status = Utf8.ToUtf16(rented.AsSpan(0, length), chars, out _, out var written, replaceInvalidSequences: false);
            if (status != OperationStatus.Done) return false;
            name = new string(chars, 0, written);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
