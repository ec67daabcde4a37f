using EventStore.Projections;

namespace EventStore.CustomProjections.Tests.WorkSummary;

/// <summary>What one agent has done, gathered from its own events and from the events of the tasks it ran.</summary>
[GenerateSerializer, Immutable]
public sealed record AgentWorkSummary
{
    /// <summary>The agent.</summary>
    [Id(0)] public required string AgentId { get; init; }

    /// <summary>Its role, once spawned.</summary>
    [Id(1)] public string? Role { get; init; }

    /// <summary>Tasks it started (task:started naming it).</summary>
    [Id(2)] public long TasksStarted { get; init; }

    /// <summary>Tasks it completed (task:completed of a task it started).</summary>
    [Id(3)] public long TasksCompleted { get; init; }

    /// <summary>The summed durations of the tasks it completed, in ms.</summary>
    [Id(4)] public long TotalDurationMs { get; init; }

    /// <summary>The type of the last event about it or its tasks.</summary>
    [Id(5)] public string LastEventType { get; init; } = "";

    /// <summary>That event's journal position.</summary>
    [Id(6)] public long LastPosition { get; init; }
}

/// <summary>The work-summary read model's queries, and the operations every projection has (<see cref="IProjection"/>).</summary>
public interface IWorkSummaryProjection : IGrainWithStringKey, IProjection
{
    /// <summary>The key to call it by (any key reaches the same tables).</summary>
    const string Key = "all";

    /// <summary>One agent's summary, if it has one.</summary>
    Task<AgentWorkSummary?> GetSummary(string agentId);

    /// <summary>Every summary, a page at a time in agent-id order.</summary>
    Task<RecordPage<AgentWorkSummary>> GetAll(string? after = null, int limit = RecordQuery.DefaultLimit);

    /// <summary>The <paramref name="count"/> agents that completed the most tasks.</summary>
    Task<IReadOnlyList<AgentWorkSummary>> GetBusiest(int count);
}
