namespace ActorHttp.Http;

/// <summary>The two protocol versions this server speaks (RFC 9112 §2.3).</summary>
public enum HttpVersion
{
    Http10,
    Http11,
}

/// <summary>Wire spellings of <see cref="HttpVersion"/>.</summary>
public static class HttpVersionText
{
    public static string ToText(this HttpVersion version) => version == HttpVersion.Http10 ? "HTTP/1.0" : "HTTP/1.1";
}
