using EventStore.Aggregates;
using EventStore.Projections;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Projections;

/// <summary>Projection behaviour that other tests' events in the shared cluster do not disturb: each test looks at its own aggregates only.</summary>
public abstract class ProjectionSharedClusterTests(JournalCluster cluster)
{
    private IAgentStateProjection Agents => cluster.Client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key);
    private ITaskHistoryProjection Tasks => cluster.Client.GetGrain<ITaskHistoryProjection>(ITaskHistoryProjection.Key);
    private IMemoryIndexProjection Memories => cluster.Client.GetGrain<IMemoryIndexProjection>(IMemoryIndexProjection.Key);

    [Fact]
    public async Task Rows_written_without_a_stream_message_reach_the_read_models_on_the_timer()
    {
        // Active before the rows exist, so activation does not read them; no command follows, so no gap reveals them.
        await Agents.GetStatus();
        await Tasks.GetStatus();
        await Memories.GetStatus();
        var (agentId, taskId, ns) = (Ids.New("timer-agent"), Ids.New("timer-task"), Ids.New("timer-ns"));
        cluster.Journal.InsertOutside(agentId, "agent", 1, "agent:spawned", OutsidePayload.Of(new { agentId, role = "importer", domain = "security", capabilities = new[] { "sql" } }));
        cluster.Journal.InsertOutside(taskId, "task", 1, "task:created", OutsidePayload.Of(new
        {
            taskId, taskType = "import", title = "Imported", description = "", priority = "critical", dependencies = Array.Empty<string>(), createdAt = DateTimeOffset.UtcNow,
        }));
        cluster.Journal.InsertOutside(ns, "memory", 1, "memory:stored", OutsidePayload.Of(new
        {
            memoryId = $"{ns}/k", @namespace = ns, key = "k", memoryType = "text", size = 7, storedAt = DateTimeOffset.UtcNow,
        }));

        var agent = await Eventually.Until(() => Agents.GetAgent(agentId), a => a is not null, "the outside agent reaches AgentState");
        var task = await Eventually.Until(() => Tasks.GetTask(taskId), t => t is not null, "the outside task reaches TaskHistory");
        var memory = await Eventually.Until(() => Memories.GetMemory(ns, $"{ns}/k"), m => m is not null, "the outside entry reaches MemoryIndex");

        Assert.Equal(("importer", AgentDomain.Security, AgentStatus.Idle), (agent!.Role, agent.Domain, agent.Status));
        Assert.Equal((TaskItemStatus.Pending, TaskPriority.Critical), (task!.Status, task.Priority));
        Assert.Equal((ns, 7L, true), (memory!.Namespace, memory.Size, memory.IsActive));
    }

    [Fact]
    public async Task Overwriting_a_key_under_a_new_memory_id_leaves_only_the_new_entry_active_in_the_index()
    {
        var ns = Ids.New("ns");
        var memory = cluster.Client.GetGrain<IMemoryNamespaceGrain>(ns);
        await memory.Store("plan", "document", 100);
        await memory.Store("plan", "document", 300, memoryId: $"{ns}/plan-v2");
        await memory.Store("notes", "text", 20);
        await Memories.CatchUp();

        // The namespace itself now holds two entries: plan (under its new id, 300 bytes) and notes.
        var state = await memory.GetState();
        Assert.Equal(320, state.ActiveSize);
        Assert.Equal([$"{ns}/notes", $"{ns}/plan-v2"], state.Entries.Values.Where(e => e.IsActive).Select(e => e.MemoryId).Order(StringComparer.Ordinal));

        Assert.Equal([$"{ns}/notes", $"{ns}/plan-v2"],
            (await Memories.GetActive()).Where(m => m.Namespace == ns).Select(m => m.MemoryId).Order(StringComparer.Ordinal));
        Assert.Equal(state.ActiveSize, (await Memories.GetTotalSizeByNamespace()).GetValueOrDefault(ns));
    }
}

[Collection(SharedClusterCollection.Name)]
public sealed class ProjectionSharedClusterTests_Sqlite(JournalCluster cluster) : ProjectionSharedClusterTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class ProjectionSharedClusterTests_Postgres(PostgresJournalCluster cluster) : ProjectionSharedClusterTests(cluster);
