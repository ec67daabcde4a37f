using EventStore.Aggregates;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Journal;

public abstract class ConcurrencyTests(JournalCluster cluster)
{
    [Fact]
    public async Task Concurrent_commands_on_100_aggregates_give_contiguous_versions_and_one_row_per_receipt()
    {
        var prefix = Ids.New("load");
        var taskIds = Enumerable.Range(0, 100).Select(i => $"{prefix}-task-{i}").ToList();

        var receipts = await Task.WhenAll(taskIds.Select(async id =>
        {
            var task = cluster.Client.GetGrain<ITaskGrain>(id);
            return new[]
            {
                await task.Create("build", $"Task {id}", "", TaskPriority.Normal, []),
                await task.Queue(TaskPriority.High),
                await task.Start("agent-1"),
                await task.Complete("ok"),
            };
        }));

        var rows = cluster.Journal.Rows().Where(r => r.AggregateId.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        JournalAssert.IsConsistent(rows);
        Assert.Equal(400, rows.Count);
        var byId = rows.ToDictionary(r => r.Id);
        foreach (var receipt in receipts.SelectMany(r => r))
        {
            var row = byId[receipt.EventId];
            Assert.Equal((receipt.AggregateId, receipt.Version, receipt.Position, receipt.EventType), (row.AggregateId, row.Version, row.Position, row.Type));
        }
    }

    [Fact]
    public async Task Many_callers_on_one_aggregate_are_serialized_without_a_version_written_twice()
    {
        var id = Ids.New("note");
        var grain = cluster.Client.GetGrain<INoteGrain>(id);

        var versions = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => grain.Raise(new NoteAdded($"note {i}"))));

        Assert.Equal(Enumerable.Range(1, 50).Select(v => (long)v), versions.Order());
        var rows = cluster.Journal.Rows(id);
        JournalAssert.IsConsistent(rows);
        Assert.Equal(50, rows.Count);
    }

    [Fact]
    public async Task Commands_that_race_for_one_transition_let_exactly_one_win()
    {
        var id = Ids.New("swarm");
        var swarm = cluster.Client.GetGrain<ISwarmGrain>(id);
        await swarm.Initialize("mesh", 10, new Dictionary<string, string>());

        var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            try { await swarm.Terminate("done", new Dictionary<string, double>()); return true; }
            catch (Errors.InvalidTransitionException) { return false; }
        }));

        Assert.Equal(1, attempts.Count(won => won));
        Assert.Equal(2, cluster.Journal.Count(id));
    }
}

[Collection(SharedClusterCollection.Name)]
public sealed class ConcurrencyTests_Sqlite(JournalCluster cluster) : ConcurrencyTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class ConcurrencyTests_Postgres(PostgresJournalCluster cluster) : ConcurrencyTests(cluster);
