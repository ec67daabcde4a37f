using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EventStore.Tls;

/// <summary>
/// Decides whether the other side of a connection is trusted: its certificate is pinned (SHA-1 or SHA-256 thumbprint), or it chains
/// to one of the configured certificate authorities. The platform's own verdict (name mismatch, unknown root) is not consulted.
/// </summary>
internal sealed class RemoteCertificatePolicy(IReadOnlySet<string> pinnedThumbprints, X509Certificate2Collection authorities)
{
    /// <summary>Whether <paramref name="certificate"/>, presented with <paramref name="chain"/>'s intermediates, is trusted.</summary>
    public bool Trusts(X509Certificate2 certificate, X509Chain? chain)
    {
        if (pinnedThumbprints.Contains(certificate.Thumbprint)
            || pinnedThumbprints.Contains(certificate.GetCertHashString(HashAlgorithmName.SHA256)))
        {
            return true;
        }

        if (authorities.Count == 0) return false;
        using var verifier = new X509Chain();
        verifier.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        verifier.ChainPolicy.CustomTrustStore.AddRange(authorities);
        verifier.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements) verifier.ChainPolicy.ExtraStore.Add(element.Certificate);
        }

        return verifier.Build(certificate);
    }
}
