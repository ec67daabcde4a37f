using System.Security.Cryptography.X509Certificates;

namespace EventStore.Tls;

/// <summary>
/// Transport security (settings <c>EventStore:Tls:*</c>): TLS between silos and between clients and gateways. Off by default.
/// The same settings serve a silo (<c>UseEventStoreTls</c> on the silo builder) and a client (<c>UseEventStoreTls</c> on the
/// client builder). They are checked when the host is built, before anything listens or connects; a wrong setting stops the
/// start with an <see cref="ArgumentException"/> naming it.
/// </summary>
/// <remarks>
/// The remote side is trusted when its certificate's thumbprint is one of <see cref="AllowedThumbprints"/>, or when it chains
/// to one of the certificates in <see cref="CaCertificatesPath"/>; at least one of the two must be given (there is no
/// "accept anything" mode). Host names are not checked: silos reach each other by IP address, so the identity is the pinned
/// certificate or the cluster's own CA.
/// </remarks>
public sealed class EventStoreTlsOptions
{
    /// <summary>The configuration section these settings are read from.</summary>
    public const string SectionName = "EventStore:Tls";

    /// <summary>Whether TLS is used at all (<c>EventStore:Tls:Enabled</c>, default false: plain TCP, every other setting ignored).</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The local certificate with its private key, as a PFX (PKCS#12) file (<c>EventStore:Tls:CertificatePath</c>). A silo needs a
    /// certificate (from here or <see cref="CertificateThumbprint"/>); a client needs one when the silos require client certificates.
    /// If the certificate names extended key usages, they must include both server and client authentication.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>The password of <see cref="CertificatePath"/> (<c>EventStore:Tls:CertificatePassword</c>); empty or unset for none.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Instead of <see cref="CertificatePath"/>: the thumbprint of a certificate with a private key in the <c>My</c> store of
    /// <see cref="CertificateStoreLocation"/> (<c>EventStore:Tls:CertificateThumbprint</c>).
    /// </summary>
    public string? CertificateThumbprint { get; set; }

    /// <summary>The store searched for <see cref="CertificateThumbprint"/> (<c>EventStore:Tls:CertificateStoreLocation</c>, default CurrentUser).</summary>
    public StoreLocation CertificateStoreLocation { get; set; } = StoreLocation.CurrentUser;

    /// <summary>
    /// Pinned remote certificates (<c>EventStore:Tls:AllowedThumbprints</c>): SHA-1 (40 hex digits, the usual "thumbprint") or
    /// SHA-256 (64 hex digits) hashes of the certificates the other side may present; colons and spaces are ignored. On a silo:
    /// the other silos' certificates and the clients' ones; on a client: the silos' ones.
    /// </summary>
    public List<string> AllowedThumbprints { get; set; } = [];

    /// <summary>
    /// A PEM file of trusted certificate authorities (<c>EventStore:Tls:CaCertificatesPath</c>): a remote certificate that chains to
    /// one of them is accepted (the system's trust store is not used). Revocation is not checked.
    /// </summary>
    public string? CaCertificatesPath { get; set; }

    /// <summary>
    /// Whether clients must present a trusted certificate to a gateway (<c>EventStore:Tls:RequireClientCertificate</c>, default true).
    /// Between silos a certificate is always required (mutual TLS). When false, a client without a certificate is let in, but one that
    /// presents a certificate must present a trusted one.
    /// </summary>
    public bool RequireClientCertificate { get; set; } = true;

    /// <summary>How long a TLS handshake may take before the connection is dropped (<c>EventStore:Tls:HandshakeTimeout</c>, default 10 s).</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
