using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace ActorHttp.Actors;

/// <summary>
/// What every TLS session of one server shares: the certificate context (built once, as the server starts, so no
/// handshake rebuilds the chain), the protocol versions accepted and the handshake timeout.
/// </summary>
public sealed class TlsServerOptions(SslStreamCertificateContext certificate, SslProtocols protocols, TimeSpan handshakeTimeout)
{
    public SslStreamCertificateContext Certificate { get; } = certificate;
    public SslProtocols Protocols { get; } = protocols;
    public TimeSpan HandshakeTimeout { get; } = handshakeTimeout;

    /// <summary>
    /// The options of every handshake, made once: the SslStream copies what it needs of them as a handshake starts and
    /// changes nothing in them. ALPN offers http/1.1 alone (RFC 7301), so a client that also offers h2 settles on
    /// HTTP/1.1 and one that offers nothing else still connects; h2 can be added to this list later. No client
    /// certificate is asked for, and no revocation list fetched: the server's own chain is in the context already.
    /// </summary>
    public SslServerAuthenticationOptions ForHandshake() => _handshake;

    private readonly SslServerAuthenticationOptions _handshake = new()
    {
        ServerCertificateContext = certificate,
        EnabledSslProtocols = protocols,
        ApplicationProtocols = [SslApplicationProtocol.Http11],
        ClientCertificateRequired = false,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        // RFC 7540 §9.2.1 forbids renegotiation under h2; under HTTP/1.1 it only gives a client a costly way to
        // make the server redo its handshake work (Kestrel turns it off too).
        AllowRenegotiation = false,
    };
}
