using EventStore.Errors;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using static EventStore.Tests.Store.StoreTestKit;

namespace EventStore.Tests.Store;

/// <summary>Snapshots saved and loaded through the event store.</summary>
public abstract class StoreSnapshotTests(JournalCluster cluster)
{
    private IEventStoreGrain Store => cluster.Client.GetEventStore();

    [Fact]
    public async Task A_saved_snapshot_is_loaded_back_exactly_as_saved()
    {
        var (id, kind) = (Ids.New("ledger"), Kind());
        await Store.Append(id, kind, Notes(3));
        Assert.Null(await Store.GetSnapshot(id));
        var snapshot = new Snapshot(id, kind, 2, """{"notes":["note 1","note 2"],"quote":"it's"}""", 1_700_000_000_777);

        await Store.SaveSnapshot(snapshot);

        Assert.Equal(snapshot, await Store.GetSnapshot(id));
        Assert.Equal((kind, 2L, snapshot.State), cluster.Journal.StoreSnapshot(id));
        Assert.Null(await Store.GetSnapshot(Ids.New("ledger")));
    }

    [Fact]
    public async Task Saving_an_older_snapshot_after_a_newer_one_keeps_the_newer()
    {
        var (id, kind) = (Ids.New("ledger"), Kind());
        await Store.Append(id, kind, Notes(5));
        var v4 = new Snapshot(id, kind, 4, "state at 4", 1_700_000_000_004);

        await Store.SaveSnapshot(v4);
        await Store.SaveSnapshot(new Snapshot(id, kind, 2, "state at 2", 1_700_000_000_099));

        Assert.Equal(v4, await Store.GetSnapshot(id));

        var v5 = new Snapshot(id, kind, 5, "state at 5", 1_700_000_000_005);
        await Store.SaveSnapshot(v5);
        Assert.Equal(v5, await Store.GetSnapshot(id));
        Assert.Equal((kind, 5L, "state at 5"), cluster.Journal.StoreSnapshot(id)); // one row per aggregate, the newest
    }

    [Fact]
    public async Task A_snapshot_for_a_version_the_aggregate_does_not_have_is_refused_and_keeps_the_stored_one()
    {
        var (id, kind) = (Ids.New("ledger"), Kind());
        await Store.Append(id, kind, Notes(2));
        var stored = new Snapshot(id, kind, 2, "state at 2", 1_700_000_000_002);
        await Store.SaveSnapshot(stored);
        var snapshots = cluster.KindSnapshotRows();

        var beyond = await Assert.ThrowsAsync<InvalidCommandException>(() => Store.SaveSnapshot(stored with { Version = 3, State = "from the future" }));
        var unknown = Ids.New("ledger");
        var nowhere = await Assert.ThrowsAsync<InvalidCommandException>(() => Store.SaveSnapshot(new Snapshot(unknown, kind, 1, "{}", 1)));
        var otherType = await Assert.ThrowsAsync<InvalidCommandException>(() => Store.SaveSnapshot(stored with { AggregateType = Kind(), State = "wrong type" }));

        Assert.Equal("Version", beyond.Argument);
        Assert.Contains($"'{id}'", beyond.Message);
        Assert.Contains("version 3", beyond.Message);
        Assert.Equal("Version", nowhere.Argument);
        Assert.Contains($"'{unknown}'", nowhere.Message);
        Assert.Equal("AggregateType", otherType.Argument);
        Assert.Equal(stored, await Store.GetSnapshot(id));
        Assert.Null(await Store.GetSnapshot(unknown));
        Assert.Equal(snapshots, cluster.KindSnapshotRows());
    }
}

[Collection(SharedClusterCollection.Name)]
public sealed class StoreSnapshotTests_Sqlite(JournalCluster cluster) : StoreSnapshotTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class StoreSnapshotTests_Postgres(PostgresJournalCluster cluster) : StoreSnapshotTests(cluster);
