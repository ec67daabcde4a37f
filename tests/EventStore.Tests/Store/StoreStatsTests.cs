using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using static EventStore.Tests.Store.StoreTestKit;

namespace EventStore.Tests.Store;

/// <summary>The store's stats on a journal only these tests (and the backup tests, on SQLite) write to, on both backends.</summary>
public abstract class StoreStatsTests(StorePrivateCluster cluster)
{
    private const long Oldest = 1_000;              // 1970, older than anything else in the journal
    private const long Newest = 4_102_444_800_000;  // 2100, newer than anything else in the journal

    private IEventStoreGrain Store => cluster.Client.GetEventStore();

    [Fact]
    public async Task Stats_after_a_mixed_workload_match_counts_computed_independently()
    {
        var before = await Store.GetStats();
        AssertMatchesRawJournal(before);
        var (ledger, audit) = (Kind("ledger"), Kind("audit"));
        var (l1, l2, a1, agent, swarm, task) = (Ids.New("l1"), Ids.New("l2"), Ids.New("a1"), Ids.New("agent"), Ids.New("swarm"), Ids.New("task"));
        var sample = SampleEvents.Naming(agent);

        await Store.Append(l1, ledger, [Note("oldest", Oldest), Note("l1 b"), Note("l1 c")]);
        await Store.Append(l2, ledger, Notes(2));
        await Store.Append(a1, audit, [new NewEvent(sample.OfType<SwarmMilestoneReached>().Single()), Note("newest", Newest)]);
        await Store.Append(agent, AggregateTypes.Agent, [new NewEvent(sample.OfType<AgentSpawned>().Single()), new NewEvent(sample.OfType<AgentStatusChanged>().Single())]);
        await Store.Append(swarm, AggregateTypes.Swarm, [new NewEvent(sample.OfType<SwarmInitialized>().Single())]);
        await Store.Append(swarm, AggregateTypes.Swarm, [new NewEvent(sample.OfType<SwarmScaled>().Single())], expectedVersion: 1);
        await cluster.Client.GetGrain<ITaskGrain>(task).Create("review", "Review", "", TaskPriority.High, []);
        await cluster.Client.GetGrain<ITaskGrain>(task).Queue(TaskPriority.Low);
        // Refused and retried appends add nothing.
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.Append(l2, ledger, [Note()], expectedVersion: 0));
        var retried = Ids.New("event");
        await Store.Append(l2, ledger, [Note("once", id: retried)]);
        Assert.True((await Store.Append(l2, ledger, [Note("once", id: retried)])).WasRetry);
        await Store.SaveSnapshot(new Snapshot(l1, ledger, 2, "l1 at 2", 1));
        await Store.SaveSnapshot(new Snapshot(l1, ledger, 1, "l1 at 1 (ignored)", 2));
        await Store.SaveSnapshot(new Snapshot(agent, AggregateTypes.Agent, 2, "agent at 2", 3));

        // The journal only grows (the files while no checkpoint runs; the tables, which nothing deletes from): the reported size
        // lies between the sizes measured around the call, of the file and its WAL on SQLite, of the tables on PostgreSQL.
        var sizeBefore = cluster.Journal.SizeBytes();
        var after = await Store.GetStats();
        var sizeAfter = cluster.Journal.SizeBytes();

        var appendedByType = new Dictionary<string, long>
        {
            [NoteType] = 3 + 2 + 1 + 1, ["swarm:milestone-reached"] = 1, ["agent:spawned"] = 1, ["agent:status-changed"] = 1,
            ["swarm:initialized"] = 1, ["swarm:scaled"] = 1, ["task:created"] = 1, ["task:queued"] = 1,
        };
        var appendedByAggregateType = new Dictionary<string, long>
        {
            [ledger] = 6, [audit] = 2, [AggregateTypes.Agent] = 2, [AggregateTypes.Swarm] = 2, [AggregateTypes.Task] = 2,
        };
        Assert.Equal(14, after.TotalEvents - before.TotalEvents);
        foreach (var (type, count) in appendedByType) Assert.Equal((type, count), (type, after.EventsByType[type] - before.EventsByType.GetValueOrDefault(type)));
        foreach (var (type, count) in appendedByAggregateType)
            Assert.Equal((type, count), (type, after.EventsByAggregateType[type] - before.EventsByAggregateType.GetValueOrDefault(type)));
        Assert.Equal(before.EventsByType.Keys.Union(appendedByType.Keys).Order(), after.EventsByType.Keys.Order());
        Assert.Equal(before.EventsByAggregateType.Keys.Union(appendedByAggregateType.Keys).Order(), after.EventsByAggregateType.Keys.Order());
        Assert.Equal(6, after.AggregateCount - before.AggregateCount);
        Assert.Equal(2, after.SnapshotCount - before.SnapshotCount);
        Assert.Equal((Oldest, Newest), (after.OldestTimestamp, after.NewestTimestamp));
        Assert.Equal(cluster.MaxPosition(), after.HeadPosition);
        Assert.True(after.HeadPosition >= before.HeadPosition + 14);
        Assert.True(after.JournalSizeBytes > 0);
        Assert.InRange(after.JournalSizeBytes, sizeBefore, sizeAfter);
        AssertMatchesRawJournal(after);
    }

    /// <summary>The stats equal what plain SQL counts in the journal's database.</summary>
    private void AssertMatchesRawJournal(EventStoreStats stats)
    {
        var journal = cluster.Journal;
        var raw = new
        {
            Total = journal.Count(),
            Aggregates = journal.Long("SELECT COUNT(DISTINCT aggregate_id) FROM events"),
            Snapshots = journal.SnapshotRows(),
            GrainSnapshots = journal.GrainSnapshotRows(),
            Head = journal.MaxPosition(),
        };
        var rows = journal.Rows();
        Assert.Equal(raw.Total, stats.TotalEvents);
        Assert.Equal(raw.Aggregates, stats.AggregateCount);
        Assert.Equal(raw.Snapshots, stats.SnapshotCount);
        Assert.Equal(raw.GrainSnapshots, stats.AggregateSnapshotCount);
        Assert.Equal(raw.Head, stats.HeadPosition);
        Assert.Equal(rows.CountBy(r => r.Type).Select(kv => KeyValuePair.Create(kv.Key, (long)kv.Value)).OrderBy(kv => kv.Key, StringComparer.Ordinal), stats.EventsByType.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        Assert.Equal(rows.CountBy(r => r.AggregateType).Select(kv => KeyValuePair.Create(kv.Key, (long)kv.Value)).OrderBy(kv => kv.Key, StringComparer.Ordinal), stats.EventsByAggregateType.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        if (raw.Total == 0)
        {
            Assert.Null(stats.OldestTimestamp);
            Assert.Null(stats.NewestTimestamp);
            return;
        }
        Assert.Equal(journal.Long("SELECT MIN(timestamp) FROM events"), stats.OldestTimestamp);
        Assert.Equal(journal.Long("SELECT MAX(timestamp) FROM events"), stats.NewestTimestamp);
    }
}

[Collection(StorePrivateCollection.Name)]
public sealed class StoreStatsTests_Sqlite(StorePrivateCluster cluster) : StoreStatsTests(cluster);

[Collection(PostgresStorePrivateCollection.Name)]
public sealed class StoreStatsTests_Postgres(PostgresStorePrivateCluster cluster) : StoreStatsTests(cluster);
