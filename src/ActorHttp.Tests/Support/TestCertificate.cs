using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorHttp.Actors;
using ActorHttp.Configuration;
using ActorHttp.Hosting;

namespace ActorHttp.Tests.Support;

/// <summary>
/// A self-signed certificate for localhost and 127.0.0.1, made at test time with <see cref="CertificateRequest"/> and
/// written as PEM (cert.pem, key.pem) to a temporary folder, once per test run: what a user makes with openssl for
/// trying HTTPS out. Clients trust it through <see cref="Validate"/> or curl's <c>--cacert</c>.
/// </summary>
public static class TestCertificate
{
    private static readonly Lazy<(string Folder, X509Certificate2 Certificate)> Made = new(Make);

    /// <summary>The folder holding cert.pem and key.pem.</summary>
    public static string Folder => Made.Value.Folder;

    public static string CertificatePath => Path.Combine(Folder, "cert.pem");

    public static string KeyPath => Path.Combine(Folder, "key.pem");

    /// <summary>The certificate, public part.</summary>
    public static X509Certificate2 Certificate => Made.Value.Certificate;

    /// <summary>The HOCON that serves HTTPS with it on any free port.</summary>
    public static string Hocon =>
        $"actorhttp.tls {{ port = 0, certificate = {ConfigLoader.Quote(CertificatePath)}, key = {ConfigLoader.Quote(KeyPath)} }}";

    /// <summary>The server's TLS options for it, as the server loads them.</summary>
    public static TlsServerOptions ServerOptions(TimeSpan? handshakeTimeout = null) => TlsCertificates.Load(
        TlsSettings.Off with { Port = 0, Certificate = CertificatePath, Key = KeyPath, HandshakeTimeout = handshakeTimeout ?? TimeSpan.FromSeconds(10) },
        _ => null);

    /// <summary>A client's validation callback that trusts this certificate alone (by its thumbprint), nothing else.</summary>
    public static bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && certificate.GetCertHashString() == Certificate.GetCertHashString();

    /// <summary>Client options for a handshake with the test server: localhost, ALPN http/1.1, <see cref="Validate"/>.</summary>
    public static SslClientAuthenticationOptions ClientOptions() => new()
    {
        TargetHost = "localhost",
        ApplicationProtocols = [SslApplicationProtocol.Http11],
        RemoteCertificateValidationCallback = Validate,
    };

    private static (string, X509Certificate2) Make()
    {
        var folder = Path.Combine(Path.GetTempPath(), "actorhttp-tls-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        // CA:TRUE, as `openssl req -x509` makes it: OpenSSL (curl --cacert) takes a self-signed certificate as a trust
        // anchor only so.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // serverAuth
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllText(Path.Combine(folder, "cert.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "key.pem"), key.ExportPkcs8PrivateKeyPem());
        return (folder, X509CertificateLoader.LoadCertificate(certificate.RawData));
    }
}
