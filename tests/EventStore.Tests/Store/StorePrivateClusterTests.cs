using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Journal;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using static EventStore.Tests.Store.StoreTestKit;

namespace EventStore.Tests.Store;

/// <summary>A cluster of its own: these tests check journal-wide numbers and files, which other tests' writes would disturb.</summary>
public class StorePrivateCluster : JournalCluster;

/// <summary>A <see cref="StorePrivateCluster"/> on PostgreSQL.</summary>
public sealed class PostgresStorePrivateCluster : StorePrivateCluster
{
    /// <inheritdoc />
    public override JournalProvider Provider => JournalProvider.Postgres;
}

[CollectionDefinition(Name)]
public sealed class StorePrivateCollection : ICollectionFixture<StorePrivateCluster>
{
    public const string Name = "store-private";
}

[CollectionDefinition(Name)]
public sealed class PostgresStorePrivateCollection : ICollectionFixture<PostgresStorePrivateCluster>
{
    public const string Name = "store-private-postgres";
}

/// <summary>Online backup and checkpoint of the SQLite file, on a journal only these tests write to (the stats: <see cref="StoreStatsTests"/>).</summary>
[Collection(StorePrivateCollection.Name)]
public sealed class StorePrivateClusterTests(StorePrivateCluster cluster)
{
    private IEventStoreGrain Store => cluster.Client.GetEventStore();

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
}
