using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using EventStore.Hosting;
using EventStore.Tests.Infrastructure;
using EventStore.Tls;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EventStore.Tests.Tls;

/// <summary>
/// A cluster of real silos on real TCP ports of this machine with TLS on (<c>UseEventStoreTls</c>), over one SQLite journal
/// file, and the certificates its tests need, made on the spot: the silos' shared certificate, a pinned client certificate,
/// a CA the silos trust and a client certificate it issued, and a stranger's self-signed certificate.
/// </summary>
public class TlsCluster : IAsyncLifetime
{
    /// <summary>The Orleans service id of the cluster.</summary>
    public const string ServiceId = "tls-tests";

    /// <summary>The Orleans cluster id of the cluster.</summary>
    public const string ClusterId = "tls";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "eventstore-tests", "tls-" + Guid.NewGuid().ToString("N"));
    private readonly List<IHost> _silos = [];
    private readonly List<int> _gatewayPorts = [];

    /// <summary>The silos' certificate, pinned by the silos and the clients.</summary>
    internal X509Certificate2 SiloCertificate { get; } = TestCertificates.SelfSigned("event-store-silo");

    /// <summary>A self-signed client certificate the silos pin.</summary>
    internal X509Certificate2 PinnedClientCertificate { get; } = TestCertificates.SelfSigned("pinned-client");

    /// <summary>The CA the silos trust (<c>CaCertificatesPath</c>).</summary>
    internal X509Certificate2 Authority { get; } = TestCertificates.Authority("event-store-test-ca");

    /// <summary>A self-signed certificate nobody trusts.</summary>
    internal X509Certificate2 StrangerCertificate { get; } = TestCertificates.SelfSigned("stranger");

    /// <summary>How many silos the cluster has.</summary>
    protected virtual int SiloCount => 2;

    /// <summary>The journal file.</summary>
    public string DatabasePath => Path.Combine(_folder, "events.db");

    /// <summary>The journal's rows, read with plain SQL.</summary>
    public IJournalRows Journal => new JournalFile(DatabasePath);

    /// <summary>The silos' TLS settings: their certificate, the pinned silo and client certificates, and the trusted CA.</summary>
    public EventStoreTlsOptions SiloTls { get; private set; } = new();

    /// <summary>Settings on top of <see cref="SiloTls"/>'s defaults.</summary>
    protected virtual void ConfigureSiloTls(EventStoreTlsOptions options) { }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        SiloTls = new EventStoreTlsOptions
        {
            Enabled = true,
            CertificatePath = TestCertificates.WritePfx(SiloCertificate, _folder, "silo"),
            CertificatePassword = TestCertificates.Password,
            AllowedThumbprints = [SiloCertificate.Thumbprint, PinnedClientCertificate.Thumbprint],
            CaCertificatesPath = TestCertificates.WritePem(Authority, _folder, "ca"),
        };
        ConfigureSiloTls(SiloTls);

        IPEndPoint? primary = null;
        for (var i = 0; i < SiloCount; i++)
        {
            var (siloPort, gatewayPort) = (FreePort(), FreePort());
            var silo = new HostBuilder()
                .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
                .UseOrleans(orleans => orleans
                    .UseLocalhostClustering(siloPort, gatewayPort, primary, ServiceId, ClusterId)
                    .UseEventStoreTls(SiloTls)
                    .AddSqliteEventJournal(options =>
                    {
                        options.DatabasePath = DatabasePath;
                        options.EventAssemblies.Add(typeof(NoteAdded).Assembly);
                    }))
                .Build();
            _silos.Add(silo);
            await silo.StartAsync();
            primary ??= new IPEndPoint(IPAddress.Loopback, siloPort);
            _gatewayPorts.Add(gatewayPort);
        }
    }

    /// <summary>Writes <paramref name="certificate"/> to a PFX file in the cluster's folder, for a client's <c>CertificatePath</c>.</summary>
    internal string Pfx(X509Certificate2 certificate, string name) => TestCertificates.WritePfx(certificate, _folder, name);

    /// <summary>Client TLS settings presenting <paramref name="certificate"/> (none when null) and pinning the silos' certificate.</summary>
    internal EventStoreTlsOptions ClientTls(X509Certificate2? certificate, string name) => new()
    {
        Enabled = true,
        CertificatePath = certificate is null ? null : Pfx(certificate, name),
        CertificatePassword = TestCertificates.Password,
        AllowedThumbprints = [SiloCertificate.Thumbprint],
    };

    /// <summary>
    /// A client of the cluster's gateways with <paramref name="tls"/>, not yet started. It tries each gateway once: a refused
    /// connection fails its start instead of being retried for minutes (Orleans' default retry filter).
    /// </summary>
    public IHost Client(EventStoreTlsOptions tls) =>
        new HostBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .UseOrleansClient(client => client
                .UseLocalhostClustering([.. _gatewayPorts], ServiceId, ClusterId)
                .UseEventStoreTls(tls)
                .UseConnectionRetryFilter((_, _) => Task.FromResult(false)))
            .Build();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var silo in Enumerable.Reverse(_silos))
        {
            await silo.StopAsync();
            silo.Dispose();
        }

        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } // best effort
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A one-silo <see cref="TlsCluster"/> whose gateway lets clients in without a certificate.</summary>
public sealed class OptionalClientCertificateTlsCluster : TlsCluster
{
    /// <inheritdoc />
    protected override int SiloCount => 1;

    /// <inheritdoc />
    protected override void ConfigureSiloTls(EventStoreTlsOptions options) => options.RequireClientCertificate = false;
}
