using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using static EventStore.Tests.Store.StoreTestKit;

namespace EventStore.Tests.Store;

/// <summary>A cluster of its own: these tests check journal-wide numbers and files, which other tests' writes would disturb.</summary>
public sealed class StorePrivateCluster : JournalCluster;

[CollectionDefinition(Name)]
public sealed class StorePrivateCollection : ICollectionFixture<StorePrivateCluster>
{
    public const string Name = "store-private";
}

/// <summary>Stats, online backup and checkpoint on a journal only these tests write to.</summary>
[Collection(StorePrivateCollection.Name)]
public sealed class StorePrivateClusterTests(StorePrivateCluster cluster)
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

        // The files only grow while no checkpoint runs: the reported size lies between the sizes measured around the call.
        var sizeBefore = FileSize(cluster.DatabasePath) + FileSize(cluster.DatabasePath + "-wal");
        var after = await Store.GetStats();
        var sizeAfter = FileSize(cluster.DatabasePath) + FileSize(cluster.DatabasePath + "-wal");

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

    [Fact]
    public async Task A_backup_taken_while_4_writers_append_is_an_intact_unbroken_prefix_of_the_log()
    {
        var kind = Kind("load");
        var backupName = $"{Ids.New("copy")}.db";
        var backupPath = Path.Combine(Path.GetDirectoryName(cluster.DatabasePath)!, "backups", backupName); // the default backup folder
        var appends = 0;
        var backupDone = false;
        var enoughWritten = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var id = $"{kind}-writer-{w}";
            var afterBackup = 0;
            // Appends until the backup is done, then 10 more, so writes go on before, during and after it.
            for (var i = 0; afterBackup < 10 && i < 5_000; i++)
            {
                if (Volatile.Read(ref backupDone)) afterBackup++;
                await Store.Append(id, kind, [Note($"w{w} #{i} a"), Note($"w{w} #{i} b")]);
                if (Interlocked.Increment(ref appends) == 40) enoughWritten.TrySetResult();
            }
        })).ToList();

        await enoughWritten.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var result = await Store.Backup(backupName);
        Volatile.Write(ref backupDone, true);
        await Task.WhenAll(writers);

        Assert.Equal(Path.GetFullPath(backupPath), result.Path);
        Assert.Equal(new FileInfo(backupPath).Length, result.SizeBytes);
        Assert.False(File.Exists(backupPath + "-wal"));
        Assert.Equal("ok", RawSql.Text(backupPath, "PRAGMA integrity_check", readOnly: true));
        Assert.Equal("delete", RawSql.Text(backupPath, "PRAGMA journal_mode", readOnly: true));
        var copy = RawSql.Rows(backupPath);
        var live = cluster.Journal.Rows();
        var copyHead = copy.Max(r => r.Position);
        Assert.Equal(copyHead, result.HeadPosition);
        // Every row of the copy is the live row at the same position, and no live row up to the copy's head is missing.
        Assert.Equal(live.Where(r => r.Position <= copyHead), copy);
        JournalAssert.IsConsistent(copy);
        var (copied, written) = (copy.Count(r => r.AggregateType == kind), live.Count(r => r.AggregateType == kind));
        Assert.True(copied >= 80, $"the copy holds {copied} of the writers' events; at least 40 appends of 2 were acknowledged before the backup started");
        Assert.True(written > copied, $"the writers wrote {written} events in all, none after the {copied} in the copy");
        Assert.Equal(0, copied % 2); // appends of 2 events are copied whole or not at all
        Assert.Equal(RawSql.Long(cluster.DatabasePath, "SELECT COUNT(*) FROM snapshots"), RawSql.Long(backupPath, "SELECT COUNT(*) FROM snapshots", readOnly: true));
        Assert.Equal(RawSql.Long(cluster.DatabasePath, "SELECT COUNT(*) FROM grain_snapshots"), RawSql.Long(backupPath, "SELECT COUNT(*) FROM grain_snapshots", readOnly: true));
    }

    [Fact]
    public async Task A_checkpoint_copies_the_WAL_into_the_database_and_truncates_it()
    {
        var (id, kind) = (Ids.New("ledger"), Kind());
        var wal = cluster.DatabasePath + "-wal";
        await Store.Append(id, kind, Enumerable.Range(0, 40).Select(i => Note(new string((char)('a' + i % 26), 4_000))).ToList());
        var walBefore = FileSize(wal);
        Assert.True(walBefore > 100_000, $"the WAL holds {walBefore} bytes after appending 160 KB");

        var result = await Store.Checkpoint();

        Assert.False(result.Busy);
        Assert.InRange(FileSize(wal), 0, 32 * 1024);
        Assert.Equal(40, (await Store.GetEvents(id)).Count);
        Assert.Equal(40, RawSql.Long(cluster.DatabasePath, $"SELECT COUNT(*) FROM events WHERE aggregate_id = '{id}'"));
        Assert.Equal("ok", RawSql.Text(cluster.DatabasePath, "PRAGMA integrity_check"));
        Assert.Equal(41, (await Store.Append(id, kind, [Note()])).Version);
    }

    [Fact]
    public async Task A_checkpoint_reports_the_WAL_frames_it_copied_into_the_database()
    {
        var (id, kind) = (Ids.New("ledger"), Kind());
        await Store.Append(id, kind, Enumerable.Range(0, 40).Select(i => Note(new string((char)('a' + i % 26), 4_000))).ToList());
        // A WAL file is a 32-byte header, then frames of a 24-byte header and one page each.
        var pageSize = RawSql.Long(cluster.DatabasePath, "PRAGMA page_size");
        var framesInWal = (FileSize(cluster.DatabasePath + "-wal") - 32) / (24 + pageSize);
        Assert.True(framesInWal >= 40, $"the WAL holds {framesInWal} frames after appending 40 events of 4 KB");

        var result = await Store.Checkpoint();

        // CheckpointResult documents WalFrames as "frames in the WAL before the checkpoint" and CheckpointedFrames as
        // "frames copied into the database file": at least the 40 pages just appended, all of them copied.
        Assert.False(result.Busy);
        Assert.True(result.WalFrames >= 40, $"{result} after {framesInWal} frames were in the WAL");
        Assert.Equal(result.WalFrames, result.CheckpointedFrames);
    }

    [Fact]
    public async Task A_backup_onto_the_journal_itself_is_refused_and_the_journal_is_untouched()
    {
        var (id, kind) = (Ids.New("ledger"), Kind());
        await Store.Append(id, kind, Notes(2));
        var rows = cluster.Journal.Rows();

        var self = await Assert.ThrowsAsync<InvalidCommandException>(() => Store.Backup(cluster.DatabasePath));
        var wal = await Assert.ThrowsAsync<InvalidCommandException>(() => Store.Backup(cluster.DatabasePath + "-wal"));

        // A backup names a new file in the backup folder, never a path: the journal's files cannot be named at all.
        Assert.All(new[] { self, wal }, error =>
        {
            Assert.Equal("fileName", error.Argument);
            Assert.Contains("plain file name", error.Message);
        });
        Assert.Equal(rows, cluster.Journal.Rows());
        Assert.Equal("ok", RawSql.Text(cluster.DatabasePath, "PRAGMA integrity_check"));
        Assert.Equal(3, (await Store.Append(id, kind, [Note()])).Version);
    }

    /// <summary>The stats equal what plain SQL counts in the file.</summary>
    private void AssertMatchesRawJournal(EventStoreStats stats)
    {
        var path = cluster.DatabasePath;
        var raw = new
        {
            Total = RawSql.Long(path, "SELECT COUNT(*) FROM events"),
            Aggregates = RawSql.Long(path, "SELECT COUNT(DISTINCT aggregate_id) FROM events"),
            Snapshots = RawSql.Long(path, "SELECT COUNT(*) FROM snapshots"),
            GrainSnapshots = RawSql.Long(path, "SELECT COUNT(*) FROM grain_snapshots"),
            Head = RawSql.Long(path, "SELECT COALESCE(MAX(position), 0) FROM events"),
        };
        Assert.Equal(raw.Total, stats.TotalEvents);
        Assert.Equal(raw.Aggregates, stats.AggregateCount);
        Assert.Equal(raw.Snapshots, stats.SnapshotCount);
        Assert.Equal(raw.GrainSnapshots, stats.AggregateSnapshotCount);
        Assert.Equal(raw.Head, stats.HeadPosition);
        Assert.Equal(RawSql.Counts(path, "SELECT type, COUNT(*) FROM events GROUP BY type").OrderBy(kv => kv.Key), stats.EventsByType.OrderBy(kv => kv.Key));
        Assert.Equal(RawSql.Counts(path, "SELECT aggregate_type, COUNT(*) FROM events GROUP BY aggregate_type").OrderBy(kv => kv.Key), stats.EventsByAggregateType.OrderBy(kv => kv.Key));
        if (raw.Total == 0)
        {
            Assert.Null(stats.OldestTimestamp);
            Assert.Null(stats.NewestTimestamp);
            return;
        }
        Assert.Equal(RawSql.Long(path, "SELECT MIN(timestamp) FROM events"), stats.OldestTimestamp);
        Assert.Equal(RawSql.Long(path, "SELECT MAX(timestamp) FROM events"), stats.NewestTimestamp);
    }
}
