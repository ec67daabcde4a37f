using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace EventStore.Tls;

/// <summary>
/// What <see cref="EventStoreTlsOptions"/> point at, loaded and checked: the local certificate and the policy that decides which
/// remote certificates are trusted. Loading throws an <see cref="ArgumentException"/> naming the setting that is wrong.
/// </summary>
public sealed class EventStoreTlsCredentials
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";
    private const string Section = EventStoreTlsOptions.SectionName;

    private readonly RemoteCertificatePolicy _policy;
    private readonly TimeSpan _handshakeTimeout;

    private EventStoreTlsCredentials(X509Certificate2? certificate, RemoteCertificatePolicy policy, TimeSpan handshakeTimeout)
    {
        Certificate = certificate;
        _policy = policy;
        _handshakeTimeout = handshakeTimeout;
    }

    /// <summary>The local certificate (with its private key); null for a client configured without one.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>
    /// Checks <paramref name="options"/> and loads what they name. <paramref name="certificateRequired"/> is true for a silo (it
    /// always presents a certificate) and false for a client, which may go without one.
    /// </summary>
    public static EventStoreTlsCredentials Load(EventStoreTlsOptions options, bool certificateRequired)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.HandshakeTimeout <= TimeSpan.Zero)
            throw new ArgumentException($"{Section}:HandshakeTimeout must be positive (it is {options.HandshakeTimeout}).");

        var certificate = LoadCertificate(options, certificateRequired);
        return new EventStoreTlsCredentials(certificate, new RemoteCertificatePolicy(Pins(options.AllowedThumbprints), Authorities(options)),
            options.HandshakeTimeout);
    }

    /// <summary>
    /// Puts these credentials into the library's <paramref name="tls"/> settings: the local certificate, the trust policy and the
    /// handshake timeout; <paramref name="remoteCertificateMode"/> says whether the other side must present a certificate.
    /// </summary>
    public void Configure(TlsOptions tls, RemoteCertificateMode remoteCertificateMode)
    {
        ArgumentNullException.ThrowIfNull(tls);
        tls.LocalCertificate = Certificate;
        tls.ClientCertificateMode = Certificate is null ? RemoteCertificateMode.NoCertificate : RemoteCertificateMode.RequireCertificate;
        tls.RemoteCertificateMode = remoteCertificateMode;
        tls.RemoteCertificateValidation = (certificate, chain, _) => _policy.Trusts(certificate, chain);
        tls.HandshakeTimeout = _handshakeTimeout;
    }

    private static X509Certificate2? LoadCertificate(EventStoreTlsOptions options, bool required)
    {
        var (path, thumbprint) = (options.CertificatePath, options.CertificateThumbprint);
        if (!string.IsNullOrWhiteSpace(path) && !string.IsNullOrWhiteSpace(thumbprint))
            throw new ArgumentException($"{Section}:CertificatePath and {Section}:CertificateThumbprint are both set: give one of them.");

        X509Certificate2 certificate;
        string setting;
        if (!string.IsNullOrWhiteSpace(path))
        {
            (certificate, setting) = (LoadPfx(path, options.CertificatePassword), $"{Section}:CertificatePath ('{path}')");
        }
        else if (!string.IsNullOrWhiteSpace(thumbprint))
        {
            (certificate, setting) = (LoadFromStore(thumbprint, options.CertificateStoreLocation), $"{Section}:CertificateThumbprint ('{thumbprint}')");
        }
        else if (required)
        {
            throw new ArgumentException($"{Section}:Enabled is true but no certificate is configured: set {Section}:CertificatePath " +
                $"(a PFX file, with {Section}:CertificatePassword) or {Section}:CertificateThumbprint.");
        }
        else
        {
            return null;
        }

        if (!certificate.HasPrivateKey)
            throw new ArgumentException($"{setting}: the certificate {certificate.Subject} has no private key.");
        if (certificate.NotAfter < DateTime.Now)
            throw new ArgumentException($"{setting}: the certificate {certificate.Subject} expired on {certificate.NotAfter:u}.");
        if (!AllowsUsage(certificate, ServerAuthentication) || !AllowsUsage(certificate, ClientAuthentication))
            throw new ArgumentException($"{setting}: the certificate {certificate.Subject} limits its extended key usage without allowing both " +
                "server authentication (1.3.6.1.5.5.7.3.1) and client authentication (1.3.6.1.5.5.7.3.2), which cluster connections need.");
        return certificate;
    }

    private static X509Certificate2 LoadPfx(string path, string? password)
    {
        if (!File.Exists(path)) throw new ArgumentException($"{Section}:CertificatePath ('{path}'): no such file.");
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, string.IsNullOrEmpty(password) ? null : password);
        }
        catch (CryptographicException ex)
        {
            throw new ArgumentException($"{Section}:CertificatePath ('{path}') cannot be read as a PFX file with {Section}:CertificatePassword: {ex.Message}", ex);
        }
    }

    private static X509Certificate2 LoadFromStore(string thumbprint, StoreLocation location)
    {
        using var store = new X509Store(StoreName.My, location);
        store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
        var found = store.Certificates.Find(X509FindType.FindByThumbprint, Normalize(thumbprint), validOnly: false);
        return found.Count > 0
            ? found[0]
            : throw new ArgumentException($"{Section}:CertificateThumbprint ('{thumbprint}'): no such certificate in the My store of {location}.");
    }

    private static HashSet<string> Pins(IEnumerable<string> thumbprints)
    {
        var pins = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in thumbprints)
        {
            var pin = Normalize(raw);
            if (pin.Length is not (40 or 64) || !pin.All(char.IsAsciiHexDigit))
                throw new ArgumentException($"{Section}:AllowedThumbprints: '{raw}' is not a SHA-1 (40 hex digits) or SHA-256 (64 hex digits) thumbprint.");
            pins.Add(pin);
        }

        return pins;
    }

    private static X509Certificate2Collection Authorities(EventStoreTlsOptions options)
    {
        var authorities = new X509Certificate2Collection();
        var path = options.CaCertificatesPath;
        if (!string.IsNullOrWhiteSpace(path))
        {
            if (!File.Exists(path)) throw new ArgumentException($"{Section}:CaCertificatesPath ('{path}'): no such file.");
            try
            {
                authorities.ImportFromPemFile(path);
            }
            catch (CryptographicException ex)
            {
                throw new ArgumentException($"{Section}:CaCertificatesPath ('{path}') cannot be read as PEM certificates: {ex.Message}", ex);
            }

            if (authorities.Count == 0) throw new ArgumentException($"{Section}:CaCertificatesPath ('{path}') holds no PEM certificate.");
        }
        else if (options.AllowedThumbprints.Count == 0)
        {
            throw new ArgumentException($"{Section}:Enabled is true but nothing says which remote certificates to trust: set " +
                $"{Section}:AllowedThumbprints (pinned certificates) or {Section}:CaCertificatesPath (a PEM file of trusted CAs).");
        }

        return authorities;
    }

    private static string Normalize(string thumbprint) =>
        new(thumbprint.Where(c => c is not (':' or ' ' or '-')).Select(char.ToUpperInvariant).ToArray());

    private static bool AllowsUsage(X509Certificate2 certificate, string oid)
    {
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().ToList();
        return usages.Count == 0 || usages.Any(extension => extension.EnhancedKeyUsages.Cast<Oid>().Any(usage => usage.Value == oid));
    }
}
