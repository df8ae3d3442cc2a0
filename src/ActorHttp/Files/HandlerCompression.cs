using ActorHttp.Http;

namespace ActorHttp.Files;

/// <summary>
/// Compression of a handler's streamed body, as ASP.NET Core's ResponseCompressionMiddleware does for a response: the
/// coding negotiated from Accept-Encoding (RFC 9110 §12.5.3) when the body is a stream of a compressible type that is
/// not coded already, not a part (206), and not an event stream. Pure: the request, the handler's response and the
/// settings in, the response to write out. Bodies in memory are left to the handler, which knows whether they repeat.
/// </summary>
public static class HandlerCompression
{
    private const string AcceptEncodingName = "Accept-Encoding";

    /// <summary>
    /// The response with its body compressed as it streams, each element flushed so that it reaches the client when
    /// the handler writes it; or with only <c>Vary: Accept-Encoding</c> added when identity is chosen (§12.5.5), an
    /// HTTP/1.0 client included (a coded stream of unknown length would need chunked framing); or unchanged when the
    /// body is not one to compress. A handler's ETag becomes weak and marked with the coding (§8.8.3).
    /// </summary>
    public static HttpResponse Apply(HttpRequest request, HttpResponse response, CompressionSettings settings)
    {
        if (!settings.Enabled || response.Body is not ResponseBody.Stream stream || !Compressible(response, stream, settings))
            return response;

        var headers = WithVary(response.Headers);
        var coding = request.Version == HttpVersion.Http11
            ? AcceptEncoding.Negotiate(request.Headers.GetCombined(AcceptEncodingName), settings.Encodings)
            : ContentCoding.Identity;
        if (coding == ContentCoding.Identity) return response with { Headers = headers };

        var fields = new List<HttpHeader>(headers.Count + 1);
        foreach (var field in headers)
        {
            if (!field.Name.Equals("ETag", StringComparison.OrdinalIgnoreCase)) fields.Add(field);
            else if (Coded(field.Value, coding) is { } tag) fields.Add(field with { Value = tag });
        }
        fields.Add(new HttpHeader("Content-Encoding", coding.Token()));
        return new HttpResponse(response.Status, new HttpHeaders(fields.ToArray()),
            new ResponseBody.Compressed(stream, coding, settings.StreamLevel(coding), FlushEachElement: true));
    }

    // An event stream is left alone: it lives as long as the client stays, and an encoder held for each one would
    // cost far more memory than its small events save. A body announced shorter than min-length saves too little.
    private static bool Compressible(HttpResponse response, ResponseBody.Stream stream, CompressionSettings settings) =>
        !ReasonPhrases.ForbidsBody(response.Status) && response.Status != 206
        && !response.Headers.Contains("Content-Encoding") && !response.Headers.Contains("Content-Range")
        && (stream.KnownLength is null || stream.KnownLength >= settings.MinLength)
        && response.Headers.Get("Content-Type") is { } type
        && !type.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase)
        && settings.IsCompressible(type);

    // §12.5.5: Accept-Encoding joins the handler's own Vary, unless it is named there already or the Vary is "*".
    private static HttpHeaders WithVary(HttpHeaders headers)
    {
        var vary = headers.GetCombined("Vary");
        if (vary is null) return headers.With("Vary", AcceptEncodingName);
        foreach (var name in vary.Split(',', StringSplitOptions.TrimEntries))
            if (name == "*" || name.Equals(AcceptEncodingName, StringComparison.OrdinalIgnoreCase)) return headers;
        var fields = headers.Where(h => !h.Name.Equals("Vary", StringComparison.OrdinalIgnoreCase))
            .Append(new HttpHeader("Vary", vary + ", " + AcceptEncodingName));
        return new HttpHeaders(fields);
    }

    // A tag becomes weak (the coded bytes depend on the encoder too) and marked with the coding, so it never
    // validates the identity body. A value that is not an entity-tag is dropped rather than sent for both bodies.
    private static string? Coded(string etag, ContentCoding coding)
    {
        var opaque = etag.StartsWith("W/", StringComparison.Ordinal) ? etag[2..] : etag;
        return opaque.Length >= 2 && opaque[0] == '"' && opaque[^1] == '"' ? "W/" + EntityTags.WithCoding(opaque, coding) : null;
    }
}
