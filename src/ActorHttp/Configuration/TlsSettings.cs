using System.Security.Authentication;

namespace ActorHttp.Configuration;

/// <summary>
/// HTTPS served by the server itself (the <c>tls</c> section of reference.conf): the port, the certificate as PEM
/// files or a PKCS#12 file, the protocol versions accepted, how long a handshake may take, and whether the plain
/// port redirects to this one. The files are read as the server starts, by ActorHttp.Hosting's TlsCertificates.
/// </summary>
/// <param name="Port">The TLS port; null when HTTPS is off, 0 for any free port.</param>
/// <param name="Certificate">A PEM file holding the certificate, then any intermediates; empty when <paramref name="Pfx"/> is used.</param>
/// <param name="Key">The PEM file holding the certificate's private key.</param>
/// <param name="Pfx">A PKCS#12 file holding the certificate and its key; empty when PEM files are used.</param>
/// <param name="PfxPasswordEnv">The name of the environment variable holding the PKCS#12 password; empty for none.</param>
/// <param name="Protocols">The TLS versions a client may negotiate.</param>
/// <param name="HandshakeTimeout">Longest a handshake may take before its connection is cut.</param>
/// <param name="RedirectHttp">The plain port answers every request with 308 to the same URL over https.</param>
public sealed record TlsSettings(
    int? Port,
    string Certificate,
    string Key,
    string Pfx,
    string PfxPasswordEnv,
    SslProtocols Protocols,
    TimeSpan HandshakeTimeout,
    bool RedirectHttp)
{
    /// <summary>HTTPS off: the reference's defaults.</summary>
    public static readonly TlsSettings Off = new(null, "", "", "", "", SslProtocols.Tls12 | SslProtocols.Tls13, TimeSpan.FromSeconds(10), false);

    /// <summary>True when a TLS port is configured.</summary>
    public bool IsOn => Port is not null;

    /// <summary>
    /// The protocol names <c>tls.protocols</c> accepts, spelled as nginx's <c>ssl_protocols</c> does. TLS 1.0 and
    /// 1.1 are not among them: RFC 8996 deprecates both.
    /// </summary>
    public static SslProtocols? ProtocolNamed(string name) => name.ToUpperInvariant() switch
    {
        "TLSV1.2" => SslProtocols.Tls12,
        "TLSV1.3" => SslProtocols.Tls13,
        _ => null,
    };

    /// <summary>Throws <see cref="SettingsException"/> naming the first key out of range or at odds with another.</summary>
    public void Validate()
    {
        if (Port is < 0 or > 65535) throw new SettingsException($"actorhttp.tls.port: {Port} is not a TCP port (0-65535), nor off");
        if (HandshakeTimeout <= TimeSpan.Zero || HandshakeTimeout > ServerSettings.MaxDuration)
            throw new SettingsException($"actorhttp.tls.handshake-timeout: {HandshakeTimeout.TotalMilliseconds}ms must be more than 0 and at most 1d");
        if (Protocols == SslProtocols.None) throw new SettingsException("actorhttp.tls.protocols: must name at least one of TLSv1.2, TLSv1.3");
        if (RedirectHttp && !IsOn) throw new SettingsException("actorhttp.tls.redirect-http: needs actorhttp.tls.port, the port to redirect to");
        if (!IsOn) return;
        var pem = Certificate.Length > 0 || Key.Length > 0;
        if (pem && Pfx.Length > 0) throw new SettingsException("actorhttp.tls.pfx: set either certificate and key, or pfx, not both");
        if (!pem && Pfx.Length == 0) throw new SettingsException("actorhttp.tls.port: HTTPS needs a certificate: actorhttp.tls.certificate and key (PEM files), or pfx");
        if (pem && Certificate.Length == 0) throw new SettingsException("actorhttp.tls.certificate: missing; the key needs its certificate");
        if (pem && Key.Length == 0) throw new SettingsException("actorhttp.tls.key: missing; the certificate needs its private key");
    }
}
