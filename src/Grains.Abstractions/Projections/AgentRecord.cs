using EventStore.Aggregates;

namespace EventStore.Projections;

/// <summary>One agent as the AgentState projection sees it.</summary>
[GenerateSerializer, Immutable]
public sealed record AgentRecord
{
    /// <summary>The agent's id.</summary>
    [Id(0)] public required string AgentId { get; init; }
    /// <summary>Its role.</summary>
    [Id(1)] public string Role { get; init; } = "";
    /// <summary>Its domain.</summary>
    [Id(2)] public AgentDomain Domain { get; init; }
    /// <summary>Its status.</summary>
    [Id(3)] public AgentStatus Status { get; init; }
    /// <summary>The task it works on, if any.</summary>
    [Id(4)] public string? CurrentTaskId { get; init; }
    /// <summary>Tasks it completed.</summary>
    [Id(5)] public int CompletedTasks { get; init; }
    /// <summary>Tasks that failed while it ran them.</summary>
    [Id(6)] public int FailedTasks { get; init; }
    /// <summary>Tasks assigned to it.</summary>
    [Id(7)] public int TaskCount { get; init; }
    /// <summary>Sum of its completed tasks' durations, in ms.</summary>
    [Id(8)] public long TotalTaskDurationMs { get; init; }
    /// <summary>Its failures.</summary>
    [Id(9)] public int ErrorCount { get; init; }
    /// <summary>When it was spawned.</summary>
    [Id(10)] public DateTimeOffset SpawnedAt { get; init; }
    /// <summary>When it last started.</summary>
    [Id(11)] public DateTimeOffset? StartedAt { get; init; }
    /// <summary>When it stopped.</summary>
    [Id(12)] public DateTimeOffset? StoppedAt { get; init; }
    /// <summary>When anything last happened to it.</summary>
    [Id(13)] public DateTimeOffset LastActivityAt { get; init; }
}

/// <summary>Agents that need attention (at most <see cref="PageLimits.Max"/> of each kind).</summary>
/// <param name="InError">Agents whose status is error.</param>
/// <param name="IdleTooLong">Idle agents with no activity for longer than the threshold asked for.</param>
[GenerateSerializer, Immutable]
public sealed record AgentHealth(IReadOnlyList<AgentRecord> InError, IReadOnlyList<AgentRecord> IdleTooLong);

/// <summary>
/// The AgentState projection: every agent's current state, fed by agent events and the task events that name an
/// agent. Queries are answered by any silo from the projection's tables (key <see cref="Key"/>); lists come in
/// pages in agent-id order (pass <see cref="RecordPage{T}.Next"/> as <c>after</c> for the next one).
/// </summary>
public interface IAgentStateProjection : IGrainWithStringKey, IProjection
{
    /// <summary>The key of the projection's grain.</summary>
    const string Key = "all";

    /// <summary>One agent, if known.</summary>
    Task<AgentRecord?> GetAgent(string agentId);

    /// <summary>Every agent, a page at a time.</summary>
    Task<RecordPage<AgentRecord>> GetAll(string? after = null, int limit = PageLimits.Default);

    /// <summary>Agents with this status.</summary>
    Task<RecordPage<AgentRecord>> GetByStatus(AgentStatus status, string? after = null, int limit = PageLimits.Default);

    /// <summary>Agents of this domain.</summary>
    Task<RecordPage<AgentRecord>> GetByDomain(AgentDomain domain, string? after = null, int limit = PageLimits.Default);

    /// <summary>How many agents are active.</summary>
    Task<int> GetActiveCount();

    /// <summary>Average duration of every completed task of every agent, in ms (0 when none).</summary>
    Task<double> GetAverageTaskDurationMs();

    /// <summary>Agents in error, and idle agents whose last event is older than <paramref name="idleThreshold"/> (measured against the current time).</summary>
    Task<AgentHealth> GetHealth(TimeSpan idleThreshold);
}
