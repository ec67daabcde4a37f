using EventStore.Aggregates;
using EventStore.Projections;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Projections;

/// <summary>Read-model records are keyed by their stream: no id written by one aggregate reaches another one's record.</summary>
public abstract class ReadModelKeyTests(JournalCluster cluster)
{
    private ITaskHistoryProjection Tasks => cluster.Client.GetGrain<ITaskHistoryProjection>(ITaskHistoryProjection.Key);

    private IMemoryIndexProjection Memories => cluster.Client.GetGrain<IMemoryIndexProjection>(IMemoryIndexProjection.Key);

    [Fact]
    public async Task Two_namespaces_storing_the_same_memory_id_each_keep_their_own_record()
    {
        var (first, second, memoryId) = (Ids.New("ns"), Ids.New("ns"), Ids.New("memory"));
        await cluster.Client.GetGrain<IMemoryNamespaceGrain>(first).Store("plan", "document", 100, memoryId);
        await cluster.Client.GetGrain<IMemoryNamespaceGrain>(second).Store("notes", "text", 7, memoryId);
        await cluster.Client.GetGrain<IMemoryNamespaceGrain>(second).Retrieve("notes");

        var status = await Memories.CatchUp();
        Assert.Equal(status.HeadPosition, status.Checkpoint);

        var inFirst = Assert.Single(await Memories.GetByNamespace(first));
        var inSecond = Assert.Single(await Memories.GetByNamespace(second));
        Assert.Equal((memoryId, first, "plan", 100L, 0), (inFirst.MemoryId, inFirst.Namespace, inFirst.Key, inFirst.Size, inFirst.AccessCount));
        Assert.Equal((memoryId, second, "notes", 7L, 1), (inSecond.MemoryId, inSecond.Namespace, inSecond.Key, inSecond.Size, inSecond.AccessCount));
        Assert.Equal(100, (await Memories.GetTotalSizeByNamespace())[first]);
        Assert.Equal("plan", (await Memories.GetMemory(first, memoryId))?.Key);
        Assert.Equal("notes", (await Memories.GetMemory(second, memoryId))?.Key);
    }

    [Fact]
    public async Task A_task_row_whose_payload_names_another_task_updates_only_its_own_stream_record()
    {
        // The journal refuses such a payload; a writer outside the silo can still put one in the file.
        var (t2, t3) = (Ids.New("task"), Ids.New("task"));
        await cluster.Client.GetGrain<ITaskGrain>(t2).Create("build", "Task two", "", TaskPriority.High, []);
        cluster.Journal.InsertOutside(t3, "task", 1, "task:created", OutsidePayload.Of(new
        {
            taskId = t2, taskType = "import", title = "Task three", description = "", priority = "low", dependencies = Array.Empty<string>(), createdAt = DateTimeOffset.UtcNow,
        }));
        cluster.Journal.InsertOutside(t3, "task", 2, "task:queued", OutsidePayload.Of(new { taskId = t3, priority = "critical", queuedAt = DateTimeOffset.UtcNow }));

        var status = await Tasks.CatchUp();
        Assert.Equal(status.HeadPosition, status.Checkpoint);

        var two = await Tasks.GetTask(t2);
        var three = await Tasks.GetTask(t3);
        Assert.Equal((t2, "Task two", TaskItemStatus.Pending, TaskPriority.High), (two!.TaskId, two.Title, two.Status, two.Priority));
        Assert.Equal((t3, "Task three", TaskItemStatus.Queued, TaskPriority.Critical), (three!.TaskId, three.Title, three.Status, three.Priority));
    }
}

[Collection(SharedClusterCollection.Name)]
public sealed class ReadModelKeyTests_Sqlite(JournalCluster cluster) : ReadModelKeyTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class ReadModelKeyTests_Postgres(PostgresJournalCluster cluster) : ReadModelKeyTests(cluster);
