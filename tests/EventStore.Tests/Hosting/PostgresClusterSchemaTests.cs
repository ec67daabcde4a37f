using System.Net;
using EventStore.Journal.Postgres;
using EventStore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;

namespace EventStore.Tests.Hosting;

/// <summary>
/// The project's own SQL for Orleans' ADO.NET clustering on PostgreSQL, driven through Orleans' own membership table
/// and gateway list provider (Microsoft.Orleans.Clustering.AdoNet), on a fresh database per test.
/// </summary>
public sealed class PostgresClusterSchemaTests : IAsyncLifetime
{
    private const string ClusterId = "schema-test";
    private string _database = "";

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync("cluster_schema");

    public Task DisposeAsync() => PostgresServer.DropDatabaseAsync(_database);

    [Fact]
    public async Task Installs_started_at_once_on_a_fresh_database_all_succeed_and_only_one_writes()
    {
        var installs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => PostgresClusterSchema.InstallAsync(_database, CancellationToken.None))));

        Assert.Equal(1, installs.Count(written => written));
        Assert.False(await PostgresClusterSchema.InstallAsync(_database, CancellationToken.None));
    }

    [Fact]
    public async Task The_membership_table_inserts_updates_and_reads_rows_only_at_the_expected_version()
    {
        await PostgresClusterSchema.InstallAsync(_database, CancellationToken.None);
        var table = MembershipTable();
        await table.InitializeMembershipTableAsync(true, CancellationToken.None);
        await MembershipTable().InitializeMembershipTableAsync(true, CancellationToken.None); // a second silo: the version row exists

        var empty = await table.ReadAllAsync(CancellationToken.None);
        Assert.Empty(empty.Members);
        var first = Entry(11111, SiloStatus.Joining);
        Assert.True(await table.InsertRowAsync(first, empty.Version.Next(), CancellationToken.None));
        Assert.False(await table.InsertRowAsync(Entry(11112, SiloStatus.Joining), empty.Version.Next(), CancellationToken.None)); // stale version: nothing written

        var one = await table.ReadAllAsync(CancellationToken.None);
        var (stored, etag) = Assert.Single(one.Members);
        Assert.Equal(first.SiloAddress, stored.SiloAddress);
        first.Status = SiloStatus.Active;
        first.AddOrUpdateSuspector(Entry(11113, SiloStatus.Active).SiloAddress, DateTime.UtcNow, maxVotes: 10);
        Assert.False(await table.UpdateRowAsync(first, etag, empty.Version.Next(), CancellationToken.None)); // stale version
        Assert.False(await table.UpdateRowAsync(Entry(11114, SiloStatus.Active), etag, one.Version.Next(), CancellationToken.None)); // no such row: version not bumped
        Assert.True(await table.UpdateRowAsync(first, etag, one.Version.Next(), CancellationToken.None));

        var alive = new DateTime(2026, 11, 27, 12, 0, 0, 123, DateTimeKind.Utc);
        first.IAmAliveTime = alive;
        await table.UpdateIAmAliveAsync(first, CancellationToken.None);
        var read = await table.ReadRowAsync(first.SiloAddress, CancellationToken.None);
        var (row, _) = Assert.Single(read.Members);
        Assert.Equal((SiloStatus.Active, first.ProxyPort, "host-11111", "silo-11111", alive), (row.Status, row.ProxyPort, row.HostName, row.SiloName, row.IAmAliveTime));
        Assert.Single(row.SuspectTimes!);
        Assert.Equal(one.Version.Version + 1, read.Version.Version);
    }

    [Fact]
    public async Task Clients_see_only_active_gateways_and_cleanup_removes_only_long_dead_silos()
    {
        await PostgresClusterSchema.InstallAsync(_database, CancellationToken.None);
        var table = MembershipTable();
        await table.InitializeMembershipTableAsync(true, CancellationToken.None);
        var (active, dead, joining) = (Entry(11111, SiloStatus.Active), Entry(11112, SiloStatus.Dead), Entry(11113, SiloStatus.Joining));
        foreach (var entry in new[] { active, dead, joining })
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));

        var gateways = new AdoNetGatewayListProvider(NullLogger<AdoNetGatewayListProvider>.Instance, new ServiceCollection().BuildServiceProvider(),
            Options.Create(new AdoNetClusteringClientOptions { Invariant = "Npgsql", ConnectionString = _database }),
            Options.Create(new GatewayOptions()), Options.Create(new ClusterOptions { ClusterId = ClusterId }));
        await gateways.InitializeGatewayListProvider();
        Assert.Equal(active.ProxyPort, (await gateways.GetGateways()).Single().Port);

        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(-1), CancellationToken.None); // nobody dead that long
        Assert.Equal(3, (await table.ReadAllAsync(CancellationToken.None)).Members.Count);
        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);
        Assert.Equal([active.SiloAddress, joining.SiloAddress], (await table.ReadAllAsync(CancellationToken.None)).Members.Select(m => m.Item1.SiloAddress).OrderBy(a => a.Endpoint.Port));

        await table.DeleteMembershipTableEntriesAsync(ClusterId, CancellationToken.None);
        await table.InitializeMembershipTableAsync(true, CancellationToken.None);
        Assert.Empty((await table.ReadAllAsync(CancellationToken.None)).Members);
    }

    private AdoNetClusteringTable MembershipTable() =>
        new(new ServiceCollection().BuildServiceProvider(), Options.Create(new ClusterOptions { ClusterId = ClusterId }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = "Npgsql", ConnectionString = _database }), NullLogger<AdoNetClusteringTable>.Instance);

    private static MembershipEntry Entry(int port, SiloStatus status)
    {
        var now = DateTime.UtcNow;
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(IPAddress.Loopback, port, 1),
            HostName = $"host-{port}",
            SiloName = $"silo-{port}",
            Status = status,
            ProxyPort = port + 1000,
            StartTime = now,
            IAmAliveTime = now,
        };
    }
}
