using EventStore.Events;

namespace EventStore.Aggregates;

/// <summary>The state of one task.</summary>
[GenerateSerializer]
public sealed class TaskView : AggregateView
{
    /// <summary>The task's id.</summary>
    [Id(0)] public string? TaskId { get; private set; }
    /// <summary>What kind of work it is.</summary>
    [Id(1)] public string? TaskType { get; private set; }
    /// <summary>Short title.</summary>
    [Id(2)] public string? Title { get; private set; }
    /// <summary>Longer description.</summary>
    [Id(3)] public string? Description { get; private set; }
    /// <summary>How urgent it is (the latest queued priority).</summary>
    [Id(4)] public TaskPriority Priority { get; private set; }
    /// <summary>Where it is in its life.</summary>
    [Id(5)] public TaskItemStatus Status { get; private set; }
    /// <summary>Tasks it depends on.</summary>
    [Id(6)] public List<string> Dependencies { get; private set; } = [];
    /// <summary>What blocks it now (empty unless blocked).</summary>
    [Id(7)] public List<string> BlockedBy { get; private set; } = [];
    /// <summary>The agent of the current or last attempt.</summary>
    [Id(8)] public string? AssignedAgentId { get; private set; }
    /// <summary>When it was created.</summary>
    [Id(9)] public DateTimeOffset? CreatedAt { get; private set; }
    /// <summary>When it was last queued.</summary>
    [Id(10)] public DateTimeOffset? QueuedAt { get; private set; }
    /// <summary>When the current or last attempt started.</summary>
    [Id(11)] public DateTimeOffset? StartedAt { get; private set; }
    /// <summary>When it completed.</summary>
    [Id(12)] public DateTimeOffset? CompletedAt { get; private set; }
    /// <summary>When the last attempt failed.</summary>
    [Id(13)] public DateTimeOffset? FailedAt { get; private set; }
    /// <summary>When it was last blocked.</summary>
    [Id(14)] public DateTimeOffset? BlockedAt { get; private set; }
    /// <summary>Duration of the successful attempt, in milliseconds.</summary>
    [Id(15)] public long? DurationMs { get; private set; }
    /// <summary>Result of the successful attempt.</summary>
    [Id(16)] public string? Result { get; private set; }
    /// <summary>Error of the last failed attempt.</summary>
    [Id(17)] public string? Error { get; private set; }
    /// <summary>Attempts started so far.</summary>
    [Id(18)] public int Attempts { get; private set; }
    /// <summary>Failed attempts so far.</summary>
    [Id(19)] public int FailureCount { get; private set; }

    /// <inheritdoc />
    protected override void When(IDomainEvent payload)
    {
        switch (payload)
        {
            case TaskCreated e:
                (TaskId, TaskType, Title, Description, Priority) = (e.TaskId, e.TaskType, e.Title, e.Description, e.Priority);
                (Dependencies, Status, CreatedAt) = ([.. e.Dependencies], TaskItemStatus.Pending, e.CreatedAt);
                break;
            case TaskQueued e:
                (Status, Priority, QueuedAt) = (TaskItemStatus.Queued, e.Priority, e.QueuedAt);
                BlockedBy = [];
                break;
            case TaskStarted e:
                (Status, AssignedAgentId, StartedAt) = (TaskItemStatus.InProgress, e.AgentId, e.StartedAt);
                BlockedBy = [];
                Attempts++;
                break;
            case TaskCompleted e:
                (Status, CompletedAt, DurationMs, Result) = (TaskItemStatus.Completed, e.CompletedAt, e.DurationMs, e.Result);
                break;
            case TaskFailed e:
                (Status, FailedAt, Error) = (TaskItemStatus.Failed, e.FailedAt, e.Error);
                FailureCount++;
                break;
            case TaskBlocked e:
                (Status, BlockedBy, BlockedAt) = (TaskItemStatus.Blocked, [.. e.BlockedBy], e.BlockedAt);
                break;
        }
    }
}
