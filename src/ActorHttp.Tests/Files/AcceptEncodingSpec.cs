using ActorHttp.Files;
using ActorHttp.Http;

namespace ActorHttp.Tests.Files;

/// <summary>Accept-Encoding → the coding sent (RFC 9110 §12.5.3), with br and gzip available unless a row says otherwise.</summary>
public sealed class AcceptEncodingSpec
{
    private static readonly ContentCoding[] Both = { ContentCoding.Brotli, ContentCoding.Gzip };

    // field value (null: no field), codings available ("br,gzip", "gzip", "br", ""), expected token
    public static TheoryData<string?, string, string> Table => new()
    {
        { null, "br,gzip", "identity" },
        { "", "br,gzip", "identity" },
        { "gzip", "br,gzip", "gzip" },
        { "br", "br,gzip", "br" },
        { "gzip, deflate, br", "br,gzip", "br" },
        { "gzip, deflate, br, zstd", "br,gzip", "br" },
        { "deflate", "br,gzip", "identity" },
        { "GZIP", "br,gzip", "gzip" },
        { "x-gzip", "br,gzip", "gzip" },
        { "br;q=0.5, gzip", "br,gzip", "gzip" },
        { "br;q=0.5, gzip;q=0.8", "br,gzip", "gzip" },
        { "br;q=1.0, gzip;q=1", "br,gzip", "br" },
        { "br;q=0, gzip;q=0", "br,gzip", "identity" },
        { "br;Q=0.001", "br,gzip", "br" },
        { "br ; q=0.5", "br,gzip", "br" },
        { "*", "br,gzip", "br" },
        { "*;q=0", "br,gzip", "identity" },
        { "*;q=0.5, br;q=0", "br,gzip", "gzip" },
        { "gzip;q=0.5, *;q=0.8", "br,gzip", "br" },
        { "identity", "br,gzip", "identity" },
        { "identity, gzip", "br,gzip", "gzip" },
        { "identity;q=1, gzip;q=0.5", "br,gzip", "identity" },
        { "identity;q=0.5, gzip;q=0.5", "br,gzip", "gzip" },
        { "gzip;q=0.5", "br,gzip", "gzip" },
        { "identity;q=0", "br,gzip", "identity" },
        { "identity;q=0, gzip", "br,gzip", "gzip" },
        { "*;q=0.9, identity;q=1", "br,gzip", "identity" },
        { "br", "gzip", "identity" },
        { "br, gzip", "gzip", "gzip" },
        { "gzip", "", "identity" },
        { "br;q=1.5", "br,gzip", "identity" },
        { "br;q=0.1234", "br,gzip", "identity" },
        { "br;q=", "br,gzip", "identity" },
        { "br;level=5", "br,gzip", "identity" },
        { "br;q=abc, gzip", "br,gzip", "gzip" },
        { ",, ,br", "br,gzip", "br" },
        { "gzip;q=0, gzip;q=0.5", "br,gzip", "gzip" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Accept_encoding_chooses_the_coding_of_highest_weight_in_the_servers_order_on_ties(string? field, string available, string expected)
    {
        var codings = available.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(name => ContentCodings.TryParse(name, out var coding) ? coding : throw new ArgumentException(name))
            .ToArray();

        Assert.Equal(expected, AcceptEncoding.Negotiate(field, codings).Token());
    }

    [Fact]
    public void The_servers_order_decides_between_codings_of_equal_weight()
    {
        Assert.Equal(ContentCoding.Gzip, AcceptEncoding.Negotiate("br, gzip", new[] { ContentCoding.Gzip, ContentCoding.Brotli }));
        Assert.Equal(ContentCoding.Brotli, AcceptEncoding.Negotiate("br, gzip", Both));
    }
}
