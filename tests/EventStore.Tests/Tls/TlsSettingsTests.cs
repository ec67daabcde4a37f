using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EventStore.Hosting;
using EventStore.Tls;
using Microsoft.Extensions.Hosting;

namespace EventStore.Tests.Tls;

/// <summary>Wrong <c>EventStore:Tls</c> settings stop the start with an error naming the setting; TLS off ignores them.</summary>
public sealed class TlsSettingsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("eventstore-tls-settings-").FullName;
    private readonly X509Certificate2 _certificate = TestCertificates.SelfSigned("settings");

    [Fact]
    public void A_silo_with_tls_on_but_no_certificate_does_not_start()
    {
        var options = new EventStoreTlsOptions { Enabled = true, AllowedThumbprints = [_certificate.Thumbprint] };

        var error = Assert.Throws<ArgumentException>(() => new HostBuilder().UseOrleans(silo => silo.UseEventStoreTls(options)).Build());

        Assert.Contains("EventStore:Tls:CertificatePath", error.Message);
    }

    [Fact]
    public void Tls_off_ignores_every_other_setting()
    {
        var options = new EventStoreTlsOptions { CertificatePath = Path.Combine(_folder, "missing.pfx"), AllowedThumbprints = ["not a thumbprint"] };

        using var host = new HostBuilder().UseOrleans(silo => silo.UseLocalhostClustering().UseEventStoreTls(options)).Build();
    }

    [Fact]
    public void Nothing_to_trust_is_refused() =>
        AssertRefused(Valid(), options => options.AllowedThumbprints = [], "EventStore:Tls:AllowedThumbprints");

    [Fact]
    public void A_malformed_thumbprint_is_refused() =>
        AssertRefused(Valid(), options => options.AllowedThumbprints = ["12:34"], "EventStore:Tls:AllowedThumbprints: '12:34'");

    [Fact]
    public void A_missing_certificate_file_is_refused() =>
        AssertRefused(Valid(), options => options.CertificatePath = Path.Combine(_folder, "missing.pfx"), "EventStore:Tls:CertificatePath");

    [Fact]
    public void A_wrong_certificate_password_is_refused() =>
        AssertRefused(Valid(), options => options.CertificatePassword = "wrong", "EventStore:Tls:CertificatePassword");

    [Fact]
    public void A_certificate_file_and_a_store_thumbprint_together_are_refused() =>
        AssertRefused(Valid(), options => options.CertificateThumbprint = _certificate.Thumbprint, "EventStore:Tls:CertificateThumbprint are both set");

    [Fact]
    public void A_missing_ca_bundle_is_refused() =>
        AssertRefused(Valid(), options => options.CaCertificatesPath = Path.Combine(_folder, "missing.pem"), "EventStore:Tls:CaCertificatesPath");

    [Fact]
    public void A_certificate_only_for_servers_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=server-only", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var serverOnly = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var path = TestCertificates.WritePfx(serverOnly, _folder, "server-only");

        AssertRefused(Valid(), options => options.CertificatePath = path, "client authentication");
    }

    [Fact]
    public void A_client_may_go_without_a_certificate()
    {
        var options = Valid();
        options.CertificatePath = null;

        Assert.Null(EventStoreTlsCredentials.Load(options, certificateRequired: false).Certificate);
    }

    [Fact]
    public void Valid_settings_load_the_certificate_with_its_private_key()
    {
        var credentials = EventStoreTlsCredentials.Load(Valid(), certificateRequired: true);

        Assert.Equal(_certificate.Thumbprint, credentials.Certificate?.Thumbprint);
        Assert.True(credentials.Certificate?.HasPrivateKey);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _certificate.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } // best effort
    }

    private EventStoreTlsOptions Valid() => new()
    {
        Enabled = true,
        CertificatePath = TestCertificates.WritePfx(_certificate, _folder, "valid"),
        CertificatePassword = TestCertificates.Password,
        AllowedThumbprints = [_certificate.Thumbprint],
    };

    private static void AssertRefused(EventStoreTlsOptions options, Action<EventStoreTlsOptions> spoil, string expected)
    {
        spoil(options);

        var error = Assert.Throws<ArgumentException>(() => EventStoreTlsCredentials.Load(options, certificateRequired: true));

        Assert.Contains(expected, error.Message);
    }
}
