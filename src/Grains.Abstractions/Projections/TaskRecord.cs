using EventStore.Aggregates;

namespace EventStore.Projections;

/// <summary>One task as the TaskHistory projection sees it.</summary>
[GenerateSerializer]
public sealed class TaskRecord
{
    /// <summary>The task's id.</summary>
    [Id(0)] public required string TaskId { get; set; }
    /// <summary>Its type.</summary>
    [Id(1)] public string TaskType { get; set; } = "";
    /// <summary>Its title.</summary>
    [Id(2)] public string Title { get; set; } = "";
    /// <summary>Its status.</summary>
    [Id(3)] public TaskItemStatus Status { get; set; }
    /// <summary>Its priority.</summary>
    [Id(4)] public TaskPriority Priority { get; set; }
    /// <summary>The agent of its current or last attempt.</summary>
    [Id(5)] public string? AssignedAgentId { get; set; }
    /// <summary>Tasks it depends on.</summary>
    [Id(6)] public List<string> Dependencies { get; set; } = [];
    /// <summary>What blocks it (empty unless blocked).</summary>
    [Id(7)] public List<string> BlockedBy { get; set; } = [];
    /// <summary>When it was created.</summary>
    [Id(8)] public DateTimeOffset CreatedAt { get; set; }
    /// <summary>When its current or last attempt started.</summary>
    [Id(9)] public DateTimeOffset? StartedAt { get; set; }
    /// <summary>When it completed.</summary>
    [Id(10)] public DateTimeOffset? CompletedAt { get; set; }
    /// <summary>When its last attempt failed.</summary>
    [Id(11)] public DateTimeOffset? FailedAt { get; set; }
    /// <summary>Duration of the successful attempt, in ms.</summary>
    [Id(12)] public long? DurationMs { get; set; }
    /// <summary>Its result.</summary>
    [Id(13)] public string? Result { get; set; }
    /// <summary>Its last error.</summary>
    [Id(14)] public string? Error { get; set; }
    /// <summary>Failed attempts so far.</summary>
    [Id(15)] public int RetryCount { get; set; }
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

/// <summary>The TaskHistory projection: every task's history. One grain (key <see cref="Key"/>).</summary>
public interface ITaskHistoryProjection : IGrainWithStringKey, IProjection
{
    /// <summary>The key of the single projection grain.</summary>
    const string Key = "all";

    /// <summary>One task, if known.</summary>
    Task<TaskRecord?> GetTask(string taskId);

    /// <summary>Every task.</summary>
    Task<IReadOnlyList<TaskRecord>> GetAll();

    /// <summary>Tasks with this status.</summary>
    Task<IReadOnlyList<TaskRecord>> GetByStatus(TaskItemStatus status);

    /// <summary>Tasks whose current or last attempt was by this agent.</summary>
    Task<IReadOnlyList<TaskRecord>> GetByAgent(string agentId);

    /// <summary>Tasks with this priority.</summary>
    Task<IReadOnlyList<TaskRecord>> GetByPriority(TaskPriority priority);

    /// <summary>How many tasks are completed.</summary>
    Task<int> GetCompletedCount();

    /// <summary>Average duration of completed tasks, in ms (0 when none).</summary>
    Task<double> GetAverageDurationMs();

    /// <summary>Success and failure rates.</summary>
    Task<TaskOutcomeRates> GetOutcomeRates();

    /// <summary>Blocked tasks with their blockers.</summary>
    Task<IReadOnlyList<BlockedTask>> GetBlockedTasks();
}
