using EventStore.Errors;
using EventStore.Journal;
using EventStore.Store;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Reliability;

/// <summary>A flood of appends through a real silo while its writer is held: refused at once past the queue's limits, then recovered.</summary>
public abstract class OverloadTests(JournalProvider provider)
{
    [Fact]
    public async Task A_flood_through_the_store_grain_is_refused_while_the_writer_is_held_and_the_journal_recovers()
    {
        var (path, postgres) = (ReliabilityCluster.NewDatabasePath(), await ReliabilityCluster.NewPostgresDatabaseAsync(provider));
        try
        {
            await using var cluster = await ReliabilityCluster.StartAsync(path, j => j.MaxQueuedEvents = 40, postgres: postgres);
            var store = cluster.Client.GetEventStore();
            var calls = new List<Task<AppendResult>>();
            using (await cluster.SiloJournal.PauseWriterAsync())
            {
                for (var i = 0; i < 200; i++) calls.Add(store.Append(Ids.New("flood"), "ledger", [new NewEvent(new NoteAdded($"flood {i}"))]));
                // Every call past the limit comes back while the writer is still held: nobody waits for the queue to drain.
                var refused = await Poll.Until(() => Task.FromResult(calls.Count(c => c.IsFaulted)), n => n == 160, "160 appends refused while the writer is held");
                Assert.Equal(40, cluster.SiloJournal.QueuedEvents);
                foreach (var call in calls.Where(c => c.IsFaulted))
                    Assert.Contains("overloaded", (await Assert.ThrowsAsync<JournalUnavailableException>(() => call)).Message);
            }

            var acknowledged = await Task.WhenAll(calls.Where(c => !c.IsFaulted));
            Assert.Equal(40, acknowledged.Length);
            var after = await store.Append(Ids.New("after"), "ledger", [new NewEvent(new NoteAdded("after the flood"))]);
            var rows = cluster.Journal.Rows();
            Assert.Equal(41, rows.Count);
            JournalAssert.IsConsistent(rows, acknowledged.Append(after).SelectMany(r => r.Events));
        }
        finally
        {
            ReliabilityCluster.DeleteFolder(path);
            await ReliabilityCluster.DropPostgresDatabaseAsync(postgres);
        }
    }
}

public sealed class OverloadTests_Sqlite() : OverloadTests(JournalProvider.Sqlite);

public sealed class OverloadTests_Postgres() : OverloadTests(JournalProvider.Postgres);
