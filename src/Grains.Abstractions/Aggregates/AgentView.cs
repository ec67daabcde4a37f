using EventStore.Events;

namespace EventStore.Aggregates;

/// <summary>Where an agent is in its life, which decides the commands it accepts.</summary>
public enum AgentLifecycle
{
    /// <summary>No <c>agent:spawned</c> yet.</summary>
    NotSpawned,
    /// <summary>Spawned, never started.</summary>
    Spawned,
    /// <summary>Started and running.</summary>
    Running,
    /// <summary>Failed; it may be started again.</summary>
    Failed,
    /// <summary>Stopped (final).</summary>
    Stopped,
}

/// <summary>The state of one agent.</summary>
[GenerateSerializer]
public sealed class AgentView : AggregateView
{
    /// <summary>The agent's id.</summary>
    [Id(0)] public string? AgentId { get; private set; }
    /// <summary>The agent's role, such as <c>coder</c>.</summary>
    [Id(1)] public string? Role { get; private set; }
    /// <summary>The platform area it works in.</summary>
    [Id(2)] public AgentDomain Domain { get; private set; }
    /// <summary>What it can do.</summary>
    [Id(3)] public List<string> Capabilities { get; private set; } = [];
    /// <summary>Where it is in its life.</summary>
    [Id(4)] public AgentLifecycle Lifecycle { get; private set; }
    /// <summary>Its reported status.</summary>
    [Id(5)] public AgentStatus Status { get; private set; }
    /// <summary>The task it is working on, if any.</summary>
    [Id(6)] public string? CurrentTaskId { get; private set; }
    /// <summary>When the current task was assigned.</summary>
    [Id(7)] public DateTimeOffset? CurrentTaskAssignedAt { get; private set; }
    /// <summary>Tasks assigned so far.</summary>
    [Id(8)] public int TaskCount { get; private set; }
    /// <summary>Tasks completed so far.</summary>
    [Id(9)] public int CompletedTaskCount { get; private set; }
    /// <summary>Sum of the durations of completed tasks, in milliseconds.</summary>
    [Id(10)] public long TotalTaskDurationMs { get; private set; }
    /// <summary>Failures recorded so far.</summary>
    [Id(11)] public int ErrorCount { get; private set; }
    /// <summary>The last failure's message.</summary>
    [Id(12)] public string? LastError { get; private set; }
    /// <summary>When it was spawned.</summary>
    [Id(13)] public DateTimeOffset? SpawnedAt { get; private set; }
    /// <summary>When it last started.</summary>
    [Id(14)] public DateTimeOffset? StartedAt { get; private set; }
    /// <summary>When it stopped.</summary>
    [Id(15)] public DateTimeOffset? StoppedAt { get; private set; }
    /// <summary>Why it stopped.</summary>
    [Id(16)] public string? StopReason { get; private set; }

    /// <inheritdoc />
    protected override void When(IDomainEvent payload)
    {
        switch (payload)
        {
            case AgentSpawned e:
                (AgentId, Role, Domain, Capabilities) = (e.AgentId, e.Role, e.Domain, [.. e.Capabilities]);
                (Lifecycle, Status, SpawnedAt) = (AgentLifecycle.Spawned, AgentStatus.Idle, DateTimeOffset.FromUnixTimeMilliseconds(LastEventTimestamp));
                break;
            case AgentStarted e:
                (Lifecycle, Status, StartedAt) = (AgentLifecycle.Running, AgentStatus.Active, e.StartedAt);
                break;
            case AgentStopped e:
                (Lifecycle, Status, StoppedAt, StopReason) = (AgentLifecycle.Stopped, AgentStatus.Completed, e.StoppedAt, e.Reason);
                (CurrentTaskId, CurrentTaskAssignedAt) = (null, null);
                break;
            case AgentFailed e:
                (Lifecycle, Status, LastError) = (AgentLifecycle.Failed, AgentStatus.Error, e.Error);
                (CurrentTaskId, CurrentTaskAssignedAt) = (null, null);
                ErrorCount++;
                break;
            case AgentStatusChanged e:
                Status = e.NewStatus;
                break;
            case AgentTaskAssigned e:
                (CurrentTaskId, CurrentTaskAssignedAt, Status) = (e.TaskId, e.AssignedAt, AgentStatus.Active);
                TaskCount++;
                break;
            case AgentTaskCompleted e:
                (CurrentTaskId, CurrentTaskAssignedAt, Status) = (null, null, AgentStatus.Idle);
                CompletedTaskCount++;
                TotalTaskDurationMs += e.DurationMs;
                break;
        }
    }
}
