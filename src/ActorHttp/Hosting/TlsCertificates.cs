using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorHttp.Actors;
using ActorHttp.Configuration;

namespace ActorHttp.Hosting;

/// <summary>
/// Loads the server certificate the <c>tls</c> settings name, once, as the server starts, into the
/// <see cref="TlsServerOptions"/> its TLS sessions share. A file that is missing or unreadable, a certificate without
/// its key or with another one's, and a pfx with a wrong password are each a <see cref="SettingsException"/>
/// naming the key.
/// </summary>
public static class TlsCertificates
{
    /// <summary>The options for <paramref name="tls"/>, which must be on; <paramref name="environment"/> reads the pfx password.</summary>
    public static TlsServerOptions Load(TlsSettings tls, Func<string, string?> environment)
    {
        var (certificate, chain) = tls.Pfx.Length > 0 ? LoadPfx(tls, environment) : LoadPem(tls);
        if (!certificate.HasPrivateKey) throw new SettingsException($"actorhttp.tls.{(tls.Pfx.Length > 0 ? "pfx" : "key")}: holds no private key for the certificate");
        // offline: the chain is built from what the files hold, never by fetching intermediates as the server starts.
        var context = SslStreamCertificateContext.Create(certificate, chain, offline: true);
        return new TlsServerOptions(context, tls.Protocols, tls.HandshakeTimeout);
    }

    private static (X509Certificate2, X509Certificate2Collection) LoadPem(TlsSettings tls)
    {
        var certificatePath = Readable("certificate", tls.Certificate);
        var keyPath = Readable("key", tls.Key);
        var all = new X509Certificate2Collection();
        try
        {
            all.ImportFromPemFile(certificatePath);
        }
        catch (CryptographicException)
        {
            throw new SettingsException($"actorhttp.tls.certificate: \"{certificatePath}\" holds no PEM certificate");
        }
        if (all.Count == 0) throw new SettingsException($"actorhttp.tls.certificate: \"{certificatePath}\" holds no PEM certificate");
        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        // An RSA key of another certificate is a CryptographicException; an EC key of another one an ArgumentException.
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new SettingsException($"actorhttp.tls.key: \"{keyPath}\" holds no unencrypted PEM private key matching the certificate");
        }
        var chain = new X509Certificate2Collection();
        for (var i = 1; i < all.Count; i++) chain.Add(all[i]);
        return (leaf, chain);
    }

    private static (X509Certificate2, X509Certificate2Collection) LoadPfx(TlsSettings tls, Func<string, string?> environment)
    {
        var path = Readable("pfx", tls.Pfx);
        string? password = null;
        if (tls.PfxPasswordEnv.Length > 0)
        {
            password = environment(tls.PfxPasswordEnv)
                ?? throw new SettingsException($"actorhttp.tls.pfx-password-env: the environment variable {tls.PfxPasswordEnv} is not set");
        }
        try
        {
            var all = X509CertificateLoader.LoadPkcs12CollectionFromFile(path, password);
            var leaf = all.FirstOrDefault(c => c.HasPrivateKey)
                ?? throw new SettingsException($"actorhttp.tls.pfx: \"{path}\" holds no certificate with its private key");
            var chain = new X509Certificate2Collection();
            foreach (var c in all) if (!ReferenceEquals(c, leaf)) chain.Add(c);
            return (leaf, chain);
        }
        catch (CryptographicException)
        {
            throw new SettingsException($"actorhttp.tls.pfx: \"{path}\" cannot be opened: not PKCS#12, or the password (from {(tls.PfxPasswordEnv.Length > 0 ? tls.PfxPasswordEnv : "no variable")}) is wrong");
        }
    }

    /// <summary>The full path of a file that exists and can be opened for reading.</summary>
    private static string Readable(string key, string configured)
    {
        string path;
        try
        {
            path = Path.GetFullPath(configured);
        }
        catch (ArgumentException)
        {
            throw new SettingsException($"actorhttp.tls.{key}: \"{configured}\" is not a file path");
        }
        if (!File.Exists(path)) throw new SettingsException($"actorhttp.tls.{key}: file \"{path}\" does not exist");
        try
        {
            using var _ = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException($"actorhttp.tls.{key}: file \"{path}\" is not readable");
        }
        return path;
    }
}
