using ActorHttp.Http;

namespace ActorHttp.Files;

/// <summary>The outcome of evaluating a request's preconditions against the current representation.</summary>
public enum PreconditionResult
{
    /// <summary>No precondition failed: serve the request normally.</summary>
    Proceed,
    /// <summary>304: the client's cached copy is current (GET/HEAD only).</summary>
    NotModified,
    /// <summary>412: a precondition the client demanded does not hold.</summary>
    PreconditionFailed,
}

/// <summary>
/// The request fields that make a static-file response conditional or partial, collected in one pass
/// over the headers. List fields sent on several lines are joined (RFC 9110 §5.3); a singleton field
/// sent twice is invalid and recorded as such.
/// </summary>
public readonly record struct ConditionalHeaders(
    string? IfMatch,
    string? IfNoneMatch,
    string? IfModifiedSince,
    string? IfUnmodifiedSince,
    string? Range,
    string? IfRange,
    bool RangeRepeated,
    bool IfRangeRepeated)
{
    /// <summary>Reads the six fields from the request headers.</summary>
    public static ConditionalHeaders From(HttpHeaders headers)
    {
        string? ifMatch = null, ifNoneMatch = null, ifModifiedSince = null, ifUnmodifiedSince = null, range = null, ifRange = null;
        bool rangeRepeated = false, ifRangeRepeated = false, imsRepeated = false, iusRepeated = false;
        for (var i = 0; i < headers.Count; i++)
        {
            var (name, value) = headers[i];
            // Every field of interest starts with 'I' or 'R'; most request headers are skipped on one char.
            if (name.Length < 5 || (name[0] | 0x20) is not ('i' or 'r')) continue;
            if (Is(name, "If-Match")) ifMatch = ifMatch is null ? value : ifMatch + ", " + value;
            else if (Is(name, "If-None-Match")) ifNoneMatch = ifNoneMatch is null ? value : ifNoneMatch + ", " + value;
            else if (Is(name, "If-Modified-Since")) { imsRepeated = ifModifiedSince is not null; ifModifiedSince = value; }
            else if (Is(name, "If-Unmodified-Since")) { iusRepeated = ifUnmodifiedSince is not null; ifUnmodifiedSince = value; }
            else if (Is(name, "Range")) { rangeRepeated = range is not null; range = value; }
            else if (Is(name, "If-Range")) { ifRangeRepeated = ifRange is not null; ifRange = value; }
        }
        // §13.1.3/§13.1.4: a date field with more than one member is ignored, as if absent.
        return new ConditionalHeaders(ifMatch, ifNoneMatch, imsRepeated ? null : ifModifiedSince,
            iusRepeated ? null : ifUnmodifiedSince, range, ifRange, rangeRepeated, ifRangeRepeated);
    }

    private static bool Is(string name, string field) => string.Equals(name, field, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Conditional request evaluation for a static file (RFC 9110 §13).</summary>
public static class Preconditions
{
    /// <summary>
    /// Evaluates If-Match, If-Unmodified-Since, If-None-Match and If-Modified-Since in the order of
    /// RFC 9110 §13.2.2 against the representation's <paramref name="etag"/> (strong, or weak for a coding made as it streams) and its
    /// <paramref name="lastModified"/> time (whole seconds, as sent in Last-Modified).
    /// </summary>
    public static PreconditionResult Evaluate(string method, in ConditionalHeaders h, string etag, DateTime lastModified)
    {
        var safe = method is "GET" or "HEAD";

        // Step 1: If-Match uses the strong comparison (§13.1.1).
        if (h.IfMatch is not null)
        {
            if (!EntityTags.ListMatches(h.IfMatch, etag, weakComparison: false)) return PreconditionResult.PreconditionFailed;
        }
        // Step 2: If-Unmodified-Since only when If-Match is absent; an invalid date is ignored (§13.1.4).
        else if (HttpDate.TryParse(h.IfUnmodifiedSince, out var unmodifiedSince) && lastModified > unmodifiedSince)
        {
            return PreconditionResult.PreconditionFailed;
        }

        // Step 3: If-None-Match uses the weak comparison (§13.1.2); a match means "not modified" for
        // GET/HEAD and a failed precondition for any other method.
        if (h.IfNoneMatch is not null)
        {
            if (EntityTags.ListMatches(h.IfNoneMatch, etag, weakComparison: true))
                return safe ? PreconditionResult.NotModified : PreconditionResult.PreconditionFailed;
        }
        // Step 4: If-Modified-Since only for GET/HEAD without If-None-Match; invalid dates are ignored (§13.1.3).
        else if (safe && HttpDate.TryParse(h.IfModifiedSince, out var modifiedSince) && lastModified <= modifiedSince)
        {
            return PreconditionResult.NotModified;
        }

        return PreconditionResult.Proceed;
    }

    /// <summary>
    /// RFC 9110 §13.1.5: whether a Range request may be answered with a part of the current representation.
    /// True without If-Range. An entity-tag must match strongly (a weak tag never does); an HTTP-date must
    /// equal Last-Modified exactly, and only counts when Last-Modified is a strong validator, i.e. at least
    /// one second older than the response (§8.8.2.2) — otherwise two writes in one second could splice
    /// two versions of a file together. Anything else makes the server ignore Range and send the whole file.
    /// </summary>
    public static bool IfRangeHolds(string? ifRange, string etag, DateTime lastModified, bool lastModifiedIsStrong)
    {
        if (ifRange is null) return true;
        var value = ifRange.AsSpan().Trim(" \t");
        if (value.StartsWith("W/", StringComparison.Ordinal)) return false;
        if (value.Length > 0 && value[0] == '"') return value.SequenceEqual(etag);
        return lastModifiedIsStrong && HttpDate.TryParse(ifRange, out var date) && date == lastModified;
    }
}
