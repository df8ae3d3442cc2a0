using ActorHttp.Http;

namespace ActorHttp.Files;

/// <summary>
/// The codings a static file can go out in (RFC 9110 §12.5.3): the precompressed siblings found beside it, the
/// copies of small cached files compressed once on the fly, and which of them a request gets. Owned by
/// <see cref="StaticFiles"/>, which looks files up; this class only chooses among what a lookup found.
/// </summary>
internal sealed class FileCodings
{
    private readonly CompressionSettings _compression;
    private readonly FileSystemWalk _walk;
    private readonly FileContentCache _cache;
    private readonly ContentTypes _contentTypes;
    private readonly TimeProvider _clock;

    public FileCodings(CompressionSettings compression, FileSystemWalk walk, FileContentCache cache, ContentTypes contentTypes, TimeProvider clock)
    {
        _compression = compression;
        _walk = walk;
        _cache = cache;
        _contentTypes = contentTypes;
        _clock = clock;
    }

    /// <summary>
    /// The representation to send (RFC 9110 §12.5.3): a precompressed sibling when the client accepts its coding,
    /// else the cached bytes compressed once on the fly when the file is small, of a compressible type and at
    /// least compression.min-length long, else the file itself. A Range request gets the file itself: a part of a
    /// coding made on the fly would depend on the encoder's settings, and one rule for both kinds is simpler to
    /// reason about than nginx's (which ignores Range on a gzip_static sibling).
    /// A large file of such a type is compressed as it streams, for HTTP/1.1 only: its coded length is unknown
    /// until the end, and an HTTP/1.0 client could only be given it by closing the connection after it.
    /// </summary>
    public FileRepresentation Choose(HttpRequest request, bool range, FileRepresentation[] siblings, FileRepresentation identity)
    {
        if (!identity.Varies || range) return identity;
        var onTheFly = CompressibleOnTheFly(identity) && (identity.Content is not null || request.Version == HttpVersion.Http11);
        var available = new List<ContentCoding>(_compression.Encodings.Count);
        foreach (var coding in _compression.Encodings)
            if (onTheFly || SiblingIn(siblings, coding) is not null) available.Add(coding);

        var chosen = AcceptEncoding.Negotiate(request.Headers.GetCombined("Accept-Encoding"), available);
        if (chosen == ContentCoding.Identity) return identity;
        // A sibling made ahead of time is preferred: it is usually compressed harder than the fly allows.
        return SiblingIn(siblings, chosen)
            ?? (identity.Content is null ? identity.CompressedAsItStreams(chosen, _compression.StreamLevel(chosen)) : Compressed(identity, chosen));
    }

    private static FileRepresentation? SiblingIn(FileRepresentation[] siblings, ContentCoding coding)
    {
        foreach (var sibling in siblings)
            if (sibling.Coding == coding) return sibling;
        return null;
    }

    // A small file's cached bytes are compressed once; a large file, which is never held whole, as it streams.
    private bool CompressibleOnTheFly(FileRepresentation file) =>
        file.Length >= _compression.MinLength && _compression.IsCompressible(file.ContentType);

    // The copy in that coding, compressed on first use and kept in the cache beside the file's own bytes, counted
    // against the same budget. Concurrent first requests may both compress; the later copy replaces the earlier.
    private FileRepresentation Compressed(FileRepresentation identity, ContentCoding coding)
    {
        var cached = _cache.Get(FileRepresentation.CacheKeyOf(identity.FullPath, coding), identity.SourceLength, identity.LastWriteUtc);
        if (cached is not null) return cached;
        byte[] compressed;
        try
        {
            compressed = Compressor.Compress(identity.Content!, coding, _compression);
        }
        catch (ArgumentOutOfRangeException)
        {
            // Past the encoder's length bound (a small-file-limit near 2 GiB): the file itself is still acceptable.
            return identity;
        }
        var encoded = identity.Encoded(coding, compressed);
        _cache.Put(encoded);
        return encoded;
    }


    // The precompressed files beside this one, as nginx's gzip_static finds them: "app.js.br" and "app.js.gz" in
    // the same folder, regular files, in the configured codings, and not older than the file itself (an older one
    // was made from an older version). Found by the same walk as any request path, so a link out of the root is
    // never followed. Looked for again whenever the file's own lookup is.
    public FileRepresentation[] SiblingsOf(FoundEntry found)
    {
        if (!_compression.Enabled || !_compression.Precompressed) return Array.Empty<FileRepresentation>();
        var folder = Path.GetDirectoryName(found.FullPath)!;
        var name = Path.GetFileName(found.FullPath);
        List<FileRepresentation>? siblings = null;
        foreach (var coding in _compression.Encodings)
        {
            var sibling = _walk.Find(folder, new[] { name + coding.FileSuffix() });
            if (sibling is null || sibling.IsDirectory || sibling.LastWriteUtc < found.LastWriteUtc) continue;
            (siblings ??= new()).Add(FileRepresentation.Sibling(sibling.FullPath, sibling.Length, sibling.LastWriteUtc,
                _clock.GetUtcNow().UtcDateTime, _contentTypes.For(found.FullPath), coding));
        }
        return siblings?.ToArray() ?? Array.Empty<FileRepresentation>();
    }

    // True when another coding of the file could be sent, so that every response for it, identity included,
    // carries Vary: Accept-Encoding (RFC 9110 §12.5.5).
    public bool Negotiable(FileRepresentation file, FileRepresentation[] siblings) =>
        _compression.Enabled && (siblings.Length > 0 || CompressibleOnTheFly(file));
}
