using EventStore.Tests.Infrastructure;
using EventStore.Tls;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Messaging;

namespace EventStore.Tests.Tls;

/// <summary>
/// With <c>EventStore:Tls:RequireClientCertificate</c> false the gateway lets in a TLS client without a certificate, but still not
/// a plain-TCP client nor one presenting an untrusted certificate.
/// </summary>
public sealed class OptionalClientCertificateTests(OptionalClientCertificateTlsCluster cluster) : IClassFixture<OptionalClientCertificateTlsCluster>
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_tls_client_without_a_certificate_connects_and_its_command_is_written()
    {
        var stream = Ids.New("tls-anonymous");
        using var client = cluster.Client(cluster.ClientTls(certificate: null, "none"));
        await client.StartAsync();

        await client.Services.GetRequiredService<IClusterClient>().GetGrain<INoteGrain>(stream).Raise(new NoteAdded("anonymous"));

        Assert.Equal(1, cluster.Journal.Long($"SELECT COUNT(*) FROM events WHERE aggregate_id = '{stream}'"));
        await client.StopAsync();
    }

    [Fact]
    public async Task A_client_presenting_an_untrusted_certificate_is_still_refused()
    {
        using var client = cluster.Client(cluster.ClientTls(cluster.StrangerCertificate, "stranger"));

        await Assert.ThrowsAsync<ConnectionFailedException>(() => client.StartAsync().WaitAsync(Bound));
    }

    [Fact]
    public async Task A_client_without_tls_is_still_refused()
    {
        using var client = cluster.Client(new EventStoreTlsOptions());

        await Assert.ThrowsAsync<ConnectionFailedException>(() => client.StartAsync().WaitAsync(Bound));
    }
}
