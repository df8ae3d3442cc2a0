using ActorHttp.Http;

namespace ActorHttp.Files;

/// <summary>
/// One version of one file as this server describes it: validators, type, and — for a small file —
/// its bytes. Immutable apart from the cache's last-use stamp; the full 200 response is built once.
/// </summary>
public sealed class FileRepresentation
{
    private static readonly HttpHeader VaryAcceptEncoding = new("Vary", "Accept-Encoding");

    /// <summary>Describes a file; <paramref name="content"/> is null for a file streamed from disk.</summary>
    public FileRepresentation(string fullPath, long length, DateTime lastWriteUtc, DateTime nowUtc, string contentType, byte[]? content)
        : this(fullPath, length, length, lastWriteUtc, nowUtc, contentType, content, ContentCoding.Identity,
            EntityTags.ForFile(length, lastWriteUtc), varies: false)
    {
    }

    private FileRepresentation(string fullPath, long sourceLength, long length, DateTime lastWriteUtc, DateTime nowUtc,
        string contentType, byte[]? content, ContentCoding coding, string etag, bool varies, int? streamLevel = null)
    {
        FullPath = fullPath;
        SourceLength = sourceLength;
        Length = length;
        LastWriteUtc = lastWriteUtc;
        NowUtc = nowUtc;
        ContentType = contentType;
        Content = content;
        Coding = coding;
        Varies = varies;
        ETag = etag;
        _streamLevel = streamLevel;
        // RFC 9110 §8.8.2.1: a Last-Modified later than the response's Date (a clock-skewed mtime) is
        // replaced by the current time. HTTP-dates have whole seconds, so comparisons use that precision.
        LastModified = HttpDate.TruncateToSeconds(lastWriteUtc <= nowUtc ? lastWriteUtc : nowUtc);
        LastModifiedText = HttpDate.Format(LastModified);
        Full = new HttpResponse(200, Headers(), Body(0, length));
    }

    /// <summary>
    /// A precompressed sibling (<c>app.js.br</c>) as the representation of its original in <paramref name="coding"/>:
    /// the sibling's bytes, streamed from disk unchanged, under the original's Content-Type, with an entity-tag of
    /// the sibling's own length and time marked with the coding, so it never equals the identity tag.
    /// </summary>
    public static FileRepresentation Sibling(string siblingPath, long length, DateTime lastWriteUtc, DateTime nowUtc,
        string contentType, ContentCoding coding) =>
        new(siblingPath, length, length, lastWriteUtc, nowUtc, contentType, null, coding,
            EntityTags.WithCoding(EntityTags.ForFile(length, lastWriteUtc), coding), varies: true);

    /// <summary>
    /// This small file compressed on the fly: the compressed bytes, cached beside the identity bytes under
    /// <see cref="CacheKey"/>, revalidated against this file's length and time, with this file's tag marked with
    /// the coding (as Apache's mod_deflate marks it).
    /// </summary>
    public FileRepresentation Encoded(ContentCoding coding, byte[] compressed) =>
        new(FullPath, Length, compressed.Length, LastWriteUtc, NowUtc, ContentType, compressed, coding,
            EntityTags.WithCoding(ETag, coding), varies: true);

    /// <summary>
    /// This large file compressed chunk by chunk as it is sent, in <paramref name="coding"/> at <paramref name="level"/>:
    /// its coded length is unknown, so it goes out chunked. Its tag is this file's marked with the coding and weak
    /// (RFC 9110 §8.8.1): the bytes depend on the encoder's level and version as well as on the file, and Range,
    /// which would need a strong tag, is answered from the file itself anyway.
    /// </summary>
    public FileRepresentation CompressedAsItStreams(ContentCoding coding, int level) =>
        new(FullPath, Length, Length, LastWriteUtc, NowUtc, ContentType, null, coding,
            "W/" + EntityTags.WithCoding(ETag, coding), varies: true, streamLevel: level);

    /// <summary>The same file with or without <c>Vary: Accept-Encoding</c> on its responses.</summary>
    public FileRepresentation WithVary(bool varies) =>
        varies == Varies ? this : new(FullPath, SourceLength, Length, LastWriteUtc, NowUtc, ContentType, Content, Coding, ETag, varies, _streamLevel);

    public string FullPath { get; }
    /// <summary>The length of the file on disk this was made from: <see cref="Length"/> unless compressed on the fly.</summary>
    public long SourceLength { get; }
    /// <summary>The length of the body sent.</summary>
    public long Length { get; }
    public DateTime LastWriteUtc { get; }
    public string ContentType { get; }
    /// <summary>The coding of the body (Content-Encoding); identity for the file's own bytes.</summary>
    public ContentCoding Coding { get; }
    /// <summary>True when responses carry <c>Vary: Accept-Encoding</c>: another coding of this file could be sent.</summary>
    public bool Varies { get; }
    /// <summary>The small-file cache's key: the path, and the coding for a copy compressed on the fly.</summary>
    public string CacheKey => CacheKeyOf(FullPath, Coding);

    /// <summary>
    /// The cache key of a file's bytes in a coding: the path alone for identity, else the path, a NUL (which no path
    /// holds) and the coding, so no file's key can equal a compressed copy's.
    /// </summary>
    public static string CacheKeyOf(string fullPath, ContentCoding coding) =>
        coding == ContentCoding.Identity ? fullPath : fullPath + "\0" + coding.Token();
    /// <summary>The whole file, or null when it is served from disk.</summary>
    public byte[]? Content { get; }
    public string ETag { get; }
    /// <summary>The Last-Modified instant, in whole seconds.</summary>
    public DateTime LastModified { get; }
    public string LastModifiedText { get; }
    /// <summary>The unconditional 200 response: shared by every request for this version of the file.</summary>
    public HttpResponse Full { get; }

    // The encoder's level when this coding is made as the file streams; null when the body is bytes as they are.
    private readonly int? _streamLevel;

    // The instant this was described at, kept so that a variant made later shows the same Last-Modified.
    private DateTime NowUtc { get; }

    /// <summary>When the cache last handed this out, in <see cref="TimeProvider"/> timestamp units.</summary>
    internal long LastUsed;

    /// <summary>True when this describes the file with that length and modification time.</summary>
    public bool Describes(long length, DateTime lastWriteUtc) => SourceLength == length && LastWriteUtc == lastWriteUtc;

    /// <summary>206 with the given part (RFC 9110 §15.3.7): a slice of the cached bytes, or a region of the file.</summary>
    public HttpResponse Partial(ByteRange range) =>
        new(206, Headers(new HttpHeader("Content-Range", range.ToContentRange(Length))), Body(range.Offset, range.Count));

    /// <summary>
    /// 304 (RFC 9110 §15.4.5): the validators a 200 would carry and no representation metadata, so a
    /// cache can update its stored headers; there is no Cache-Control to repeat, and Vary is repeated as
    /// §15.4.5 requires of a field the 200 would carry.
    /// </summary>
    public HttpResponse NotModified() =>
        new(304, new HttpHeaders(Varies
                ? new[] { new HttpHeader("Last-Modified", LastModifiedText), new HttpHeader("ETag", ETag), VaryAcceptEncoding }
                : new[] { new HttpHeader("Last-Modified", LastModifiedText), new HttpHeader("ETag", ETag) }),
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

    private ResponseBody Body(long offset, long count) =>
        Content is not null ? new ResponseBody.Bytes(new ReadOnlyMemory<byte>(Content, (int)offset, (int)count))
        : _streamLevel is { } level ? new ResponseBody.Compressed(new ResponseBody.File(FullPath, offset, count), Coding, level, FlushEachElement: false)
        : new ResponseBody.File(FullPath, offset, count);

    private HttpHeaders Headers(HttpHeader? extra = null)
    {
        var fields = new List<HttpHeader>(7)
        {
            new("Content-Type", ContentType),
            new("Last-Modified", LastModifiedText),
            new("ETag", ETag),
            // RFC 9110 §14.3: tells clients a download can be resumed with Range.
            new("Accept-Ranges", "bytes"),
        };
        if (Coding != ContentCoding.Identity) fields.Add(new HttpHeader("Content-Encoding", Coding.Token()));
        // RFC 9110 §12.5.5: a response chosen by Accept-Encoding says so, identity included, so that a
        // shared cache does not hand a br body to a client that asked for none.
        if (Varies) fields.Add(VaryAcceptEncoding);
        if (extra is { } field) fields.Add(field);
        return new HttpHeaders(fields.ToArray());
    }
}
