using ActorHttp.Http;

namespace ActorHttp.Files;

/// <summary>
/// One version of one file as this server describes it: validators, type, and — for a small file —
/// its bytes. Immutable apart from the cache's last-use stamp; the full 200 response is built once.
/// </summary>
public sealed class FileRepresentation
{
    /// <summary>Describes a file; <paramref name="content"/> is null for a file streamed from disk.</summary>
    public FileRepresentation(string fullPath, long length, DateTime lastWriteUtc, DateTime nowUtc, string contentType, byte[]? content)
    {
        FullPath = fullPath;
        Length = length;
        LastWriteUtc = lastWriteUtc;
        ContentType = contentType;
        Content = content;
        ETag = EntityTags.ForFile(length, lastWriteUtc);
        // RFC 9110 §8.8.2.1: a Last-Modified later than the response's Date (a clock-skewed mtime) is
        // replaced by the current time. HTTP-dates have whole seconds, so comparisons use that precision.
        LastModified = HttpDate.TruncateToSeconds(lastWriteUtc <= nowUtc ? lastWriteUtc : nowUtc);
        LastModifiedText = HttpDate.Format(LastModified);
        Full = new HttpResponse(200, Headers(), Body(0, length));
    }

    public string FullPath { get; }
    public long Length { get; }
    public DateTime LastWriteUtc { get; }
    public string ContentType { get; }
    /// <summary>The whole file, or null when it is served from disk.</summary>
    public byte[]? Content { get; }
    public string ETag { get; }
    /// <summary>The Last-Modified instant, in whole seconds.</summary>
    public DateTime LastModified { get; }
    public string LastModifiedText { get; }
    /// <summary>The unconditional 200 response: shared by every request for this version of the file.</summary>
    public HttpResponse Full { get; }

    /// <summary>When the cache last handed this out, in <see cref="TimeProvider"/> timestamp units.</summary>
    internal long LastUsed;

    /// <summary>True when this describes the file with that length and modification time.</summary>
    public bool Describes(long length, DateTime lastWriteUtc) => Length == length && LastWriteUtc == lastWriteUtc;

    /// <summary>206 with the given part (RFC 9110 §15.3.7): a slice of the cached bytes, or a region of the file.</summary>
    public HttpResponse Partial(ByteRange range) =>
        new(206, Headers(new HttpHeader("Content-Range", range.ToContentRange(Length))), Body(range.Offset, range.Count));

    /// <summary>
    /// 304 (RFC 9110 §15.4.5): the validators a 200 would carry and no representation metadata, so a
    /// cache can update its stored headers; there is no Cache-Control to repeat.
    /// </summary>
    public HttpResponse NotModified() =>
        new(304, new HttpHeaders(new[] { new HttpHeader("Last-Modified", LastModifiedText), new HttpHeader("ETag", ETag) }),
            ResponseBody.None.Instance);

    /// <summary>416 (RFC 9110 §15.5.17): Content-Range tells the client the current length.</summary>
    public HttpResponse RangeNotSatisfiable() =>
        new(416, new HttpHeaders(new[]
        {
            new HttpHeader("Content-Range", ByteRange.Unsatisfied(Length)),
            new HttpHeader("Accept-Ranges", "bytes"),
        }), ResponseBody.None.Instance);

    /// <summary>This file's content with another status and only a Content-Type, e.g. the 404 page.</summary>
    public HttpResponse As(int status) =>
        new(status, new HttpHeaders(new[] { new HttpHeader("Content-Type", ContentType) }), Body(0, Length));

    private ResponseBody Body(long offset, long count) => Content is null
        ? new ResponseBody.File(FullPath, offset, count)
        : new ResponseBody.Bytes(new ReadOnlyMemory<byte>(Content, (int)offset, (int)count));

    private HttpHeaders Headers(HttpHeader? extra = null)
    {
        var fields = new HttpHeader[extra is null ? 4 : 5];
        fields[0] = new HttpHeader("Content-Type", ContentType);
        fields[1] = new HttpHeader("Last-Modified", LastModifiedText);
        fields[2] = new HttpHeader("ETag", ETag);
        // RFC 9110 §14.3: tells clients a download can be resumed with Range.
        fields[3] = new HttpHeader("Accept-Ranges", "bytes");
        if (extra is { } field) fields[4] = field;
        return new HttpHeaders(fields);
    }
}
