using ActorHttp.Http;

namespace ActorHttp.Files;

/// <summary>
/// Serves files below the document root. Thread-safe: one instance per server, called synchronously
/// by every connection actor. A request costs a dictionary lookup and, for a small file, a cache hit;
/// the file system is consulted again for a path only after <see cref="StatLifetime"/>, so a file
/// changed on disk is served in its new form, with a new ETag, within that time.
/// </summary>
public sealed class StaticFiles
{
    /// <summary>How long what a path resolved to (and its size and mtime) is trusted without a new stat.</summary>
    public static readonly TimeSpan StatLifetime = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The memory, estimated, that what request paths resolved to may hold: 404s included, so random paths from
    /// a scanner cannot grow it, and counted in bytes because a path can be as long as the request line allows
    /// (8 KiB by default, 16 KiB as UTF-16, plus the full path of what it found). Over 10,000 short paths fit;
    /// past the budget, remembered lookups are dropped and made again by the next request for them. The names
    /// the server serves itself (the 404 page, the hello page) have a table of their own with the same budget,
    /// so the ceiling for both is twice this.
    /// </summary>
    internal const long MaxRememberedBytes = 4 * 1024 * 1024;

    // One remembered lookup beyond its strings, estimated for 64-bit .NET: the dictionary's node and bucket
    // (about 56 bytes), the Lookup (56) and its FoundEntry (48). A string costs about 24 bytes plus two per
    // character. A large file's lookup also keeps its FileRepresentation: the 200 response, its headers and their
    // strings, charged as a whole.
    private const long LookupOverhead = 160;
    private const long LargeFileOverhead = 1024;

    private static readonly HttpResponse BadRequest =
        HttpResponse.Text(400, "Bad Request: the request path is not a valid percent-encoded path.\n");

    private static readonly HttpResponse Forbidden = HttpResponse.Text(403, "Forbidden\n");

    // RFC 9110 §15.5.6: a 405 must list the methods the resource supports.
    private static readonly HttpResponse MethodNotAllowed = HttpResponse.Empty(405).WithHeader("Allow", "GET, HEAD");

    private static readonly HttpResponse PreconditionFailed = HttpResponse.Empty(412);

    // Declared before the lookups that use it: static fields are initialised in order.
    private static readonly FileRepresentation[] NoSiblings = Array.Empty<FileRepresentation>();
    private static readonly Lookup BadRequestLookup = new(LookupKind.BadRequest, null, null, null, NoSiblings, 0);
    private static readonly Lookup NotServableLookup = new(LookupKind.NotFound, null, null, null, NoSiblings, 0);

    private readonly StaticFileSettings _settings;
    private readonly FileCodings _codings;
    private readonly FileSystemAccess _access;
    private readonly FileSystemWalk _walk;
    private readonly ContentTypes _contentTypes;
    private readonly FileContentCache _cache;
    private readonly TimeProvider _clock;
    private readonly long _statLifetime;
    private readonly BoundedTable<Lookup> _paths = new(MaxRememberedBytes, EstimatedBytes);
    private readonly BoundedTable<Lookup> _named = new(MaxRememberedBytes, EstimatedBytes);
    private readonly Func<string, long, Lookup> _resolveRequestPath;
    private readonly Func<string, long, Lookup> _resolveNamedPath;
    private readonly long _smallFileLimit;

    /// <summary>Serves files from <see cref="StaticFileSettings.Root"/>, which must be an existing directory.</summary>
    public StaticFiles(StaticFileSettings settings) : this(settings, TimeProvider.System) { }

    /// <summary>The same, on a given clock (tests move it instead of sleeping).</summary>
    internal StaticFiles(StaticFileSettings settings, TimeProvider clock) : this(settings, clock, FileSystemAccess.Real) { }

    /// <summary>The same, meeting the file system through <paramref name="access"/> (specs refuse with it as the kernel would).</summary>
    internal StaticFiles(StaticFileSettings settings, TimeProvider clock, FileSystemAccess access)
    {
        _settings = settings;
        _clock = clock;
        _access = access;
        _walk = new FileSystemWalk(settings.Root, access);
        _contentTypes = new ContentTypes(settings.ContentTypeOverrides);
        _cache = new FileContentCache(settings.CacheMaxBytes, clock);
        _codings = new FileCodings(settings.Compression, _walk, _cache, _contentTypes, clock);
        _statLifetime = (long)(StatLifetime.TotalSeconds * clock.TimestampFrequency);
        // A cached file is one array, so the limit cannot exceed what an array holds.
        _smallFileLimit = Math.Min(settings.SmallFileLimit, Array.MaxLength);
        // Built once: converting a method group to a delegate on every request would allocate.
        _resolveRequestPath = ResolveRequestPath;
        _resolveNamedPath = ResolveNamedPath;
    }

    /// <summary>The real full path of the document root.</summary>
    public string Root => _walk.Root;

    /// <summary>The small-file cache (exposed for tests and metrics).</summary>
    public FileContentCache Cache => _cache;

    /// <summary>The request paths whose lookups are remembered now (for tests).</summary>
    internal IEnumerable<string> RememberedPaths => _paths.Keys;

    /// <summary>The estimated bytes the remembered request-path lookups hold now (for tests).</summary>
    internal long RememberedPathBytes => _paths.Bytes;

    /// <summary>
    /// Serves the request for its raw, still percent-encoded <see cref="HttpRequest.Path"/>: 200, 206,
    /// 301 (directory without its slash), 304, 400 (malformed path), 405 (not GET/HEAD), 412 or 416.
    /// Date, Content-Length and Connection are left to the writer. Null when the path maps to no file.
    /// HEAD gets exactly GET's response; the connection layer drops the body (RFC 9110 §9.3.2).
    /// </summary>
    public HttpResponse? TryServe(HttpRequest request) => Serve(request, BadRequest);

    /// <summary>
    /// What <see cref="TryServe"/> answers when a file, a directory or a directory's index is at the path; null
    /// otherwise, a path that is not a valid file path included. For a GET or HEAD that routes take only for
    /// other methods: a route's path may hold what its handler understands and no file path can (a template
    /// value such as <c>100%</c>), so such a path gets the routes' 405 rather than the static files' 400.
    /// One lookup either way, remembered like any other.
    /// </summary>
    public HttpResponse? TryServeFound(HttpRequest request) => Serve(request, badRequest: null);

    private HttpResponse? Serve(HttpRequest request, HttpResponse? badRequest)
    {
        var lookup = Find(_paths, request.Path, _resolveRequestPath);
        switch (lookup.Kind)
        {
            case LookupKind.BadRequest: return badRequest;
            case LookupKind.NotFound: return null;
        }

        // RFC 9110 §13.2.1: preconditions are ignored when the unconditional response would not be
        // 2xx/412, so a method static files do not support gets its 405 before any of them is looked at.
        if (request.Method is not ("GET" or "HEAD")) return MethodNotAllowed;
        if (lookup.Kind == LookupKind.Forbidden) return Forbidden;

        if (lookup.Kind == LookupKind.Redirect)
        {
            // RFC 9110 §15.4.2: relative references in the directory's index resolve against the slash form.
            var location = request.Query.Length == 0 ? lookup.Location! : lookup.Location + "?" + request.Query;
            return HttpResponse.Empty(301).WithHeader("Location", location);
        }

        var file = Representation(_paths, request.Path, lookup, out var deleted);
        if (file is null) return deleted ? null : Forbidden;
        var conditions = ConditionalHeaders.From(request.Headers);
        return Respond(request, conditions, _codings.Choose(request, conditions.Range is not null, lookup.Siblings, file));
    }

    /// <summary>
    /// The file at <paramref name="relativePath"/> below the root ('/'-separated, not percent-encoded),
    /// with the given status and its Content-Type — e.g. "404.html" as the body of every 404. It carries
    /// no validators, which would describe the error page rather than the missing resource. HEAD gets the
    /// same response (the connection layer drops the body). Null when the file does not exist.
    /// </summary>
    public HttpResponse? ServeFileAs(string relativePath, int status, HttpRequest request)
    {
        var lookup = Find(_named, relativePath, _resolveNamedPath);
        if (lookup.Kind != LookupKind.File) return null;
        return Representation(_named, relativePath, lookup, out _)?.As(status);
    }

    private HttpResponse Respond(HttpRequest request, in ConditionalHeaders conditions, FileRepresentation file)
    {
        switch (Preconditions.Evaluate(request.Method, conditions, file.ETag, file.LastModified))
        {
            case PreconditionResult.NotModified: return file.NotModified();
            case PreconditionResult.PreconditionFailed: return PreconditionFailed;
        }

        // RFC 9110 §14.2: GET is the only method with range handling; a repeated Range or If-Range is
        // invalid and ignored, which means the whole file.
        if (request.Method != "GET" || conditions.Range is null || conditions.RangeRepeated || conditions.IfRangeRepeated)
            return file.Full;

        // §8.8.2.2: Last-Modified is a strong validator only once a second has passed since the write.
        var now = _clock.GetUtcNow().UtcDateTime;
        var dateIsStrong = now - file.LastWriteUtc >= TimeSpan.FromSeconds(1);
        if (!Preconditions.IfRangeHolds(conditions.IfRange, file.ETag, file.LastModified, dateIsStrong))
            return file.Full;

        return ByteRanges.Parse(conditions.Range, file.Length, out var range) switch
        {
            RangeKind.Satisfiable => file.Partial(range),
            RangeKind.Unsatisfiable => file.RangeNotSatisfiable(),
            // Invalid syntax is ignored; several ranges get the whole file (see ByteRanges).
            _ => file.Full,
        };
    }

    private Lookup Find(BoundedTable<Lookup> table, string key, Func<string, long, Lookup> resolve)
    {
        var now = _clock.GetTimestamp();
        if (table.TryGetValue(key, out var known) && now - known.CheckedAt < _statLifetime) return known;

        var fresh = resolve(key, now);
        // Answers found without the file system are cheap to recompute; only walks are remembered.
        if (fresh.Kind is LookupKind.BadRequest || ReferenceEquals(fresh, NotServableLookup)) return fresh;
        table.Set(key, fresh);
        return fresh;
    }

    private static long EstimatedBytes(string key, Lookup lookup) =>
        LookupOverhead + StringBytes(key) + StringBytes(lookup.Found?.FullPath) + StringBytes(lookup.Location)
        + (lookup.Large is null ? 0 : LargeFileOverhead + StringBytes(lookup.Large.FullPath))
        + lookup.Siblings.Sum(sibling => LargeFileOverhead + StringBytes(sibling.FullPath));

    private static long StringBytes(string? text) => text is null ? 0 : 24 + 2L * text.Length;

    private Lookup ResolveRequestPath(string rawPath, long now)
    {
        var path = RequestPath.Map(rawPath);
        switch (path.Outcome)
        {
            case PathOutcome.Malformed:
            case PathOutcome.AboveRoot:
                return BadRequestLookup;
            case PathOutcome.NotServable:
                return NotServableLookup;
        }
        try
        {
            return Resolve(path, now);
        }
        catch (UnauthorizedAccessException)
        {
            // EACCES: a folder on the way may not be searched (so its index may not be seen either), or a large
            // file may not be opened. nginx answers 403 for these, as for a small file it may not read.
            return Lookup.Forbidden(now);
        }
    }

    private Lookup Resolve(RequestPath path, long now)
    {
        var found = _walk.Find(_walk.Root, path.Segments);
        if (found is null) return Lookup.NotFound(now);
        if (!found.IsDirectory)
            // "/file.html/" names a directory that is not there (nginx: ENOTDIR, 404).
            return path.DirectoryForm ? Lookup.NotFound(now) : FileLookup(found, now);

        // RFC 9110 §15.4.2: the slash form is the directory's URL; the canonical path drops dot-segments
        // and doubled slashes, so the Location can never be a scheme-relative "//host".
        if (!path.DirectoryForm) return new Lookup(LookupKind.Redirect, null, path.Canonical + "/", null, NoSiblings, now);

        foreach (var index in _settings.IndexFiles)
        {
            var indexFile = _walk.Find(found.FullPath, new[] { index });
            if (indexFile is { IsDirectory: false }) return FileLookup(indexFile, now);
        }
        return Lookup.NotFound(now);
    }

    private Lookup ResolveNamedPath(string relativePath, long now)
    {
        var names = relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        // The server names these files itself; a dot-segment would be a configuration mistake, not a file.
        if (names.Any(n => n is "." or "..")) return Lookup.NotFound(now);
        try
        {
            var found = _walk.Find(_walk.Root, names);
            return found is { IsDirectory: false } ? FileLookup(found, now) : Lookup.NotFound(now);
        }
        catch (UnauthorizedAccessException)
        {
            return Lookup.NotFound(now); // an error page the server may not read: the plain one instead
        }
    }

    private Lookup FileLookup(FoundEntry found, long now)
    {
        var siblings = _codings.SiblingsOf(found);
        // A large file's representation holds no content, so the lookup may keep it; a small file's
        // bytes live only in the bounded cache.
        FileRepresentation? large = null;
        if (found.Length > _smallFileLimit)
        {
            // Streamed later, so opened once now: a file the server may not read is 403 before any of it is promised.
            try
            {
                _access.OpenRead(found.FullPath).Dispose();
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return Lookup.NotFound(now); // deleted since the stat
            }
            large = Describe(found.FullPath, found.Length, found.LastWriteUtc, null, siblings);
        }
        return new Lookup(LookupKind.File, found, null, large, siblings, now);
    }

    // Null when the file cannot be read: deleted since the stat (then 404), or not readable by this
    // process (then 403, as nginx answers EACCES).
    private FileRepresentation? Representation(BoundedTable<Lookup> table, string key, Lookup lookup, out bool deleted)
    {
        deleted = false;
        if (lookup.Large is not null) return lookup.Large;
        var found = lookup.Found!;
        var cached = _cache.Get(found.FullPath, found.Length, found.LastWriteUtc);
        if (cached is not null)
        {
            // Siblings may have appeared or gone since the bytes were cached: Vary follows them.
            var negotiable = _codings.Negotiable(cached, lookup.Siblings);
            if (negotiable == cached.Varies) return cached;
            cached = cached.WithVary(negotiable);
            _cache.Put(cached);
            return cached;
        }
        if (found.Length == 0)
        {
            // Nothing to read — and FIFOs and device nodes, which .NET reports as empty regular files,
            // are never opened: opening a FIFO blocks until a writer appears.
            var empty = Describe(found.FullPath, 0, found.LastWriteUtc, Array.Empty<byte>(), lookup.Siblings);
            _cache.Put(empty);
            return empty;
        }

        FileRepresentation loaded;
        try
        {
            loaded = Load(found.FullPath, lookup.Siblings);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // Deleted since the stat: remember that, and answer as the next stat would.
            table.Set(key, Lookup.NotFound(lookup.CheckedAt));
            deleted = true;
            return null;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return null;
        }

        // The file changed between the stat and the read: describe what was read, and make the remembered
        // lookup agree so the next request finds the cached bytes instead of reading again.
        if (!loaded.Describes(found.Length, found.LastWriteUtc))
        {
            var current = new FoundEntry(found.FullPath, false, loaded.Length, loaded.LastWriteUtc);
            table.Set(key, new Lookup(LookupKind.File, current, null, loaded.Content is null ? loaded : null, lookup.Siblings, lookup.CheckedAt));
        }
        return loaded;
    }

    // Reads a small file whole, with length and mtime taken from the open handle so they describe the
    // bytes read. A file being written meanwhile shows as a changed length or mtime: it is read again,
    // and after three tries served as read but not cached (the next stat will bring the final version).
    private FileRepresentation Load(string fullPath, FileRepresentation[] siblings)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var handle = _access.OpenRead(fullPath);
            var length = RandomAccess.GetLength(handle);
            var lastWrite = File.GetLastWriteTimeUtc(handle);
            if (length > _smallFileLimit) return Describe(fullPath, length, lastWrite, null, siblings);

            var content = new byte[length];
            var read = 0;
            while (read < content.Length)
            {
                var n = RandomAccess.Read(handle, content.AsSpan(read), read);
                if (n == 0) break;
                read += n;
            }
            var stable = read == length && RandomAccess.GetLength(handle) == length && File.GetLastWriteTimeUtc(handle) == lastWrite;
            if (!stable && attempt < 3) continue;

            if (stable)
            {
                var file = Describe(fullPath, length, lastWrite, content, siblings);
                _cache.Put(file);
                return file;
            }
            // Still changing: serve exactly the bytes read, uncached.
            if (read < content.Length) Array.Resize(ref content, read);
            return Describe(fullPath, read, lastWrite, content, siblings);
        }
    }

    private FileRepresentation Describe(string fullPath, long length, DateTime lastWriteUtc, byte[]? content, FileRepresentation[] siblings)
    {
        var file = new FileRepresentation(fullPath, length, lastWriteUtc, _clock.GetUtcNow().UtcDateTime, _contentTypes.For(fullPath), content);
        return file.WithVary(_codings.Negotiable(file, siblings));
    }

    private enum LookupKind
    {
        File,
        Redirect,
        NotFound,
        BadRequest,
        Forbidden,
    }

    // What a path resolved to at CheckedAt (a TimeProvider timestamp), with a file's precompressed siblings.
    private sealed record Lookup(LookupKind Kind, FoundEntry? Found, string? Location, FileRepresentation? Large,
        FileRepresentation[] Siblings, long CheckedAt)
    {
        public static Lookup NotFound(long now) => new(LookupKind.NotFound, null, null, null, NoSiblings, now);

        public static Lookup Forbidden(long now) => new(LookupKind.Forbidden, null, null, null, NoSiblings, now);
    }
}
