using System.Text.Json;
using EventStore.Aggregates;
using EventStore.Events;
using EventStore.LogConsistency;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace EventStore.Tests.Store;

/// <summary>
/// An aggregate's own snapshots are the grain's alone: a snapshot saved through the store, even a well-formed
/// one in the grain's own encoding, is never adopted by the grain.
/// </summary>
public abstract class SnapshotOwnershipTests(JournalCluster cluster)
{
    private const int Events = 130; // past the default snapshot interval of 100: the grain snapshots itself at 100

    private IEventStoreGrain Store => cluster.Client.GetEventStore();

    [Theory]
    [InlineData(100)] // the version of the grain's own snapshot
    [InlineData(Events)] // a higher one, the stream's head
    public async Task A_forged_snapshot_saved_through_the_store_is_never_adopted_by_the_grain(long forgedVersion)
    {
        var (task, id) = await TaskWithEvents(Events);
        var seen = await Store.GetSnapshot(id);

        // A client-made state in the grain's own encoding, at the forged version: the task retitled.
        var journal = await Store.GetEvents(id);
        var forged = new TaskView();
        foreach (var e in journal.Where(e => e.Version <= forgedVersion))
            forged.Apply(e with { Payload = e.Payload is TaskCreated created ? created with { Title = "forged" } : e.Payload });
        var codec = new SnapshotCodec<TaskView>(cluster.Client.ServiceProvider.GetRequiredService<Serializer>());
        var snapshot = new Snapshot(id, AggregateTypes.Task, forgedVersion, codec.Encode(forged), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await Store.SaveSnapshot(snapshot);

        await cluster.DeactivateAsync(task);
        var state = await task.GetState();

        Assert.Equal(Json(Fold(journal)), Json(state));
        Assert.Equal("the task", state.Title);
        // The store keeps what the client saved, as saved; the grain's own snapshot is not the store's to hand out.
        Assert.Null(seen);
        Assert.Equal(snapshot, await Store.GetSnapshot(id));
        // The grain still has its own snapshot and its next command lands after the journal's head.
        Assert.Equal(Events + 1, (await task.Queue(TaskPriority.Low)).Version);
    }

    /// <summary>A task created, then blocked and queued in turn: <paramref name="events"/> events in all.</summary>
    private async Task<(ITaskGrain Task, string Id)> TaskWithEvents(int events)
    {
        var id = Ids.New("task");
        var task = cluster.Client.GetGrain<ITaskGrain>(id);
        await task.Create("review", "the task", "", TaskPriority.High, []);
        for (var i = 1; i < events; i++)
        {
            if (i % 2 == 1) await task.Block(["blocker"]);
            else await task.Queue(TaskPriority.Normal);
        }
        return (task, id);
    }

    private static TaskView Fold(IEnumerable<EventEnvelope> events)
    {
        var view = new TaskView();
        foreach (var e in events) view.Apply(e);
        return view;
    }

    private static string Json(TaskView view) => JsonSerializer.Serialize(view);
}

[Collection(SharedClusterCollection.Name)]
public sealed class SnapshotOwnershipTests_Sqlite(JournalCluster cluster) : SnapshotOwnershipTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class SnapshotOwnershipTests_Postgres(PostgresJournalCluster cluster) : SnapshotOwnershipTests(cluster);
