using System.Globalization;
using System.Text.Json;
using EventStore.Aggregates;
using EventStore.Projections;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Projections;

/// <summary>Bounded waiting for something that arrives asynchronously (a stream message, a timer tick).</summary>
internal static class Eventually
{
    /// <summary>Calls <paramref name="probe"/> until <paramref name="done"/> holds, for at most 10 s; fails the test naming <paramref name="what"/> otherwise.</summary>
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Still not true after 10 s: {what}");
            await Task.Delay(25);
        }
    }
}

/// <summary>The text forms in which expected and actual records are compared, field by field.</summary>
internal static class Canon
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>An enum value as the journal writes it ("in-progress").</summary>
    public static string Kebab(Enum value) => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    /// <summary>An instant, to the tick, in UTC; "-" for none.</summary>
    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture) : "-";

    /// <summary>A Unix-milliseconds instant in the same form.</summary>
    public static string Ms(long unixMs) => Time(DateTimeOffset.FromUnixTimeMilliseconds(unixMs));

    /// <summary>A list, order kept.</summary>
    public static string List(IEnumerable<string> items) => "[" + string.Join(",", items) + "]";

    public static string AgentLine(string id, string role, string domain, string status, string? current, int completed, int failed, int tasks,
        long durationMs, int errors, string spawnedAt, string startedAt, string stoppedAt, string lastActivityAt) =>
        $"{id} role={role} domain={domain} status={status} current={current ?? "-"} completed={completed} failed={failed} tasks={tasks} " +
        $"durationMs={durationMs} errors={errors} spawned={spawnedAt} started={startedAt} stopped={stoppedAt} lastActivity={lastActivityAt}";

    public static string TaskLine(string id, string type, string title, string status, string priority, string? agent, string dependencies, string blockedBy,
        string createdAt, string startedAt, string completedAt, string failedAt, long? durationMs, string? result, string? error, int retries) =>
        $"{id} type={type} title={title} status={status} priority={priority} agent={agent ?? "-"} deps={dependencies} blockedBy={blockedBy} " +
        $"created={createdAt} started={startedAt} completed={completedAt} failed={failedAt} durationMs={durationMs?.ToString(CultureInfo.InvariantCulture) ?? "-"} " +
        $"result={result ?? "-"} error={error ?? "-"} retries={retries}";

    public static string MemoryLine(string id, string @namespace, string key, string type, long size, int accessCount, string storedAt,
        string lastAccessedAt, string deletedAt, string expiredAt) =>
        $"{id} ns={@namespace} key={key} type={type} size={size} accesses={accessCount} stored={storedAt} lastAccess={lastAccessedAt} deleted={deletedAt} expired={expiredAt}";

    public static string Line(AgentRecord a) => AgentLine(a.AgentId, a.Role, Kebab(a.Domain), Kebab(a.Status), a.CurrentTaskId, a.CompletedTasks,
        a.FailedTasks, a.TaskCount, a.TotalTaskDurationMs, a.ErrorCount, Time(a.SpawnedAt), Time(a.StartedAt), Time(a.StoppedAt), Time(a.LastActivityAt));

    public static string Line(TaskRecord t) => TaskLine(t.TaskId, t.TaskType, t.Title, Kebab(t.Status), Kebab(t.Priority), t.AssignedAgentId,
        List(t.Dependencies), List(t.BlockedBy), Time(t.CreatedAt), Time(t.StartedAt), Time(t.CompletedAt), Time(t.FailedAt), t.DurationMs, t.Result, t.Error, t.RetryCount);

    public static string Line(MemoryRecord m) => MemoryLine(m.MemoryId, m.Namespace, m.Key, m.MemoryType, m.Size, m.AccessCount,
        Time(m.StoredAt), Time(m.LastAccessedAt), Time(m.DeletedAt), Time(m.ExpiredAt));

    /// <summary>A query result as JSON, to compare whole results before and after something.</summary>
    public static string Json(object value) => JsonSerializer.Serialize(value, Indented);
}

/// <summary>The projector grains of the three projections: the activations that fold the journal (queries go to stateless workers).</summary>
internal static class Projectors
{
    /// <summary>References to the three projector grains.</summary>
    public static IReadOnlyList<IAddressable> All(IGrainFactory grains) =>
        [.. Names.Select(name => grains.GetGrain<IProjector>(name))];

    /// <summary>The names of the three projections: the keys of their projector grains and of their streams.</summary>
    public static IReadOnlyList<string> Names { get; } = [new AgentStateProjection().Name, new TaskHistoryProjection().Name, new MemoryIndexProjection().Name];
}

/// <summary>An agent as the test expects the AgentState projection to hold it.</summary>
internal sealed class ExpectedAgent
{
    public required string Id { get; init; }
    public required string Role { get; init; }
    public required string Domain { get; init; }
    public string Status { get; set; } = "idle";
    public string? CurrentTask { get; set; }
    public int Completed { get; set; }
    public int Failed { get; set; }
    public int Tasks { get; set; }
    public long DurationMs { get; set; }
    public int Errors { get; set; }
    public required string SpawnedAt { get; init; }
    public string StartedAt { get; set; } = "-";
    public string StoppedAt { get; set; } = "-";
    public required string LastActivityAt { get; set; }

    public string Line => Canon.AgentLine(Id, Role, Domain, Status, CurrentTask, Completed, Failed, Tasks, DurationMs, Errors, SpawnedAt, StartedAt, StoppedAt, LastActivityAt);
}

/// <summary>A task as the test expects the TaskHistory projection to hold it.</summary>
internal sealed class ExpectedTask
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public required string Title { get; init; }
    public string Status { get; set; } = "pending";
    public required string Priority { get; set; }
    public string? Agent { get; set; }
    public required List<string> Dependencies { get; init; }
    public List<string> BlockedBy { get; set; } = [];
    public required string CreatedAt { get; init; }
    public string StartedAt { get; set; } = "-";
    public string CompletedAt { get; set; } = "-";
    public string FailedAt { get; set; } = "-";
    public long? DurationMs { get; set; }
    public string? Result { get; set; }
    public string? Error { get; set; }
    public int Retries { get; set; }

    public string Line => Canon.TaskLine(Id, Type, Title, Status, Priority, Agent, Canon.List(Dependencies), Canon.List(BlockedBy),
        CreatedAt, StartedAt, CompletedAt, FailedAt, DurationMs, Result, Error, Retries);
}

/// <summary>A memory entry as the test expects the MemoryIndex projection to hold it.</summary>
internal sealed class ExpectedMemory
{
    public required string Id { get; init; }
    public required string Namespace { get; init; }
    public required string Key { get; init; }
    public required string Type { get; init; }
    public required long Size { get; init; }
    public int AccessCount { get; set; }
    public required string StoredAt { get; init; }
    public string LastAccessedAt { get; set; } = "-";
    public string DeletedAt { get; set; } = "-";
    public string ExpiredAt { get; set; } = "-";
    public bool IsActive => DeletedAt == "-" && ExpiredAt == "-";

    public string Line => Canon.MemoryLine(Id, Namespace, Key, Type, Size, AccessCount, StoredAt, LastAccessedAt, DeletedAt, ExpiredAt);
}

/// <summary>
/// The three read models folded by the test itself from the journal's raw rows (plain SQL, JSON parsed
/// here), independently of the product's models: what the projections must equal once caught up.
/// </summary>
internal sealed class JournalFold
{
    private static readonly HashSet<string> KnownAgentEvents =
        ["agent:spawned", "agent:started", "agent:stopped", "agent:failed", "agent:status-changed", "agent:task-assigned", "agent:task-completed"];

    private readonly Dictionary<string, string> _runningTasks = new(StringComparer.Ordinal);

    public Dictionary<string, ExpectedAgent> Agents { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, ExpectedTask> Tasks { get; } = new(StringComparer.Ordinal);
    /// <summary>Expected memory entries by <see cref="MemoryKey"/>.</summary>
    public Dictionary<string, ExpectedMemory> Memories { get; } = new(StringComparer.Ordinal);

    /// <summary>The key of a memory entry: its namespace (its stream) and its memory id.</summary>
    public static string MemoryKey(string @namespace, string memoryId) => $"{@namespace}\n{memoryId}";

    /// <summary>The last position folded.</summary>
    public long Head { get; private set; }

    public static JournalFold Of(IEnumerable<JournalRow> rows)
    {
        var fold = new JournalFold();
        foreach (var row in rows.OrderBy(r => r.Position)) fold.Apply(row);
        return fold;
    }

    private void Apply(JournalRow row)
    {
        Head = Math.Max(Head, row.Position);
        using var document = JsonDocument.Parse(row.Payload);
        var p = document.RootElement;
        switch (row.AggregateType)
        {
            case "agent": ApplyAgent(row, p); break;
            case "task": ApplyTask(row, p); break;
            case "memory": ApplyMemory(row, p); break;
        }
    }

    private void ApplyAgent(JournalRow row, JsonElement p)
    {
        var at = Canon.Ms(row.Timestamp);
        if (row.Type == "agent:spawned")
        {
            Agents[row.AggregateId] = new ExpectedAgent { Id = row.AggregateId, Role = Str(p, "role")!, Domain = Str(p, "domain")!, SpawnedAt = at, LastActivityAt = at };
            return;
        }
        if (!KnownAgentEvents.Contains(row.Type) || !Agents.TryGetValue(row.AggregateId, out var agent)) return;
        agent.LastActivityAt = at;
        switch (row.Type)
        {
            case "agent:started":
                (agent.Status, agent.StartedAt) = ("active", Time(p, "startedAt"));
                break;
            case "agent:stopped":
                (agent.Status, agent.StoppedAt, agent.CurrentTask) = ("completed", Time(p, "stoppedAt"), null);
                break;
            case "agent:failed":
                (agent.Status, agent.CurrentTask) = ("error", null);
                agent.Errors++;
                break;
            case "agent:status-changed":
                agent.Status = Str(p, "newStatus")!;
                break;
            case "agent:task-assigned":
                (agent.Status, agent.CurrentTask) = ("active", Str(p, "taskId"));
                agent.Tasks++;
                break;
            case "agent:task-completed":
                (agent.Status, agent.CurrentTask) = ("idle", null);
                agent.Completed++;
                agent.DurationMs += p.GetProperty("duration").GetInt64();
                break;
        }
    }

    private void ApplyTask(JournalRow row, JsonElement p)
    {
        var id = row.AggregateId;
        // The agent of the current attempt is charged when the attempt fails.
        switch (row.Type)
        {
            case "task:started":
                _runningTasks[id] = Str(p, "agentId")!;
                break;
            case "task:failed":
                if (_runningTasks.Remove(id, out var agentId) && Agents.TryGetValue(agentId, out var agent)) agent.Failed++;
                break;
            case "task:completed" or "task:blocked":
                _runningTasks.Remove(id);
                break;
        }

        if (row.Type == "task:created")
        {
            Tasks[id] = new ExpectedTask
            {
                Id = id, Type = Str(p, "taskType")!, Title = Str(p, "title")!, Priority = Str(p, "priority")!,
                Dependencies = Strings(p, "dependencies"), CreatedAt = Time(p, "createdAt"),
            };
            return;
        }
        if (!Tasks.TryGetValue(id, out var task)) return;
        switch (row.Type)
        {
            case "task:queued":
                (task.Status, task.Priority, task.BlockedBy) = ("queued", Str(p, "priority")!, []);
                break;
            case "task:started":
                (task.Status, task.Agent, task.StartedAt, task.BlockedBy) = ("in-progress", Str(p, "agentId"), Time(p, "startedAt"), []);
                break;
            case "task:completed":
                (task.Status, task.CompletedAt, task.DurationMs, task.Result) = ("completed", Time(p, "completedAt"), p.GetProperty("duration").GetInt64(), Str(p, "result"));
                break;
            case "task:failed":
                (task.Status, task.FailedAt, task.Error) = ("failed", Time(p, "failedAt"), Str(p, "error"));
                task.Retries++;
                break;
            case "task:blocked":
                (task.Status, task.BlockedBy) = ("blocked", Strings(p, "blockedBy"));
                break;
        }
    }

    private void ApplyMemory(JournalRow row, JsonElement p)
    {
        var id = Str(p, "memoryId")!;
        var key = MemoryKey(row.AggregateId, id); // memory ids are unique within their namespace only
        if (row.Type == "memory:stored")
        {
            Memories[key] = new ExpectedMemory
            {
                Id = id, Namespace = Str(p, "namespace")!, Key = Str(p, "key")!, Type = Str(p, "memoryType")!,
                Size = p.GetProperty("size").GetInt64(), StoredAt = Time(p, "storedAt"),
            };
            return;
        }
        if (!Memories.TryGetValue(key, out var memory)) return;
        switch (row.Type)
        {
            case "memory:retrieved":
                (memory.AccessCount, memory.LastAccessedAt) = (p.GetProperty("accessCount").GetInt32(), Time(p, "retrievedAt"));
                break;
            case "memory:deleted":
                memory.DeletedAt = Time(p, "deletedAt");
                break;
            case "memory:expired":
                memory.ExpiredAt = Time(p, "expiredAt");
                break;
        }
    }

    private static string? Str(JsonElement p, string name) => p.GetProperty(name).GetString();

    private static List<string> Strings(JsonElement p, string name) => [.. p.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];

    private static string Time(JsonElement p, string name) =>
        Canon.Time(DateTimeOffset.Parse(p.GetProperty(name).GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
}

/// <summary>Comparisons of the projections with expectations, with messages that name what differs.</summary>
internal static class ProjectionAssert
{
    /// <summary>Starts a rebuild and waits for it: <see cref="IProjection.CatchUp"/> finishes a running rebuild before it returns.</summary>
    public static async Task<ProjectionStatus> RebuildAndWait(this IProjection projection)
    {
        await projection.Rebuild();
        return await projection.CatchUp();
    }

    /// <summary>The same items, in any order; on a difference, lists what is missing and what is extra.</summary>
    public static void SameItems(string what, IEnumerable<string> expected, IEnumerable<string> actual)
    {
        var e = expected.Order(StringComparer.Ordinal).ToList();
        var a = actual.Order(StringComparer.Ordinal).ToList();
        if (e.SequenceEqual(a)) return;
        Assert.Fail($"{what}: expected {e.Count} item(s), got {a.Count}.\n  expected, missing:\n    {string.Join("\n    ", e.Except(a).Take(8))}" +
            $"\n  got, not expected:\n    {string.Join("\n    ", a.Except(e).Take(8))}");
    }

    /// <summary>Equal within rounding.</summary>
    public static void Close(string what, double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");

    /// <summary>
    /// Reads the journal with plain SQL, folds it, catches the three projections up and compares every
    /// query with the fold. Nothing may write to the journal meanwhile.
    /// </summary>
    /// <param name="cluster">The cluster.</param>
    /// <param name="sampleAgents">Agents to look up one by one (GetAgent, GetByAgent).</param>
    /// <param name="withoutCatchUp">Wait for the projections to reach the head on their own (stream, activation) instead of calling CatchUp.</param>
    public static async Task MatchJournalFold(JournalCluster cluster, IReadOnlyList<string>? sampleAgents = null, bool withoutCatchUp = false)
    {
        var fold = JournalFold.Of(cluster.Journal.Rows());
        var client = cluster.Client;
        var agents = client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key);
        var tasks = client.GetGrain<ITaskHistoryProjection>(ITaskHistoryProjection.Key);
        var memories = client.GetGrain<IMemoryIndexProjection>(IMemoryIndexProjection.Key);
        foreach (var projection in new IProjection[] { agents, tasks, memories })
        {
            var status = withoutCatchUp
                ? await Eventually.Until(projection.GetStatus, s => s.Checkpoint >= fold.Head, $"a projection reaches position {fold.Head} without CatchUp")
                : await projection.CatchUp();
            Assert.Equal((fold.Head, fold.Head, 0L, 0L), (status.Checkpoint, status.HeadPosition, status.LagEvents, status.LagMilliseconds));
        }

        // AgentState
        SameItems("AgentState.GetAll", fold.Agents.Values.Select(a => a.Line), (await agents.GetAll()).Select(Canon.Line));
        foreach (var status in Enum.GetValues<AgentStatus>())
            SameItems($"AgentState.GetByStatus({status})", fold.Agents.Values.Where(a => a.Status == Canon.Kebab(status)).Select(a => a.Id),
                (await agents.GetByStatus(status)).Select(a => a.AgentId));
        foreach (var domain in Enum.GetValues<AgentDomain>())
            SameItems($"AgentState.GetByDomain({domain})", fold.Agents.Values.Where(a => a.Domain == Canon.Kebab(domain)).Select(a => a.Id),
                (await agents.GetByDomain(domain)).Select(a => a.AgentId));
        Assert.Equal(fold.Agents.Values.Count(a => a.Status == "active"), await agents.GetActiveCount());
        var completedByAgents = fold.Agents.Values.Sum(a => (long)a.Completed);
        Close("AgentState.GetAverageTaskDurationMs",
            completedByAgents == 0 ? 0 : fold.Agents.Values.Sum(a => a.DurationMs) / (double)completedByAgents, await agents.GetAverageTaskDurationMs());
        foreach (var id in (sampleAgents ?? []).Append("no-such-agent"))
            Assert.Equal(fold.Agents.GetValueOrDefault(id)?.Line, await agents.GetAgent(id) is { } record ? Canon.Line(record) : null);

        // TaskHistory
        SameItems("TaskHistory.GetAll", fold.Tasks.Values.Select(t => t.Line), (await tasks.GetAll()).Select(Canon.Line));
        foreach (var status in Enum.GetValues<TaskItemStatus>())
            SameItems($"TaskHistory.GetByStatus({status})", fold.Tasks.Values.Where(t => t.Status == Canon.Kebab(status)).Select(t => t.Id),
                (await tasks.GetByStatus(status)).Select(t => t.TaskId));
        foreach (var priority in Enum.GetValues<TaskPriority>())
            SameItems($"TaskHistory.GetByPriority({priority})", fold.Tasks.Values.Where(t => t.Priority == Canon.Kebab(priority)).Select(t => t.Id),
                (await tasks.GetByPriority(priority)).Select(t => t.TaskId));
        foreach (var agentId in (sampleAgents ?? []).Append("no-such-agent"))
            SameItems($"TaskHistory.GetByAgent({agentId})", fold.Tasks.Values.Where(t => t.Agent == agentId).Select(t => t.Id),
                (await tasks.GetByAgent(agentId)).Select(t => t.TaskId));
        var completed = fold.Tasks.Values.Where(t => t.Status == "completed").ToList();
        var failed = fold.Tasks.Values.Count(t => t.Status == "failed");
        Assert.Equal(completed.Count, await tasks.GetCompletedCount());
        Close("TaskHistory.GetAverageDurationMs", completed.Count == 0 ? 0 : completed.Sum(t => t.DurationMs ?? 0) / (double)completed.Count, await tasks.GetAverageDurationMs());
        var rates = await tasks.GetOutcomeRates();
        Assert.Equal((completed.Count, failed), (rates.Completed, rates.Failed));
        var ended = completed.Count + failed;
        Close("TaskHistory success rate", ended == 0 ? 0 : completed.Count / (double)ended, rates.SuccessRate);
        Close("TaskHistory failure rate", ended == 0 ? 0 : failed / (double)ended, rates.FailureRate);
        SameItems("TaskHistory.GetBlockedTasks", fold.Tasks.Values.Where(t => t.Status == "blocked").Select(t => $"{t.Id} <- {Canon.List(t.BlockedBy)}"),
            (await tasks.GetBlockedTasks()).Select(b => $"{b.TaskId} <- {Canon.List(b.BlockedBy)}"));

        // MemoryIndex
        SameItems("MemoryIndex.GetActive", fold.Memories.Values.Where(m => m.IsActive).Select(m => m.Line), (await memories.GetActive()).Select(Canon.Line));
        var removals = await memories.GetRemovals();
        SameItems("MemoryIndex removals: deleted", fold.Memories.Values.Where(m => m.DeletedAt != "-").Select(m => m.Line), removals.Deleted.Select(Canon.Line));
        SameItems("MemoryIndex removals: expired", fold.Memories.Values.Where(m => m.ExpiredAt != "-").Select(m => m.Line), removals.Expired.Select(Canon.Line));
        foreach (var ns in fold.Memories.Values.Select(m => m.Namespace).Distinct().Order(StringComparer.Ordinal).Take(5).Append("no-such-namespace"))
            SameItems($"MemoryIndex.GetByNamespace({ns})", fold.Memories.Values.Where(m => m.Namespace == ns).Select(m => m.Line),
                (await memories.GetByNamespace(ns)).Select(Canon.Line));
        var sizes = await memories.GetTotalSizeByNamespace();
        SameItems("MemoryIndex.GetTotalSizeByNamespace",
            fold.Memories.Values.Where(m => m.IsActive).GroupBy(m => m.Namespace).Select(g => $"{g.Key}={g.Sum(m => m.Size)}"),
            sizes.Where(kv => kv.Value != 0 || fold.Memories.Values.Any(m => m.IsActive && m.Namespace == kv.Key)).Select(kv => $"{kv.Key}={kv.Value}"));
        foreach (var limit in new[] { 0, 1, 10 })
        {
            var top = await memories.GetMostAccessed(limit);
            Assert.Equal(fold.Memories.Values.Select(m => m.AccessCount).OrderDescending().Take(limit), top.Select(m => m.AccessCount));
            Assert.Equal(top.Count, top.Select(m => JournalFold.MemoryKey(m.Namespace, m.MemoryId)).Distinct().Count());
            foreach (var record in top) Assert.Equal(fold.Memories[JournalFold.MemoryKey(record.Namespace, record.MemoryId)].Line, Canon.Line(record));
        }
    }
}

/// <summary>
/// Drives a concurrent load through the aggregate grains: agents, tasks and memory namespaces in every
/// shape of their lives (completions, failures and retries, blocks, stops, deletions, expirations,
/// overwrites). All agents are spawned first, then everything else runs at once.
/// </summary>
internal static class ProjectionLoad
{
    private static readonly string[] Roles = ["coder", "tester", "reviewer"];

    /// <summary>The agent ids of a load with this prefix.</summary>
    public static string AgentId(string prefix, int i) => $"{prefix}-agent-{i:D3}";

    /// <summary>Runs the load; <paramref name="afterCommand"/> is called with the number of commands done so far after each one.</summary>
    public static async Task RunAsync(IGrainFactory grains, string prefix, int agents, int tasks, int namespaces, Action<int>? afterCommand = null)
    {
        var done = 0;
        async Task Do(Task<EventReceipt> command)
        {
            await command;
            afterCommand?.Invoke(Interlocked.Increment(ref done));
        }

        string TaskId(int i) => $"{prefix}-task-{i:D3}";
        IAgentGrain Agent(int i) => grains.GetGrain<IAgentGrain>(AgentId(prefix, i));

        await Task.WhenAll(Enumerable.Range(0, agents).Select(i => Do(Agent(i).Spawn(Roles[i % Roles.Length], (AgentDomain)(i % 6), ["csharp"]))));

        async Task AgentLife(int i)
        {
            var agent = Agent(i);
            var taskId = TaskId(i);
            switch (i % 5)
            {
                case 0:
                    await Do(agent.Start()); await Do(agent.AssignTask(taskId)); await Do(agent.CompleteTask(taskId, "ok"));
                    break;
                case 1:
                    await Do(agent.Start()); await Do(agent.AssignTask(taskId)); await Do(agent.Fail("crash"));
                    break;
                case 2:
                    await Do(agent.Start()); await Do(agent.ChangeStatus(AgentStatus.Blocked)); await Do(agent.Stop("done"));
                    break;
                case 3:
                    break;
                default:
                    await Do(agent.Start()); await Do(agent.Fail("glitch")); await Do(agent.Start());
                    await Do(agent.AssignTask(taskId)); await Do(agent.CompleteTask(taskId, "ok again"));
                    break;
            }
        }

        async Task TaskLife(int i)
        {
            var task = grains.GetGrain<ITaskGrain>(TaskId(i));
            var (agent, other) = (AgentId(prefix, i % Math.Max(1, agents)), AgentId(prefix, (i + 1) % Math.Max(1, agents)));
            var dependencies = i % 6 == 3 && i > 0 ? new[] { TaskId(i - 1) } : [];
            await Do(task.Create(i % 2 == 0 ? "build" : "review", $"Task {i}", "generated", (TaskPriority)(i % 4), dependencies));
            switch (i % 6)
            {
                case 0:
                    await Do(task.Queue(TaskPriority.High)); await Do(task.Start(agent)); await Do(task.Complete("done"));
                    break;
                case 1:
                    await Do(task.Queue(TaskPriority.Normal)); await Do(task.Start(agent)); await Do(task.Fail("boom"));
                    await Do(task.Queue(TaskPriority.Low)); await Do(task.Start(other)); await Do(task.Complete("retried"));
                    break;
                case 2:
                    await Do(task.Start(agent)); await Do(task.Fail("first")); await Do(task.Queue(TaskPriority.Critical));
                    await Do(task.Start(agent)); await Do(task.Fail("second"));
                    break;
                case 3:
                    await Do(task.Block(dependencies.Length > 0 ? dependencies : ["bootstrap"])); await Do(task.Queue(TaskPriority.Critical));
                    break;
                case 4:
                    await Do(task.Queue(TaskPriority.Normal)); await Do(task.Start(agent)); await Do(task.Block(["resource-x", "resource-y"]));
                    break;
            }
        }

        async Task NamespaceLife(int j)
        {
            var ns = grains.GetGrain<IMemoryNamespaceGrain>($"{prefix}-ns-{j:D2}");
            await Task.WhenAll(
                Sequence(async () =>
                {
                    await Do(ns.Store("plan", "document", 100 + j));
                    for (var r = 0; r < 3; r++) await Do(ns.Retrieve("plan"));
                }),
                Sequence(async () => { await Do(ns.Store("notes", "text", 50)); await Do(ns.Retrieve("notes")); await Do(ns.Delete("notes")); }),
                Sequence(async () => { await Do(ns.Store("cache", "blob", 1000)); await Do(ns.Expire("cache", DateTimeOffset.UtcNow.AddMinutes(-1))); }),
                Sequence(async () => { await Do(ns.Store("draft", "text", 20)); await Do(ns.Retrieve("draft")); await Do(ns.Store("draft", "text", 25)); }),
                Sequence(async () =>
                {
                    await Do(ns.Store("old", "text", 10)); await Do(ns.Delete("old"));
                    await Do(ns.Store("old", "text", 15)); await Do(ns.Retrieve("old"));
                }),
                Sequence(async () => await Do(ns.Store("empty", "marker", 0))));
        }

        await Task.WhenAll(
            Enumerable.Range(0, agents).Select(AgentLife)
                .Concat(Enumerable.Range(0, tasks).Select(TaskLife))
                .Concat(Enumerable.Range(0, namespaces).Select(NamespaceLife)));
    }

    private static Task Sequence(Func<Task> steps) => steps();
}

/// <summary>JSON payloads for rows written outside the silo, in the journal's format (camelCase, kebab-case enums).</summary>
internal static class OutsidePayload
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Of(object payload) => JsonSerializer.Serialize(payload, Options);
}

/// <summary>Plain SQL on a cluster's journal database: tampering with a journal row, reading a projection's checkpoint.</summary>
internal sealed class RawDatabase(JournalCluster cluster)
{
    /// <summary>Rewrites the payload of the row at <paramref name="position"/>.</summary>
    public void SetPayload(long position, string payload) => Assert.Equal(1, cluster.Journal.SetPayload(position, payload));

    /// <summary>The checkpoint committed for the active generation of <paramref name="projection"/>, as stored.</summary>
    public long? Checkpoint(string projection) =>
        cluster.Journal.Long($"SELECT checkpoint FROM projection_generations WHERE projection = '{projection}' AND active = TRUE");
}
