using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Journal;
using EventStore.Projections;
using EventStore.Store;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Projections;

/// <summary>
/// A cluster of its own holding only <see cref="ScriptedHistory"/>, written once through the event store
/// with chosen timestamps, so that every count, duration and time of the projections is known exactly.
/// </summary>
public class ScriptedHistoryCluster : JournalCluster
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ScriptedHistory? _history;

    /// <summary>The history, written on first use.</summary>
    internal async Task<ScriptedHistory> History()
    {
        await _gate.WaitAsync();
        try { return _history ??= await ScriptedHistory.WriteAsync(Client.GetEventStore()); }
        finally { _gate.Release(); }
    }
}

/// <summary>A <see cref="ScriptedHistoryCluster"/> on PostgreSQL.</summary>
public sealed class PostgresScriptedHistoryCluster : ScriptedHistoryCluster
{
    /// <inheritdoc />
    public override JournalProvider Provider => JournalProvider.Postgres;
}

[CollectionDefinition(Name)]
public sealed class ScriptedHistoryCollection : ICollectionFixture<ScriptedHistoryCluster>
{
    public const string Name = "projection-queries";
}

[CollectionDefinition(Name)]
public sealed class PostgresScriptedHistoryCollection : ICollectionFixture<PostgresScriptedHistoryCluster>
{
    public const string Name = "projection-queries-postgres";
}

/// <summary>
/// The journal of the query tests: 8 agents, 10 tasks and 8 memory entries in 3 namespaces, every event
/// dated <see cref="Base"/> plus a whole number of minutes (two days ago), the newest at minute 100.
/// </summary>
internal sealed class ScriptedHistory
{
    private const long Minute = 60_000;

    private ScriptedHistory(long @base) => Base = @base;

    /// <summary>Minute 0 of the history, in Unix ms.</summary>
    public long Base { get; }

    /// <summary>Minute <paramref name="minutes"/> of the history as the projections print it.</summary>
    public string At(int minutes) => Canon.Ms(Base + minutes * Minute);

    private DateTimeOffset D(int minutes) => DateTimeOffset.FromUnixTimeMilliseconds(Base + minutes * Minute);

    public static async Task<ScriptedHistory> WriteAsync(IEventStoreGrain store)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var history = new ScriptedHistory(now - 2 * 24 * 60 * Minute - now % Minute);
        await history.Write(store);
        return history;
    }

    private async Task Write(IEventStoreGrain store)
    {
        async Task Append(string id, string type, params (int Minute, IDomainEvent Payload)[] events) =>
            await store.Append(id, type, events.Select(e => new NewEvent(e.Payload) { Timestamp = Base + e.Minute * Minute }).ToList());
        const string agent = AggregateTypes.Agent, task = AggregateTypes.Task, memory = AggregateTypes.Memory;

        await Append("a1", agent,
            (0, new AgentSpawned("a1", "coder", AgentDomain.Core, ["csharp"])), (1, new AgentStarted("a1", D(1))),
            (2, new AgentTaskAssigned("a1", "t1", D(2))), (12, new AgentTaskCompleted("a1", "t1", "built", D(12), 600_000)),
            (13, new AgentTaskAssigned("a1", "t2", D(13))), (43, new AgentTaskCompleted("a1", "t2", "tested", D(43), 1_800_000)));
        await Append("a2", agent,
            (0, new AgentSpawned("a2", "tester", AgentDomain.Quality, [])), (1, new AgentStarted("a2", D(1))), (2, new AgentTaskAssigned("a2", "t3", D(2))));
        await Append("a3", agent,
            (0, new AgentSpawned("a3", "reviewer", AgentDomain.Security, [])), (1, new AgentStarted("a3", D(1))),
            (5, new AgentFailed("a3", "crash", null, D(5))), (6, new AgentStarted("a3", D(6))), (7, new AgentFailed("a3", "crash again", "at Review()", D(7))));
        await Append("a4", agent,
            (0, new AgentSpawned("a4", "deployer", AgentDomain.Deployment, [])), (1, new AgentStarted("a4", D(1))),
            (2, new AgentTaskAssigned("a4", "t4", D(2))), (5, new AgentTaskCompleted("a4", "t4", "deployed", D(5), 180_000)),
            (50, new AgentStopped("a4", "retired", D(50))));
        await Append("a5", agent, (10, new AgentSpawned("a5", "watcher", AgentDomain.Core, [])));
        await Append("a7", agent,
            (0, new AgentSpawned("a7", "optimizer", AgentDomain.Performance, [])), (1, new AgentStarted("a7", D(1))),
            (3, new AgentStatusChanged("a7", AgentStatus.Active, AgentStatus.Blocked)));
        await Append("a8", agent, (0, new AgentSpawned("a8", "runner", AgentDomain.Core, [])), (1, new AgentStarted("a8", D(1))));

        await Append("t1", task,
            (1, new TaskCreated("t1", "build", "Build it", "compile", TaskPriority.Normal, [], D(1))), (1, new TaskQueued("t1", TaskPriority.High, D(1))),
            (2, new TaskStarted("t1", "a1", D(2))), (12, new TaskCompleted("t1", "built", D(12), 600_000)));
        await Append("t2", task,
            (1, new TaskCreated("t2", "test", "Test it", "", TaskPriority.Low, ["t1"], D(1))),
            (13, new TaskStarted("t2", "a1", D(13))), (43, new TaskCompleted("t2", "tested", D(43), 1_800_000)));
        await Append("t3", task,
            (1, new TaskCreated("t3", "review", "Review it", "", TaskPriority.Critical, [], D(1))),
            (3, new TaskStarted("t3", "a2", D(3))), (20, new TaskFailed("t3", "lint errors", null, D(20), 0)));
        await Append("t4", task,
            (1, new TaskCreated("t4", "deploy", "Deploy it", "", TaskPriority.High, [], D(1))), (2, new TaskStarted("t4", "a4", D(2))),
            (3, new TaskFailed("t4", "flaky network", "at Deploy()", D(3), 0)), (3, new TaskQueued("t4", TaskPriority.Normal, D(3))),
            (3, new TaskStarted("t4", "a4", D(3))), (5, new TaskCompleted("t4", "deployed", D(5), 120_000)));
        await Append("t5", task,
            (1, new TaskCreated("t5", "docs", "Document it", "", TaskPriority.Normal, ["t1", "t2"], D(1))), (2, new TaskBlocked("t5", ["t1", "t2"], D(2))));
        await Append("t6", task,
            (1, new TaskCreated("t6", "research", "Research it", "", TaskPriority.Low, [], D(1))), (4, new TaskQueued("t6", TaskPriority.Low, D(4))),
            (5, new TaskBlocked("t6", ["api-key"], D(5))));
        await Append("t7", task,
            (1, new TaskCreated("t7", "cleanup", "Clean up", "", TaskPriority.Normal, [], D(1))), (4, new TaskBlocked("t7", ["t6"], D(4))),
            (6, new TaskQueued("t7", TaskPriority.Critical, D(6))));
        await Append("t8", task, (1, new TaskCreated("t8", "ops", "Operate", "", TaskPriority.Normal, [], D(1))), (8, new TaskStarted("t8", "a8", D(8))));
        await Append("t9", task,
            (1, new TaskCreated("t9", "migrate", "Migrate", "", TaskPriority.High, [], D(1))), (4, new TaskStarted("t9", "a7", D(4))),
            (5, new TaskFailed("t9", "oom", null, D(5), 0)), (6, new TaskQueued("t9", TaskPriority.High, D(6))),
            (7, new TaskStarted("t9", "a7", D(7))), (9, new TaskFailed("t9", "oom again", null, D(9), 1)));
        await Append("t10", task, (1, new TaskCreated("t10", "idle", "Wait", "", TaskPriority.Low, [], D(1))));

        await Append("ns-alpha", memory,
            (0, new MemoryStored("ns-alpha/plan", "ns-alpha", "plan", "document", 500, D(0))),
            (0, new MemoryStored("ns-alpha/notes", "ns-alpha", "notes", "text", 300, D(0))),
            (0, new MemoryStored("ns-alpha/cache", "ns-alpha", "cache", "blob", 1000, D(0))),
            (0, new MemoryStored("ns-alpha/draft", "ns-alpha", "draft", "text", 200, D(0))),
            (1, new MemoryRetrieved("ns-alpha/plan", "ns-alpha", "plan", D(1), 1)),
            (1, new MemoryRetrieved("ns-alpha/notes", "ns-alpha", "notes", D(1), 1)),
            (2, new MemoryRetrieved("ns-alpha/plan", "ns-alpha", "plan", D(2), 2)),
            (2, new MemoryRetrieved("ns-alpha/draft", "ns-alpha", "draft", D(2), 1)),
            (3, new MemoryRetrieved("ns-alpha/plan", "ns-alpha", "plan", D(3), 3)),
            (4, new MemoryStored("ns-alpha/draft", "ns-alpha", "draft", "text", 250, D(4))),
            (5, new MemoryDeleted("ns-alpha/notes", "ns-alpha", "notes", D(5))),
            (10, new MemoryExpired("ns-alpha/cache", "ns-alpha", "cache", D(10), D(9))));
        await Append("ns-beta", memory,
            (0, new MemoryStored("ns-beta/model", "ns-beta", "model", "embedding", 4096, D(0))),
            (0, new MemoryStored("ns-beta/old", "ns-beta", "old", "text", 100, D(0))),
            (1, new MemoryRetrieved("ns-beta/model", "ns-beta", "model", D(1), 1)),
            (1, new MemoryDeleted("ns-beta/old", "ns-beta", "old", D(1))),
            (2, new MemoryRetrieved("ns-beta/model", "ns-beta", "model", D(2), 2)),
            (2, new MemoryStored("ns-beta/old", "ns-beta", "old", "text", 150, D(2))),
            (3, new MemoryRetrieved("ns-beta/model", "ns-beta", "model", D(3), 3)),
            (3, new MemoryRetrieved("ns-beta/old", "ns-beta", "old", D(3), 1)),
            (4, new MemoryRetrieved("ns-beta/model", "ns-beta", "model", D(4), 4)),
            (4, new MemoryRetrieved("ns-beta/old", "ns-beta", "old", D(4), 2)),
            (5, new MemoryRetrieved("ns-beta/model", "ns-beta", "model", D(5), 5)));
        await Append("ns-gamma", memory,
            (0, new MemoryStored("ns-gamma/tmp", "ns-gamma", "tmp", "text", 64, D(0))),
            (0, new MemoryStored("ns-gamma/log", "ns-gamma", "log", "log", 700, D(0))),
            (1, new MemoryRetrieved("ns-gamma/log", "ns-gamma", "log", D(1), 1)),
            (3, new MemoryExpired("ns-gamma/tmp", "ns-gamma", "tmp", D(3), D(2))),
            (6, new MemoryDeleted("ns-gamma/log", "ns-gamma", "log", D(6))));

        // The newest event of the whole history, written last.
        await Append("a6", agent, (100, new AgentSpawned("a6", "helper", AgentDomain.Integration, [])));
    }
}

/// <summary>Every query of the AgentState projection against the scripted history, with values worked out by hand.</summary>
public abstract class AgentStateQueryTests(ScriptedHistoryCluster cluster)
{
    private IAgentStateProjection Projection => cluster.Client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key);

    private async Task<ScriptedHistory> CaughtUp()
    {
        var history = await cluster.History();
        var status = await Projection.CatchUp();
        Assert.Equal(status.HeadPosition, status.Checkpoint);
        return history;
    }

    private static string[] Ids(IEnumerable<AgentRecord> agents) => [.. agents.Select(a => a.AgentId).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Every_agent_holds_its_role_domain_status_task_counts_durations_errors_and_times()
    {
        var h = await CaughtUp();

        // id, role, domain, status, current task, completed, failed (tasks failed while it ran them), assigned, duration, errors, spawned, started, stopped, last activity
        string[] expected =
        [
            Canon.AgentLine("a1", "coder", "core", "idle", null, 2, 0, 2, 2_400_000, 0, h.At(0), h.At(1), "-", h.At(43)),
            Canon.AgentLine("a2", "tester", "quality", "active", "t3", 0, 1, 1, 0, 0, h.At(0), h.At(1), "-", h.At(2)),
            Canon.AgentLine("a3", "reviewer", "security", "error", null, 0, 0, 0, 0, 2, h.At(0), h.At(6), "-", h.At(7)),
            Canon.AgentLine("a4", "deployer", "deployment", "completed", null, 1, 1, 1, 180_000, 0, h.At(0), h.At(1), h.At(50), h.At(50)),
            Canon.AgentLine("a5", "watcher", "core", "idle", null, 0, 0, 0, 0, 0, h.At(10), "-", "-", h.At(10)),
            Canon.AgentLine("a6", "helper", "integration", "idle", null, 0, 0, 0, 0, 0, h.At(100), "-", "-", h.At(100)),
            Canon.AgentLine("a7", "optimizer", "performance", "blocked", null, 0, 2, 0, 0, 0, h.At(0), h.At(1), "-", h.At(3)),
            Canon.AgentLine("a8", "runner", "core", "active", null, 0, 0, 0, 0, 0, h.At(0), h.At(1), "-", h.At(1)),
        ];
        Assert.Equal(expected, (await Projection.GetAll()).Select(Canon.Line).Order(StringComparer.Ordinal));
        Assert.Equal(expected[0], Canon.Line((await Projection.GetAgent("a1"))!));
        Assert.Equal(expected[3], Canon.Line((await Projection.GetAgent("a4"))!));
        Assert.Null(await Projection.GetAgent("a9"));
    }

    [Fact]
    public async Task A_failed_task_is_charged_to_the_agent_that_started_the_failing_attempt()
    {
        await CaughtUp();

        // t3 failed under a2; t4's first attempt failed under a4 (its retry completed); both attempts of t9 failed under a7; t8 still runs on a8.
        Assert.Equal(1, (await Projection.GetAgent("a2"))!.FailedTasks);
        Assert.Equal(1, (await Projection.GetAgent("a4"))!.FailedTasks);
        Assert.Equal(2, (await Projection.GetAgent("a7"))!.FailedTasks);
        Assert.Equal(0, (await Projection.GetAgent("a8"))!.FailedTasks);
        Assert.Equal(0, (await Projection.GetAgent("a1"))!.FailedTasks);
    }

    [Fact]
    public async Task Agents_by_status_and_by_domain_and_the_active_count()
    {
        await CaughtUp();

        Assert.Equal(["a1", "a5", "a6"], Ids(await Projection.GetByStatus(AgentStatus.Idle)));
        Assert.Equal(["a2", "a8"], Ids(await Projection.GetByStatus(AgentStatus.Active)));
        Assert.Equal(["a7"], Ids(await Projection.GetByStatus(AgentStatus.Blocked)));
        Assert.Equal(["a4"], Ids(await Projection.GetByStatus(AgentStatus.Completed)));
        Assert.Equal(["a3"], Ids(await Projection.GetByStatus(AgentStatus.Error)));
        Assert.Equal(["a1", "a5", "a8"], Ids(await Projection.GetByDomain(AgentDomain.Core)));
        Assert.Equal(["a3"], Ids(await Projection.GetByDomain(AgentDomain.Security)));
        Assert.Equal(["a6"], Ids(await Projection.GetByDomain(AgentDomain.Integration)));
        Assert.Equal(["a2"], Ids(await Projection.GetByDomain(AgentDomain.Quality)));
        Assert.Equal(["a7"], Ids(await Projection.GetByDomain(AgentDomain.Performance)));
        Assert.Equal(["a4"], Ids(await Projection.GetByDomain(AgentDomain.Deployment)));
        Assert.Equal(2, await Projection.GetActiveCount());
    }

    [Fact]
    public async Task Average_task_duration_is_the_mean_of_every_agent_task_completion()
    {
        await CaughtUp();

        // a1: 600,000 + 1,800,000; a4: 180,000 → 2,580,000 / 3
        Assert.Equal(860_000d, await Projection.GetAverageTaskDurationMs());
    }

    [Fact]
    public async Task Health_lists_agents_in_error_and_idle_agents_without_activity_for_longer_than_the_threshold_until_now()
    {
        await CaughtUp();

        // The history is two days old and idleness is measured against the current time: with a 1-hour
        // threshold every idle agent (a1, a5, a6) is idle too long, with a 3-day threshold none is.
        var health = await Projection.GetHealth(TimeSpan.FromHours(1));

        Assert.Equal(["a3"], Ids(health.InError));
        Assert.Equal(["a1", "a5", "a6"], Ids(health.IdleTooLong));
        Assert.Empty((await Projection.GetHealth(TimeSpan.FromDays(3))).IdleTooLong);
    }
}

/// <summary>Every query of the TaskHistory projection against the scripted history, with values worked out by hand.</summary>
public abstract class TaskHistoryQueryTests(ScriptedHistoryCluster cluster)
{
    private ITaskHistoryProjection Projection => cluster.Client.GetGrain<ITaskHistoryProjection>(ITaskHistoryProjection.Key);

    private async Task<ScriptedHistory> CaughtUp()
    {
        var history = await cluster.History();
        var status = await Projection.CatchUp();
        Assert.Equal(status.HeadPosition, status.Checkpoint);
        return history;
    }

    private static string[] Ids(IEnumerable<TaskRecord> tasks) => [.. tasks.Select(t => t.TaskId).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Every_task_holds_its_type_status_priority_agent_dependencies_blockers_times_duration_result_error_and_retries()
    {
        var h = await CaughtUp();

        // id, type, title, status, priority, agent, dependencies, blocked by, created, started, completed, failed, duration, result, error, retries
        string[] expected =
        [
            Canon.TaskLine("t1", "build", "Build it", "completed", "high", "a1", "[]", "[]", h.At(1), h.At(2), h.At(12), "-", 600_000, "built", null, 0),
            Canon.TaskLine("t10", "idle", "Wait", "pending", "low", null, "[]", "[]", h.At(1), "-", "-", "-", null, null, null, 0),
            Canon.TaskLine("t2", "test", "Test it", "completed", "low", "a1", "[t1]", "[]", h.At(1), h.At(13), h.At(43), "-", 1_800_000, "tested", null, 0),
            Canon.TaskLine("t3", "review", "Review it", "failed", "critical", "a2", "[]", "[]", h.At(1), h.At(3), "-", h.At(20), null, null, "lint errors", 1),
            Canon.TaskLine("t4", "deploy", "Deploy it", "completed", "normal", "a4", "[]", "[]", h.At(1), h.At(3), h.At(5), h.At(3), 120_000, "deployed", "flaky network", 1),
            Canon.TaskLine("t5", "docs", "Document it", "blocked", "normal", null, "[t1,t2]", "[t1,t2]", h.At(1), "-", "-", "-", null, null, null, 0),
            Canon.TaskLine("t6", "research", "Research it", "blocked", "low", null, "[]", "[api-key]", h.At(1), "-", "-", "-", null, null, null, 0),
            Canon.TaskLine("t7", "cleanup", "Clean up", "queued", "critical", null, "[]", "[]", h.At(1), "-", "-", "-", null, null, null, 0),
            Canon.TaskLine("t8", "ops", "Operate", "in-progress", "normal", "a8", "[]", "[]", h.At(1), h.At(8), "-", "-", null, null, null, 0),
            Canon.TaskLine("t9", "migrate", "Migrate", "failed", "high", "a7", "[]", "[]", h.At(1), h.At(7), "-", h.At(9), null, null, "oom again", 2),
        ];
        Assert.Equal(expected, (await Projection.GetAll()).Select(Canon.Line).Order(StringComparer.Ordinal));
        Assert.Equal(expected[4], Canon.Line((await Projection.GetTask("t4"))!));
        Assert.Null(await Projection.GetTask("t11"));
    }

    [Fact]
    public async Task Tasks_by_status_by_agent_and_by_priority()
    {
        await CaughtUp();

        Assert.Equal(["t10"], Ids(await Projection.GetByStatus(TaskItemStatus.Pending)));
        Assert.Equal(["t7"], Ids(await Projection.GetByStatus(TaskItemStatus.Queued)));
        Assert.Equal(["t8"], Ids(await Projection.GetByStatus(TaskItemStatus.InProgress)));
        Assert.Equal(["t1", "t2", "t4"], Ids(await Projection.GetByStatus(TaskItemStatus.Completed)));
        Assert.Equal(["t3", "t9"], Ids(await Projection.GetByStatus(TaskItemStatus.Failed)));
        Assert.Equal(["t5", "t6"], Ids(await Projection.GetByStatus(TaskItemStatus.Blocked)));

        Assert.Equal(["t1", "t2"], Ids(await Projection.GetByAgent("a1")));
        Assert.Equal(["t3"], Ids(await Projection.GetByAgent("a2")));
        Assert.Equal(["t4"], Ids(await Projection.GetByAgent("a4")));
        Assert.Equal(["t9"], Ids(await Projection.GetByAgent("a7")));
        Assert.Equal(["t8"], Ids(await Projection.GetByAgent("a8")));
        Assert.Empty(await Projection.GetByAgent("a3"));

        // Queuing again sets the priority: t1 was queued high, t4 requeued normal, t7 queued critical.
        Assert.Equal(["t10", "t2", "t6"], Ids(await Projection.GetByPriority(TaskPriority.Low)));
        Assert.Equal(["t4", "t5", "t8"], Ids(await Projection.GetByPriority(TaskPriority.Normal)));
        Assert.Equal(["t1", "t9"], Ids(await Projection.GetByPriority(TaskPriority.High)));
        Assert.Equal(["t3", "t7"], Ids(await Projection.GetByPriority(TaskPriority.Critical)));
    }

    [Fact]
    public async Task Lists_come_in_pages_in_id_order_and_the_cursor_leads_through_every_page_once()
    {
        await CaughtUp();

        var seen = new List<string>();
        var pages = 0;
        for (string? after = null; ; )
        {
            var page = await Projection.GetAll(after, limit: 3);
            pages++;
            Assert.InRange(page.Count, 1, 3);
            seen.AddRange(page.Select(t => t.TaskId));
            if ((after = page.Next) is null) break;
        }
        Assert.Equal(4, pages); // 10 tasks, 3 a page
        Assert.Equal(["t1", "t10", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"], seen);

        var first = await Projection.GetByStatus(TaskItemStatus.Completed, limit: 2);
        Assert.Equal(["t1", "t2"], first.Select(t => t.TaskId));
        var second = await Projection.GetByStatus(TaskItemStatus.Completed, first.Next, limit: 2);
        Assert.Equal(["t4"], second.Select(t => t.TaskId));
        Assert.Null(second.Next);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(PageLimits.Max + 1)]
    public async Task A_page_limit_out_of_range_is_refused_naming_the_limit(int limit)
    {
        await cluster.History();

        var error = await Assert.ThrowsAsync<InvalidCommandException>(() => Projection.GetByStatus(TaskItemStatus.Completed, limit: limit));

        Assert.Equal("limit", error.Argument);
        Assert.Contains($"{PageLimits.Max}", error.Message);
    }

    [Fact]
    public async Task Completed_count_average_duration_and_outcome_rates()
    {
        await CaughtUp();

        Assert.Equal(3, await Projection.GetCompletedCount());
        // t1 600,000 + t2 1,800,000 + t4 120,000 (its successful attempt only) → 2,520,000 / 3
        Assert.Equal(840_000d, await Projection.GetAverageDurationMs());
        // completed: t1, t2, t4; failed now: t3, t9 (t4 failed once but completed)
        Assert.Equal(new TaskOutcomeRates(3, 2, 0.6, 0.4), await Projection.GetOutcomeRates());
    }

    [Fact]
    public async Task Blocked_tasks_come_with_their_blockers_and_a_requeued_task_is_no_longer_blocked()
    {
        await CaughtUp();

        var blocked = await Projection.GetBlockedTasks();

        Assert.Equal(["t5 <- [t1,t2]", "t6 <- [api-key]"], blocked.Select(b => $"{b.TaskId} <- {Canon.List(b.BlockedBy)}").Order(StringComparer.Ordinal));
        Assert.Empty((await Projection.GetTask("t7"))!.BlockedBy);
    }

    [Fact]
    public async Task Retry_count_counts_the_failed_attempts()
    {
        await CaughtUp();

        Assert.Equal(0, (await Projection.GetTask("t1"))!.RetryCount);
        Assert.Equal(1, (await Projection.GetTask("t3"))!.RetryCount);
        Assert.Equal(1, (await Projection.GetTask("t4"))!.RetryCount);
        Assert.Equal(2, (await Projection.GetTask("t9"))!.RetryCount);
    }
}

/// <summary>Every query of the MemoryIndex projection against the scripted history, with values worked out by hand.</summary>
public abstract class MemoryIndexQueryTests(ScriptedHistoryCluster cluster)
{
    private IMemoryIndexProjection Projection => cluster.Client.GetGrain<IMemoryIndexProjection>(IMemoryIndexProjection.Key);

    private async Task<ScriptedHistory> CaughtUp()
    {
        var history = await cluster.History();
        var status = await Projection.CatchUp();
        Assert.Equal(status.HeadPosition, status.Checkpoint);
        return history;
    }

    private static string[] Ids(IEnumerable<MemoryRecord> memories) => [.. memories.Select(m => m.MemoryId).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Every_entry_holds_its_namespace_key_type_size_accesses_and_times()
    {
        var h = await CaughtUp();

        // A re-store resets the reads (draft) and revives a deleted key (beta/old).
        var all = new Dictionary<string, string>
        {
            ["ns-alpha/cache"] = Canon.MemoryLine("ns-alpha/cache", "ns-alpha", "cache", "blob", 1000, 0, h.At(0), "-", "-", h.At(10)),
            ["ns-alpha/draft"] = Canon.MemoryLine("ns-alpha/draft", "ns-alpha", "draft", "text", 250, 0, h.At(4), "-", "-", "-"),
            ["ns-alpha/notes"] = Canon.MemoryLine("ns-alpha/notes", "ns-alpha", "notes", "text", 300, 1, h.At(0), h.At(1), h.At(5), "-"),
            ["ns-alpha/plan"] = Canon.MemoryLine("ns-alpha/plan", "ns-alpha", "plan", "document", 500, 3, h.At(0), h.At(3), "-", "-"),
            ["ns-beta/model"] = Canon.MemoryLine("ns-beta/model", "ns-beta", "model", "embedding", 4096, 5, h.At(0), h.At(5), "-", "-"),
            ["ns-beta/old"] = Canon.MemoryLine("ns-beta/old", "ns-beta", "old", "text", 150, 2, h.At(2), h.At(4), "-", "-"),
            ["ns-gamma/log"] = Canon.MemoryLine("ns-gamma/log", "ns-gamma", "log", "log", 700, 1, h.At(0), h.At(1), h.At(6), "-"),
            ["ns-gamma/tmp"] = Canon.MemoryLine("ns-gamma/tmp", "ns-gamma", "tmp", "text", 64, 0, h.At(0), "-", "-", h.At(3)),
        };
        foreach (var (id, line) in all) Assert.Equal(line, Canon.Line((await Projection.GetMemory(id.Split('/')[0], id))!));
        Assert.Null(await Projection.GetMemory("ns-alpha", "ns-alpha/missing"));
        Assert.Null(await Projection.GetMemory("ns-beta", "ns-alpha/plan")); // another namespace's memory id

        Assert.Equal([all["ns-alpha/cache"], all["ns-alpha/draft"], all["ns-alpha/notes"], all["ns-alpha/plan"]],
            (await Projection.GetByNamespace("ns-alpha")).Select(Canon.Line).Order(StringComparer.Ordinal));
        Assert.Equal(["ns-beta/model", "ns-beta/old"], Ids(await Projection.GetByNamespace("ns-beta")));
        Assert.Equal(["ns-gamma/log", "ns-gamma/tmp"], Ids(await Projection.GetByNamespace("ns-gamma")));
        Assert.Empty(await Projection.GetByNamespace("ns-delta"));
    }

    [Fact]
    public async Task Active_entries_and_total_size_by_namespace_leave_out_deleted_and_expired_entries()
    {
        await CaughtUp();

        Assert.Equal(["ns-alpha/draft", "ns-alpha/plan", "ns-beta/model", "ns-beta/old"], Ids(await Projection.GetActive()));
        var sizes = await Projection.GetTotalSizeByNamespace();
        Assert.Equal(750, sizes["ns-alpha"]);   // plan 500 + draft 250 (its latest size)
        Assert.Equal(4246, sizes["ns-beta"]);   // model 4096 + old 150 (stored again after its deletion)
        Assert.Equal(0, sizes.GetValueOrDefault("ns-gamma"));
        Assert.Equal(["ns-alpha", "ns-beta"], sizes.Where(kv => kv.Value != 0).Select(kv => kv.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Most_accessed_returns_at_most_the_limit_most_read_first()
    {
        await CaughtUp();

        Assert.Empty(await Projection.GetMostAccessed(0));
        Assert.Equal(["ns-beta/model"], (await Projection.GetMostAccessed(1)).Select(m => m.MemoryId));
        var top = await Projection.GetMostAccessed(3);
        Assert.Equal(["ns-beta/model", "ns-alpha/plan", "ns-beta/old"], top.Select(m => m.MemoryId));
        Assert.Equal([5, 3, 2], top.Select(m => m.AccessCount));
    }

    [Fact]
    public async Task Removals_list_deleted_and_expired_entries_but_not_a_deleted_key_stored_again()
    {
        await CaughtUp();

        var removals = await Projection.GetRemovals();

        Assert.Equal(["ns-alpha/notes", "ns-gamma/log"], Ids(removals.Deleted));
        Assert.Equal(["ns-alpha/cache", "ns-gamma/tmp"], Ids(removals.Expired));
    }

    [Fact]
    public async Task Most_accessed_refuses_a_negative_limit()
    {
        await cluster.History();

        var error = await Assert.ThrowsAsync<InvalidCommandException>(() => Projection.GetMostAccessed(-1));

        Assert.Equal("limit", error.Argument);
    }
}

[Collection(ScriptedHistoryCollection.Name)]
public sealed class AgentStateQueryTests_Sqlite(ScriptedHistoryCluster cluster) : AgentStateQueryTests(cluster);

[Collection(PostgresScriptedHistoryCollection.Name)]
public sealed class AgentStateQueryTests_Postgres(PostgresScriptedHistoryCluster cluster) : AgentStateQueryTests(cluster);

[Collection(ScriptedHistoryCollection.Name)]
public sealed class TaskHistoryQueryTests_Sqlite(ScriptedHistoryCluster cluster) : TaskHistoryQueryTests(cluster);

[Collection(PostgresScriptedHistoryCollection.Name)]
public sealed class TaskHistoryQueryTests_Postgres(PostgresScriptedHistoryCluster cluster) : TaskHistoryQueryTests(cluster);

[Collection(ScriptedHistoryCollection.Name)]
public sealed class MemoryIndexQueryTests_Sqlite(ScriptedHistoryCluster cluster) : MemoryIndexQueryTests(cluster);

[Collection(PostgresScriptedHistoryCollection.Name)]
public sealed class MemoryIndexQueryTests_Postgres(PostgresScriptedHistoryCluster cluster) : MemoryIndexQueryTests(cluster);
