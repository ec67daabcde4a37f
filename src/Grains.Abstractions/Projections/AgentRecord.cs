using EventStore.Aggregates;

namespace EventStore.Projections;

/// <summary>One agent as the AgentState projection sees it.</summary>
[GenerateSerializer]
public sealed class AgentRecord
{
    /// <summary>The agent's id.</summary>
    [Id(0)] public required string AgentId { get; set; }
    /// <summary>Its role.</summary>
    [Id(1)] public string Role { get; set; } = "";
    /// <summary>Its domain.</summary>
    [Id(2)] public AgentDomain Domain { get; set; }
    /// <summary>Its status.</summary>
    [Id(3)] public AgentStatus Status { get; set; }
    /// <summary>The task it works on, if any.</summary>
    [Id(4)] public string? CurrentTaskId { get; set; }
    /// <summary>Tasks it completed.</summary>
    [Id(5)] public int CompletedTasks { get; set; }
    /// <summary>Tasks that failed while it ran them.</summary>
    [Id(6)] public int FailedTasks { get; set; }
    /// <summary>Tasks assigned to it.</summary>
    [Id(7)] public int TaskCount { get; set; }
    /// <summary>Sum of its completed tasks' durations, in ms.</summary>
    [Id(8)] public long TotalTaskDurationMs { get; set; }
    /// <summary>Its failures.</summary>
    [Id(9)] public int ErrorCount { get; set; }
    /// <summary>When it was spawned.</summary>
    [Id(10)] public DateTimeOffset SpawnedAt { get; set; }
    /// <summary>When it last started.</summary>
    [Id(11)] public DateTimeOffset? StartedAt { get; set; }
    /// <summary>When it stopped.</summary>
    [Id(12)] public DateTimeOffset? StoppedAt { get; set; }
    /// <summary>When anything last happened to it.</summary>
    [Id(13)] public DateTimeOffset LastActivityAt { get; set; }
}

/// <summary>Agents that need attention.</summary>
/// <param name="InError">Agents whose status is error.</param>
/// <param name="IdleTooLong">Idle agents with no activity for longer than the threshold asked for.</param>
[GenerateSerializer, Immutable]
public sealed record AgentHealth(IReadOnlyList<AgentRecord> InError, IReadOnlyList<AgentRecord> IdleTooLong);

/// <summary>
/// The AgentState projection: every agent's current state, fed by agent events and the task events
/// that name an agent. One grain (key <see cref="Key"/>) for the whole cluster.
/// </summary>
public interface IAgentStateProjection : IGrainWithStringKey, IProjection
{
    /// <summary>The key of the single projection grain.</summary>
    const string Key = "all";

    /// <summary>One agent, if known.</summary>
    Task<AgentRecord?> GetAgent(string agentId);

    /// <summary>Every agent.</summary>
    Task<IReadOnlyList<AgentRecord>> GetAll();

    /// <summary>Agents with this status.</summary>
    Task<IReadOnlyList<AgentRecord>> GetByStatus(AgentStatus status);

    /// <summary>Agents of this domain.</summary>
    Task<IReadOnlyList<AgentRecord>> GetByDomain(AgentDomain domain);

    /// <summary>How many agents are active.</summary>
    Task<int> GetActiveCount();

    /// <summary>Average duration of every completed task of every agent, in ms (0 when none).</summary>
    Task<double> GetAverageTaskDurationMs();

    /// <summary>Agents in error, and idle agents whose last event is older than <paramref name="idleThreshold"/> (measured against the current time).</summary>
    Task<AgentHealth> GetHealth(TimeSpan idleThreshold);
}
