using EventStore.Aggregates;
using EventStore.Events;

namespace EventStore.Projections;

/// <summary>The TaskHistory read model: tasks by id, each record keyed by its stream's id (never by an id inside a payload).</summary>
[GenerateSerializer]
public sealed class TaskHistoryModel : IReadModel
{
    /// <summary>Tasks by id.</summary>
    [Id(0)] public Dictionary<string, TaskRecord> Tasks { get; set; } = [];

    /// <summary>2: records keyed by the stream they came from (memories by namespace and memory id), not by ids in payloads.</summary>
    public static int ShapeVersion => 2;

    /// <inheritdoc />
    public int Count => Tasks.Count;

    /// <inheritdoc />
    public void Apply(EventEnvelope envelope)
    {
        if (envelope.Payload is TaskCreated created)
        {
            Tasks[envelope.AggregateId] = new TaskRecord
            {
                TaskId = envelope.AggregateId, TaskType = created.TaskType, Title = created.Title, Priority = created.Priority,
                Dependencies = [.. created.Dependencies], Status = TaskItemStatus.Pending, CreatedAt = created.CreatedAt,
            };
            return;
        }
        if (!Tasks.TryGetValue(envelope.AggregateId, out var task)) return;
        switch (envelope.Payload)
        {
            case TaskQueued e:
                (task.Status, task.Priority, task.BlockedBy) = (TaskItemStatus.Queued, e.Priority, []);
                break;
            case TaskStarted e:
                (task.Status, task.AssignedAgentId, task.StartedAt, task.BlockedBy) = (TaskItemStatus.InProgress, e.AgentId, e.StartedAt, []);
                break;
            case TaskCompleted e:
                (task.Status, task.CompletedAt, task.DurationMs, task.Result) = (TaskItemStatus.Completed, e.CompletedAt, e.DurationMs, e.Result);
                break;
            case TaskFailed e:
                (task.Status, task.FailedAt, task.Error) = (TaskItemStatus.Failed, e.FailedAt, e.Error);
                task.RetryCount++;
                break;
            case TaskBlocked e:
                (task.Status, task.BlockedBy) = (TaskItemStatus.Blocked, [.. e.BlockedBy]);
                break;
        }
    }
}
