using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using ActorHttp.Configuration;
using ActorHttp.Hosting;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Hosting;

/// <summary>
/// The <c>actorhttp.tls</c> keys: their defaults, values given over them, values refused with the key named, and the
/// certificate files checked as the server loads them (missing, not PEM, a key of another certificate, a pfx).
/// </summary>
public sealed class TlsSettingsSpec : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorhttp-tls-settings-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static TlsSettings Create(string hocon) => ServerSettings.Create(ConfigurationFactory.ParseString(hocon)).Tls;

    private static string Refusal(string hocon) =>
        Assert.Throws<SettingsException>(() => ServerSettings.Create(ConfigurationFactory.ParseString(hocon))).Message;

    private static string LoadRefusal(TlsSettings tls, Func<string, string?>? environment = null) =>
        Assert.Throws<SettingsException>(() => TlsCertificates.Load(tls, environment ?? (_ => null))).Message;

    private static TlsSettings Pem(string certificate, string key) => TlsSettings.Off with { Port = 0, Certificate = certificate, Key = key };

    [Fact]
    public void The_reference_defaults_leave_HTTPS_off_with_TLS_1_2_and_1_3_and_a_10_second_handshake()
    {
        var tls = ServerSettings.Default.Tls;

        Assert.False(tls.IsOn);
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, tls.Protocols);
        Assert.Equal(TimeSpan.FromSeconds(10), tls.HandshakeTimeout);
        Assert.False(tls.RedirectHttp);
    }

    [Fact]
    public void Values_given_over_the_reference_win()
    {
        var tls = Create("""
            actorhttp.tls { port = 8443, certificate = "c.pem", key = "k.pem", protocols = ["tlsv1.3"],
              handshake-timeout = 3s, redirect-http = on }
            """);

        Assert.Equal(8443, tls.Port);
        Assert.Equal("c.pem", tls.Certificate);
        Assert.Equal("k.pem", tls.Key);
        Assert.Equal(SslProtocols.Tls13, tls.Protocols);
        Assert.Equal(TimeSpan.FromSeconds(3), tls.HandshakeTimeout);
        Assert.True(tls.RedirectHttp);
    }

    [Theory]
    [InlineData("actorhttp.tls { port = 0, pfx = a.pfx, protocols = [TLSv1.1] }", "actorhttp.tls.protocols[0]: \"TLSv1.1\" is neither TLSv1.2 nor TLSv1.3")]
    [InlineData("actorhttp.tls { port = 0, pfx = a.pfx, protocols = [] }", "actorhttp.tls.protocols:")]
    [InlineData("actorhttp.tls.port = 70000", "actorhttp.tls.port:")]
    [InlineData("actorhttp.tls.port = https", "actorhttp.tls.port:")]
    [InlineData("actorhttp.tls { port = 7878, pfx = a.pfx }", "actorhttp.tls.port: 7878 is actorhttp.port already")]
    [InlineData("actorhttp.tls { port = 0 }", "actorhttp.tls.port: HTTPS needs a certificate")]
    [InlineData("actorhttp.tls { port = 0, certificate = c.pem }", "actorhttp.tls.key:")]
    [InlineData("actorhttp.tls { port = 0, certificate = c.pem, key = k.pem, pfx = a.pfx }", "actorhttp.tls.pfx:")]
    [InlineData("actorhttp.tls { port = 0, pfx = a.pfx, handshake-timeout = 0s }", "actorhttp.tls.handshake-timeout:")]
    [InlineData("actorhttp.tls.redirect-http = on", "actorhttp.tls.redirect-http:")]
    public void A_bad_value_is_refused_naming_its_key(string hocon, string message) =>
        Assert.StartsWith(message, Refusal(hocon));

    [Fact]
    public void A_missing_certificate_file_is_refused_naming_the_key()
    {
        var message = LoadRefusal(Pem(Path.Combine(_folder, "nope.pem"), TestCertificate.KeyPath));

        Assert.StartsWith("actorhttp.tls.certificate: file \"", message);
        Assert.Contains("does not exist", message);
    }

    [Fact]
    public void A_certificate_file_without_a_certificate_is_refused_naming_the_key()
    {
        Assert.StartsWith("actorhttp.tls.certificate: ", LoadRefusal(Pem(TestCertificate.KeyPath, TestCertificate.KeyPath)));
    }

    [Fact]
    public void The_key_of_another_certificate_is_refused_naming_the_key()
    {
        var otherKey = Path.Combine(_folder, "other.pem");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256)) File.WriteAllText(otherKey, key.ExportPkcs8PrivateKeyPem());

        Assert.StartsWith("actorhttp.tls.key: ", LoadRefusal(Pem(TestCertificate.CertificatePath, otherKey)));
    }

    [Fact]
    public void A_pfx_is_opened_with_the_password_from_the_named_environment_variable()
    {
        var pfx = Path.Combine(_folder, "server.pfx");
        using (var both = X509Certificate2.CreateFromPemFile(TestCertificate.CertificatePath, TestCertificate.KeyPath))
            File.WriteAllBytes(pfx, both.Export(X509ContentType.Pkcs12, "s3cret"));
        var tls = TlsSettings.Off with { Port = 0, Pfx = pfx, PfxPasswordEnv = "ACTORHTTP_PFX_PASSWORD" };

        var options = TlsCertificates.Load(tls, name => name == "ACTORHTTP_PFX_PASSWORD" ? "s3cret" : null);

        Assert.Equal(TestCertificate.Certificate.Thumbprint, options.Certificate.TargetCertificate.Thumbprint);
        Assert.StartsWith("actorhttp.tls.pfx: ", LoadRefusal(tls, _ => "wrong"));
        Assert.StartsWith("actorhttp.tls.pfx-password-env: the environment variable ACTORHTTP_PFX_PASSWORD is not set", LoadRefusal(tls));
    }
}
