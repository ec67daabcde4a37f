using EventStore.Aggregates;

namespace EventStore.Projections;

/// <summary>The TaskHistory projection.</summary>
[ImplicitStreamSubscription(ProjectionStreams.Namespace)]
[GrainType("projection-task-history")]
public sealed class TaskHistoryProjectionGrain(
    [PersistentState("task-history", ProjectionStorage.Name)] IPersistentState<ProjectionState<TaskHistoryModel>> state, ProjectionSource source)
    : ProjectionGrain<TaskHistoryModel>(state, source), ITaskHistoryProjection
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> AggregateTypes { get; } = [Events.AggregateTypes.Task];

    /// <inheritdoc />
    public Task<TaskRecord?> GetTask(string taskId) => Task.FromResult(Model.Tasks.GetValueOrDefault(taskId));

    /// <inheritdoc />
    public Task<IReadOnlyList<TaskRecord>> GetAll() => Select(_ => true);

    /// <inheritdoc />
    public Task<IReadOnlyList<TaskRecord>> GetByStatus(TaskItemStatus status) => Select(t => t.Status == status);

    /// <inheritdoc />
    public Task<IReadOnlyList<TaskRecord>> GetByAgent(string agentId) => Select(t => t.AssignedAgentId == agentId);

    /// <inheritdoc />
    public Task<IReadOnlyList<TaskRecord>> GetByPriority(TaskPriority priority) => Select(t => t.Priority == priority);

    /// <inheritdoc />
    public Task<int> GetCompletedCount() => Task.FromResult(Model.Tasks.Values.Count(t => t.Status == TaskItemStatus.Completed));

    /// <inheritdoc />
    public Task<double> GetAverageDurationMs()
    {
        var durations = Model.Tasks.Values.Where(t => t.Status == TaskItemStatus.Completed && t.DurationMs is not null).Select(t => t.DurationMs!.Value).ToList();
        return Task.FromResult(durations.Count == 0 ? 0 : durations.Average());
    }

    /// <inheritdoc />
    public Task<TaskOutcomeRates> GetOutcomeRates()
    {
        var completed = Model.Tasks.Values.Count(t => t.Status == TaskItemStatus.Completed);
        var failed = Model.Tasks.Values.Count(t => t.Status == TaskItemStatus.Failed);
        var ended = completed + failed;
        return Task.FromResult(new TaskOutcomeRates(completed, failed, ended == 0 ? 0 : completed / (double)ended, ended == 0 ? 0 : failed / (double)ended));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<BlockedTask>> GetBlockedTasks() =>
        Task.FromResult<IReadOnlyList<BlockedTask>>(Model.Tasks.Values.Where(t => t.Status == TaskItemStatus.Blocked)
            .OrderBy(t => t.TaskId, StringComparer.Ordinal).Select(t => new BlockedTask(t.TaskId, [.. t.BlockedBy])).ToList());

    private Task<IReadOnlyList<TaskRecord>> Select(Func<TaskRecord, bool> predicate) =>
        Task.FromResult<IReadOnlyList<TaskRecord>>(Model.Tasks.Values.Where(predicate).OrderBy(t => t.TaskId, StringComparer.Ordinal).ToList());
}
