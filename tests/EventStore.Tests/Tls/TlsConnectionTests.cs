using EventStore.Tests.Infrastructure;
using EventStore.Tls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace EventStore.Tests.Tls;

/// <summary>The TLS tests' two-silo cluster, shared by the <c>tls</c> collection.</summary>
[CollectionDefinition(Name)]
public sealed class TlsClusterCollection : ICollectionFixture<TlsCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "tls";
}

/// <summary>
/// With <c>EventStore:Tls</c> on, only clients that speak TLS, present a trusted certificate and trust the silos' certificate get
/// in; everyone else is refused at connection time, in bounded time, and writes nothing.
/// </summary>
[Collection(TlsClusterCollection.Name)]
public sealed class TlsConnectionTests(TlsCluster cluster)
{
    /// <summary>A generous bound on a refused connection: a hang fails the test instead of stalling the run.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task The_silos_form_one_cluster_over_mutual_tls()
    {
        using var client = cluster.Client(cluster.ClientTls(cluster.PinnedClientCertificate, "pinned-client"));
        await client.StartAsync();

        var hosts = await client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);

        Assert.Equal(2, hosts.Count);
        await client.StopAsync();
    }

    [Fact]
    public async Task A_client_with_a_pinned_certificate_connects_and_its_command_is_written()
    {
        var stream = Ids.New("tls-pinned");
        using var client = cluster.Client(cluster.ClientTls(cluster.PinnedClientCertificate, "pinned-client"));
        await client.StartAsync();

        await client.Services.GetRequiredService<IClusterClient>().GetGrain<INoteGrain>(stream).Raise(new NoteAdded("over tls"));

        Assert.Equal(1, EventsOf(stream));
        await client.StopAsync();
    }

    [Fact]
    public async Task A_client_with_a_certificate_issued_by_the_trusted_ca_connects_and_its_command_is_written()
    {
        var stream = Ids.New("tls-ca");
        var issued = TestCertificates.IssuedBy(cluster.Authority, "ca-client");
        using var client = cluster.Client(cluster.ClientTls(issued, "ca-client"));
        await client.StartAsync();

        await client.Services.GetRequiredService<IClusterClient>().GetGrain<INoteGrain>(stream).Raise(new NoteAdded("over tls"));

        Assert.Equal(1, EventsOf(stream));
        await client.StopAsync();
    }

    [Fact]
    public async Task A_client_without_tls_is_refused_and_writes_nothing()
    {
        var before = AllEvents();
        using var client = cluster.Client(new EventStoreTlsOptions());

        await AssertRefused(client);

        Assert.Equal(before, AllEvents());
    }

    [Fact]
    public async Task A_client_without_a_certificate_is_refused_when_the_silos_require_one()
    {
        var before = AllEvents();
        using var client = cluster.Client(cluster.ClientTls(certificate: null, "none"));

        await AssertRefused(client);

        Assert.Equal(before, AllEvents());
    }

    [Fact]
    public async Task A_client_presenting_an_unpinned_self_signed_certificate_is_refused()
    {
        var before = AllEvents();
        using var client = cluster.Client(cluster.ClientTls(cluster.StrangerCertificate, "stranger"));

        await AssertRefused(client);

        Assert.Equal(before, AllEvents());
    }

    [Fact]
    public async Task A_client_refuses_a_silo_whose_certificate_it_does_not_pin()
    {
        var before = AllEvents();
        var tls = cluster.ClientTls(cluster.PinnedClientCertificate, "pinned-client");
        tls.AllowedThumbprints = [cluster.StrangerCertificate.Thumbprint];
        using var client = cluster.Client(tls);

        await AssertRefused(client);

        Assert.Equal(before, AllEvents());
    }

    private static async Task AssertRefused(IHost client)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.StartAsync().WaitAsync(Bound));

        var refused = Assert.IsType<ConnectionFailedException>(error);
        Assert.Contains("Unable to connect to any of the 2 available gateways", refused.Message);
    }

    private long EventsOf(string stream) => cluster.Journal.Long($"SELECT COUNT(*) FROM events WHERE aggregate_id = '{stream}'") ?? 0;

    private long AllEvents() => cluster.Journal.Long("SELECT COUNT(*) FROM events") ?? 0;
}
