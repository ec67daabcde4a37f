using System.Collections.Concurrent;
using EventStore.Journal;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using static EventStore.Tests.Store.StoreTestKit;

namespace EventStore.Tests.Store;

/// <summary>A journal with a short busy timeout: appends give up on a lock held by someone else after 200 ms.</summary>
public sealed class ShortBusyTimeoutCluster : JournalCluster
{
    /// <inheritdoc />
    protected override void ConfigureJournal(JournalOptions options) => options.BusyTimeout = TimeSpan.FromMilliseconds(200);
}

[CollectionDefinition(Name)]
public sealed class ShortBusyTimeoutCollection : ICollectionFixture<ShortBusyTimeoutCluster>
{
    public const string Name = "short-busy-timeout";
}

/// <summary>A checkpoint, which any client may ask for, never makes a live append fail.</summary>
[Collection(ShortBusyTimeoutCollection.Name)]
public sealed class CheckpointUnderReadTests(ShortBusyTimeoutCluster cluster)
{
    private const int Writers = 4;
    private const int AppendsPerWriter = 40;
    private const int CheckpointCallers = 3;

    private IEventStoreGrain Store => cluster.Client.GetEventStore();

    [Fact]
    public async Task Checkpoints_held_up_by_a_long_read_fail_no_concurrent_append_and_report_themselves_incomplete()
    {
        var kind = Kind("load");
        await Store.Append(Ids.New("before"), kind, Notes(20));
        var failures = new ConcurrentQueue<Exception>();
        var results = new ConcurrentQueue<CheckpointResult>();
        using (var reader = RawSql.Open(cluster.DatabasePath, readOnly: true))
        {
            // A read transaction on a snapshot that needs the WAL (as a long backup or stats call would hold):
            // no checkpoint can complete while it lasts.
            using var transaction = reader.BeginTransaction(deferred: true);
            using (var read = reader.CreateCommand())
            {
                read.Transaction = transaction;
                read.CommandText = "SELECT COUNT(*) FROM events";
                Assert.True((long)read.ExecuteScalar()! >= 20);
            }
            await Store.Append(Ids.New("after-read"), kind, Notes(20)); // frames the reader's snapshot does not hold

            var writersDone = new CancellationTokenSource();
            var firstCheckpoint = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            // Clients asking for checkpoints again and again, until every append is done.
            var checkpoints = Enumerable.Range(0, CheckpointCallers).Select(_ => Task.Run(async () =>
            {
                while (!writersDone.IsCancellationRequested)
                {
                    results.Enqueue(await Store.Checkpoint());
                    firstCheckpoint.TrySetResult();
                }
            })).ToList();
            await firstCheckpoint.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                var id = Ids.New($"writer-{w}");
                for (var i = 0; i < AppendsPerWriter; i++)
                {
                    try
                    {
                        await Store.Append(id, kind, [Note($"w{w} #{i}")]);
                    }
                    catch (Exception ex)
                    {
                        failures.Enqueue(ex);
                    }
                }
            })).ToList();
            await Task.WhenAll(writers);
            writersDone.Cancel();
            await Task.WhenAll(checkpoints);
        }

        Assert.True(failures.IsEmpty, $"{failures.Count} of {Writers * AppendsPerWriter} appends failed beside the checkpoints; the first: {failures.FirstOrDefault()}");
        Assert.All(results, result => Assert.True(result.Busy, $"a checkpoint ran while a reader held an old snapshot, yet reports {result}"));
        // Once the reader is gone, a checkpoint completes and truncates the WAL.
        var free = await Store.Checkpoint();
        Assert.False(free.Busy, $"{free}");
        Assert.Equal(free.WalFrames, free.CheckpointedFrames);
        Assert.InRange(FileSize(cluster.DatabasePath + "-wal"), 0, 32 * 1024);
        Assert.Equal("ok", RawSql.Text(cluster.DatabasePath, "PRAGMA integrity_check"));
    }
}
