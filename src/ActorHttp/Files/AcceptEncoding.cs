using ActorHttp.Http;

namespace ActorHttp.Files;

/// <summary>
/// Chooses the content coding of a response from the request's Accept-Encoding (RFC 9110 §12.5.3). Pure: the field
/// value and the codings available for this file in, one coding out.
/// </summary>
public static class AcceptEncoding
{
    // Weights are compared in thousandths, the precision §12.4.2 allows.
    private const int Unset = -1;

    /// <summary>
    /// The coding to send: of <paramref name="available"/> (codings other than identity, in the server's order of
    /// preference) the one with the
    /// highest weight above zero, the server's order breaking ties. A coding the field does not name takes the weight
    /// of "*" when present, else none. Identity is acceptable unless the field excludes it ("identity;q=0", or
    /// "*;q=0" without naming identity); named without a weight or by "*" it competes like any coding, otherwise it
    /// is the fallback after every acceptable coding. No field at all means identity: §12.5.3 allows any coding then,
    /// and identity is what every client can read. When nothing is acceptable, identity is sent anyway (the server
    /// disregards the field rather than answering 406, which §12.5.3 allows).
    /// </summary>
    public static ContentCoding Negotiate(string? field, IReadOnlyList<ContentCoding> available)
    {
        if (field is null || available.Count == 0) return ContentCoding.Identity;

        int brotli = Unset, gzip = Unset, identity = Unset, any = Unset;
        var rest = field.AsSpan();
        while (!rest.IsEmpty)
        {
            var comma = rest.IndexOf(',');
            var element = comma < 0 ? rest : rest[..comma];
            rest = comma < 0 ? ReadOnlySpan<char>.Empty : rest[(comma + 1)..];

            var semicolon = element.IndexOf(';');
            var name = (semicolon < 0 ? element : element[..semicolon]).Trim(" \t");
            if (name.IsEmpty) continue;
            var weight = semicolon < 0 ? 1000 : Weight(element[(semicolon + 1)..]);
            if (weight < 0) continue; // a malformed weight: the element is ignored

            if (name is "*") any = Math.Max(any, weight);
            else if (ContentCodings.TryParse(name, out var coding))
            {
                // A coding named twice keeps its highest weight.
                switch (coding)
                {
                    case ContentCoding.Brotli: brotli = Math.Max(brotli, weight); break;
                    case ContentCoding.Gzip: gzip = Math.Max(gzip, weight); break;
                    default: identity = Math.Max(identity, weight); break;
                }
            }
        }

        var best = ContentCoding.Identity;
        var bestWeight = 0;
        foreach (var coding in available)
        {
            var named = coding switch { ContentCoding.Brotli => brotli, ContentCoding.Gzip => gzip, _ => identity };
            var weight = named != Unset ? named : any != Unset ? any : 0;
            if (weight > bestWeight) { best = coding; bestWeight = weight; }
        }
        if (best == ContentCoding.Identity) return ContentCoding.Identity;

        // Identity beats the chosen coding only when the client weighs it higher, by name or through "*".
        var identityWeight = identity != Unset ? identity : any;
        return identityWeight > bestWeight ? ContentCoding.Identity : best;
    }

    // §12.4.2: weight = OWS ";" OWS "q=" qvalue, qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ).
    // Other parameters are not defined for Accept-Encoding and make the element unusable: -1.
    private static int Weight(ReadOnlySpan<char> parameters)
    {
        var p = parameters.Trim(" \t");
        if (p.Length < 3 || (p[0] | 0x20) != 'q' || p[1] != '=') return -1;
        var value = p[2..];
        if (value[0] is not ('0' or '1')) return -1;
        var whole = value[0] - '0';
        if (value.Length == 1) return whole * 1000;
        if (value[1] != '.' || value.Length > 5) return -1;
        var thousandths = 0;
        for (var i = 2; i < 5; i++)
        {
            var digit = i < value.Length ? value[i] : '0';
            if (digit is < '0' or > '9') return -1;
            thousandths = thousandths * 10 + (digit - '0');
        }
        if (whole == 1 && thousandths != 0) return -1;
        return whole * 1000 + thousandths;
    }
}
