using EventStore.Errors;
using EventStore.Events;
using EventStore.Journal;
using EventStore.LogConsistency;
using Orleans.Providers;

namespace EventStore.Aggregates;

/// <summary>One task: created, queued, started, then completed, failed (and retried) or blocked.</summary>
[GrainType(AggregateTypes.Task)]
[LogConsistencyProvider(ProviderName = JournalLogConsistencyProvider.ProviderName)]
public sealed class TaskGrain(CommandJournal journal) : AggregateGrain<TaskView>(journal), ITaskGrain
{
    /// <inheritdoc />
    public Task<EventReceipt> Create(string taskType, string title, string description, TaskPriority priority, IReadOnlyList<string> dependencies, CommandContext? context = null) =>
        Execute(context, [taskType, title, description, priority, dependencies], task =>
        {
            var validType = Guard.Id(taskType, nameof(taskType), MaxIdLength);
            Guard.Text(title, nameof(title));
            Guard.NotNull(description, nameof(description));
            Guard.Defined(priority, nameof(priority));
            var validDependencies = Guard.Ids(dependencies, nameof(dependencies), MaxIdLength);
            if (validDependencies.Contains(Id)) throw new InvalidCommandException(nameof(dependencies), "a task cannot depend on itself");
            if (task.Exists) throw Refuse("create", $"it already exists ({task.Status})");
            return new TaskCreated(Id, validType, title, description, priority, validDependencies, Now);
        });

    /// <inheritdoc />
    public Task<EventReceipt> Queue(TaskPriority priority, CommandContext? context = null) =>
        Execute(context, [priority], task =>
        {
            Guard.Defined(priority, nameof(priority));
            return task.Exists && task.Status is TaskItemStatus.Pending or TaskItemStatus.Blocked or TaskItemStatus.Failed
                ? new TaskQueued(Id, priority, Now)
                : throw Refuse("queue", Describe(task));
        });

    /// <inheritdoc />
    public Task<EventReceipt> Start(string agentId, CommandContext? context = null) =>
        Execute(context, [agentId], task =>
        {
            Guard.Id(agentId, nameof(agentId), MaxIdLength);
            return task.Exists && task.Status is TaskItemStatus.Pending or TaskItemStatus.Queued
                ? new TaskStarted(Id, agentId, Now)
                : throw Refuse("start", Describe(task));
        });

    /// <inheritdoc />
    public Task<EventReceipt> Complete(string? result, CommandContext? context = null) =>
        Execute(context, [result], task =>
        {
            if (task.Status != TaskItemStatus.InProgress || task.StartedAt is not { } startedAt) throw Refuse("complete", Describe(task));
            var now = Now;
            return new TaskCompleted(Id, result, now, (long)(now - startedAt).TotalMilliseconds);
        });

    /// <inheritdoc />
    public Task<EventReceipt> Fail(string error, string? stack = null, CommandContext? context = null) =>
        Execute(context, [error, stack], task =>
        {
            Guard.Text(error, nameof(error));
            return task.Status == TaskItemStatus.InProgress
                ? new TaskFailed(Id, error, stack, Now, task.Attempts - 1)
                : throw Refuse("fail", Describe(task));
        });

    /// <inheritdoc />
    public Task<EventReceipt> Block(IReadOnlyList<string> blockedBy, CommandContext? context = null) =>
        Execute(context, [blockedBy], task =>
        {
            var blockers = Guard.Ids(blockedBy, nameof(blockedBy), MaxIdLength, allowEmpty: false);
            if (blockers.Contains(Id)) throw new InvalidCommandException(nameof(blockedBy), "a task cannot block itself");
            return task.Exists && task.Status is TaskItemStatus.Pending or TaskItemStatus.Queued or TaskItemStatus.InProgress
                ? new TaskBlocked(Id, blockers, Now)
                : throw Refuse("block", Describe(task));
        });

    /// <inheritdoc />
    public Task<TaskView> GetState() => GetView();

    private static string Describe(TaskView task) => task.Status switch
    {
        _ when !task.Exists => "it was never created",
        TaskItemStatus.Pending => "it is pending and was never started",
        TaskItemStatus.Queued => "it is queued and was never started",
        TaskItemStatus.InProgress => "it is already in progress",
        TaskItemStatus.Completed => "it is already completed",
        TaskItemStatus.Failed => "its last attempt failed and it was not queued again",
        _ => $"it is blocked by {string.Join(", ", task.BlockedBy)}",
    };
}
