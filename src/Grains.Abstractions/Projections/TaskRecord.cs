using EventStore.Aggregates;

namespace EventStore.Projections;

/// <summary>One task as the TaskHistory projection sees it.</summary>
[GenerateSerializer, Immutable]
public sealed record TaskRecord
{
    /// <summary>The task's id.</summary>
    [Id(0)] public required string TaskId { get; init; }
    /// <summary>Its type.</summary>
    [Id(1)] public string TaskType { get; init; } = "";
    /// <summary>Its title.</summary>
    [Id(2)] public string Title { get; init; } = "";
    /// <summary>Its status.</summary>
    [Id(3)] public TaskItemStatus Status { get; init; }
    /// <summary>Its priority.</summary>
    [Id(4)] public TaskPriority Priority { get; init; }
    /// <summary>The agent of its current or last attempt.</summary>
    [Id(5)] public string? AssignedAgentId { get; init; }
    /// <summary>Tasks it depends on.</summary>
    [Id(6)] public IReadOnlyList<string> Dependencies { get; init; } = [];
    /// <summary>What blocks it (empty unless blocked).</summary>
    [Id(7)] public IReadOnlyList<string> BlockedBy { get; init; } = [];
    /// <summary>When it was created.</summary>
    [Id(8)] public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When its current or last attempt started.</summary>
    [Id(9)] public DateTimeOffset? StartedAt { get; init; }
    /// <summary>When it completed.</summary>
    [Id(10)] public DateTimeOffset? CompletedAt { get; init; }
    /// <summary>When its last attempt failed.</summary>
    [Id(11)] public DateTimeOffset? FailedAt { get; init; }
    /// <summary>Duration of the successful attempt, in ms.</summary>
    [Id(12)] public long? DurationMs { get; init; }
    /// <summary>Its result.</summary>
    [Id(13)] public string? Result { get; init; }
    /// <summary>Its last error.</summary>
    [Id(14)] public string? Error { get; init; }
    /// <summary>Failed attempts so far.</summary>
    [Id(15)] public int RetryCount { get; init; }
}

/// <summary>How tasks ended: among tasks that are completed or failed now.</summary>
/// <param name="Completed">Tasks completed.</param>
/// <param name="Failed">Tasks whose last attempt failed.</param>
/// <param name="SuccessRate">Completed / (completed + failed); 0 when both are 0.</param>
/// <param name="FailureRate">Failed / (completed + failed); 0 when both are 0.</param>
[GenerateSerializer, Immutable]
public sealed record TaskOutcomeRates(int Completed, int Failed, double SuccessRate, double FailureRate);

/// <summary>A blocked task and what blocks it.</summary>
[GenerateSerializer, Immutable]
public sealed record BlockedTask(string TaskId, IReadOnlyList<string> BlockedBy);

/// <summary>
/// The TaskHistory projection: every task's history. Queries are answered by any silo from the projection's
/// tables (key <see cref="Key"/>); lists come in pages in task-id order (pass <see cref="RecordPage{T}.Next"/> as
/// <c>after</c> for the next one), each page read through an index: a query costs what it returns.
/// </summary>
public interface ITaskHistoryProjection : IGrainWithStringKey, IProjection
{
    /// <summary>The key of the projection's grain.</summary>
    const string Key = "all";

    /// <summary>One task, if known.</summary>
    Task<TaskRecord?> GetTask(string taskId);

    /// <summary>Every task, a page at a time.</summary>
    Task<RecordPage<TaskRecord>> GetAll(string? after = null, int limit = PageLimits.Default);

    /// <summary>Tasks with this status.</summary>
    Task<RecordPage<TaskRecord>> GetByStatus(TaskItemStatus status, string? after = null, int limit = PageLimits.Default);

    /// <summary>Tasks whose current or last attempt was by this agent.</summary>
    Task<RecordPage<TaskRecord>> GetByAgent(string agentId, string? after = null, int limit = PageLimits.Default);

    /// <summary>Tasks with this priority.</summary>
    Task<RecordPage<TaskRecord>> GetByPriority(TaskPriority priority, string? after = null, int limit = PageLimits.Default);

    /// <summary>How many tasks are completed.</summary>
    Task<int> GetCompletedCount();

    /// <summary>Average duration of completed tasks, in ms (0 when none).</summary>
    Task<double> GetAverageDurationMs();

    /// <summary>Success and failure rates.</summary>
    Task<TaskOutcomeRates> GetOutcomeRates();

    /// <summary>Blocked tasks with their blockers.</summary>
    Task<RecordPage<BlockedTask>> GetBlockedTasks(string? after = null, int limit = PageLimits.Default);
}
