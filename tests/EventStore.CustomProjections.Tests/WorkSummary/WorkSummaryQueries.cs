using EventStore.Projections;
using Orleans.Concurrency;

namespace EventStore.CustomProjections.Tests.WorkSummary;

/// <summary>Answers the work-summary queries from its tables, on every silo.</summary>
[StatelessWorker]
public sealed class WorkSummaryQueries(ProjectionReader reader) : ProjectionQueryGrain<WorkSummaryProjection>(reader), IWorkSummaryProjection
{
    /// <inheritdoc />
    public Task<AgentWorkSummary?> GetSummary(string agentId) => Find(WorkSummaryProjection.Agents, agentId);

    /// <inheritdoc />
    public Task<RecordPage<AgentWorkSummary>> GetAll(string? after, int limit) => List(WorkSummaryProjection.Agents, RecordQuery.All.Page(after, limit));

    /// <inheritdoc />
    public async Task<IReadOnlyList<AgentWorkSummary>> GetBusiest(int count) =>
        (await List(WorkSummaryProjection.Agents, RecordQuery.All.Ordered("completed", descending: true).Page(null, count))).Items;
}
