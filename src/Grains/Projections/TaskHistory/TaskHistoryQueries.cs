using Orleans.Concurrency;
using EventStore.Aggregates;

namespace EventStore.Projections;

/// <summary>Answers TaskHistory queries from its tables, on every silo.</summary>
[StatelessWorker]
[GrainType("projection-task-history")]
internal sealed class TaskHistoryQueries(ProjectionReader reader)
    : ProjectionQueryGrain<TaskHistoryProjection>(reader), ITaskHistoryProjection
{
    private static RecordTable<TaskRecord> Tasks => TaskHistoryProjection.Tasks;

    /// <inheritdoc />
    public Task<TaskRecord?> GetTask(string taskId) => Find(Tasks, taskId);

    /// <inheritdoc />
    public Task<RecordPage<TaskRecord>> GetAll(string? after, int limit) => List(Tasks, RecordQuery.All.Page(after, limit));

    /// <inheritdoc />
    public Task<RecordPage<TaskRecord>> GetByStatus(TaskItemStatus status, string? after, int limit) =>
        List(Tasks, RecordQuery.All.Where("status", status.ToString()).Page(after, limit));

    /// <inheritdoc />
    public Task<RecordPage<TaskRecord>> GetByAgent(string agentId, string? after, int limit) =>
        List(Tasks, RecordQuery.All.Where("agent", agentId).Page(after, limit));

    /// <inheritdoc />
    public Task<RecordPage<TaskRecord>> GetByPriority(TaskPriority priority, string? after, int limit) =>
        List(Tasks, RecordQuery.All.Where("priority", priority.ToString()).Page(after, limit));

    /// <inheritdoc />
    public async Task<int> GetCompletedCount() => (int)(await Totals()).Completed;

    /// <inheritdoc />
    public async Task<double> GetAverageDurationMs()
    {
        var totals = await Totals();
        return totals.Timed == 0 ? 0 : totals.DurationMs / (double)totals.Timed;
    }

    /// <inheritdoc />
    public async Task<TaskOutcomeRates> GetOutcomeRates()
    {
        var totals = await Totals();
        var (completed, failed) = ((int)totals.Completed, (int)totals.Failed);
        var ended = completed + failed;
        return new TaskOutcomeRates(completed, failed, ended == 0 ? 0 : completed / (double)ended, ended == 0 ? 0 : failed / (double)ended);
    }

    /// <inheritdoc />
    public async Task<RecordPage<BlockedTask>> GetBlockedTasks(string? after, int limit)
    {
        var page = await List(Tasks, RecordQuery.All.Where("status", nameof(TaskItemStatus.Blocked)).Page(after, limit));
        return new RecordPage<BlockedTask>(page.Items.Select(t => new BlockedTask(t.TaskId, t.BlockedBy)).ToList(), page.Next);
    }

    private async Task<TaskTotals> Totals() => await Find(TaskHistoryProjection.Totals, TaskHistoryProjection.TotalsKey) ?? new TaskTotals();
}
