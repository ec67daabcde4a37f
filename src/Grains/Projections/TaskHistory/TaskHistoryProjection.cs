using EventStore.Aggregates;
using EventStore.Events;

namespace EventStore.Projections;

/// <summary>
/// The TaskHistory read model: one record per task, keyed by its stream's id (never by an id inside a payload),
/// indexed by status, agent and priority; and one totals record (counts and durations of tasks by how they ended),
/// kept as the sum of every task's share, so that counts and averages are one record read.
/// </summary>
public sealed class TaskHistoryProjection : Projection
{
    /// <summary>Tasks by id.</summary>
    public static RecordTable<TaskRecord> Tasks { get; } = new RecordTable<TaskRecord>("tasks")
        .WithText("status", t => t.Status.ToString())
        .WithText("agent", t => t.AssignedAgentId)
        .WithText("priority", t => t.Priority.ToString());

    /// <summary>The totals, under <see cref="TotalsKey"/>.</summary>
    internal static RecordTable<TaskTotals> Totals { get; } = new("totals");

    /// <summary>The key of the one totals record.</summary>
    internal const string TotalsKey = "all";

    /// <inheritdoc />
    public override string Name => "task_history";

    /// <inheritdoc />
    public override IReadOnlyList<string> AggregateTypes { get; } = [Events.AggregateTypes.Task];

    /// <inheritdoc />
    public override IReadOnlyList<RecordTable> Tables { get; } = [Tasks, Totals];

    /// <inheritdoc />
    public override IEnumerable<RecordKey> KeysOf(EventEnvelope envelope) => [new(Tasks, envelope.AggregateId), new(Totals, TotalsKey)];

    /// <inheritdoc />
    public override async ValueTask ApplyAsync(EventEnvelope envelope, RecordSession records)
    {
        var before = await records.GetAsync(Tasks, envelope.AggregateId);
        var after = Fold(before, envelope);
        if (after is null || ReferenceEquals(after, before)) return;
        records.Put(Tasks, envelope.AggregateId, after);
        var totals = await records.GetAsync(Totals, TotalsKey) ?? new TaskTotals();
        records.Put(Totals, TotalsKey, totals.Without(before).With(after));
    }

    private static TaskRecord? Fold(TaskRecord? task, EventEnvelope envelope) => envelope.Payload switch
    {
        TaskCreated e => new TaskRecord
        {
            TaskId = envelope.AggregateId, TaskType = e.TaskType, Title = e.Title, Priority = e.Priority,
            Dependencies = [.. e.Dependencies], Status = TaskItemStatus.Pending, CreatedAt = e.CreatedAt,
        },
        _ when task is null => null,
        TaskQueued e => task with { Status = TaskItemStatus.Queued, Priority = e.Priority, BlockedBy = [] },
        TaskStarted e => task with { Status = TaskItemStatus.InProgress, AssignedAgentId = e.AgentId, StartedAt = e.StartedAt, BlockedBy = [] },
        TaskCompleted e => task with { Status = TaskItemStatus.Completed, CompletedAt = e.CompletedAt, DurationMs = e.DurationMs, Result = e.Result },
        TaskFailed e => task with { Status = TaskItemStatus.Failed, FailedAt = e.FailedAt, Error = e.Error, RetryCount = task.RetryCount + 1 },
        TaskBlocked e => task with { Status = TaskItemStatus.Blocked, BlockedBy = [.. e.BlockedBy] },
        _ => task,
    };
}

/// <summary>What every task adds to the TaskHistory totals, summed.</summary>
internal sealed record TaskTotals
{
    /// <summary>Tasks completed now.</summary>
    public long Completed { get; init; }

    /// <summary>Tasks whose last attempt failed.</summary>
    public long Failed { get; init; }

    /// <summary>Completed tasks with a duration.</summary>
    public long Timed { get; init; }

    /// <summary>The sum of their durations, in ms.</summary>
    public long DurationMs { get; init; }

    /// <summary>The totals without <paramref name="task"/>'s share.</summary>
    public TaskTotals Without(TaskRecord? task) => Add(task, -1);

    /// <summary>The totals with <paramref name="task"/>'s share.</summary>
    public TaskTotals With(TaskRecord? task) => Add(task, +1);

    private TaskTotals Add(TaskRecord? task, int sign)
    {
        if (task is null) return this;
        var completed = task.Status == TaskItemStatus.Completed;
        var timed = completed && task.DurationMs is not null;
        return new TaskTotals
        {
            Completed = Completed + (completed ? sign : 0),
            Failed = Failed + (task.Status == TaskItemStatus.Failed ? sign : 0),
            Timed = Timed + (timed ? sign : 0),
            DurationMs = DurationMs + (timed ? sign * task.DurationMs!.Value : 0),
        };
    }
}
