using Orleans.Concurrency;
using EventStore.Aggregates;

namespace EventStore.Projections;

/// <summary>Answers AgentState queries from its tables, on every silo.</summary>
[StatelessWorker]
[GrainType("projection-agent-state")]
internal sealed class AgentStateQueries(ProjectionReader reader, TimeProvider clock)
    : ProjectionQueryGrain<AgentStateProjection>(reader), IAgentStateProjection
{
    private static RecordTable<AgentRecord> Agents => AgentStateProjection.Agents;

    /// <inheritdoc />
    public Task<AgentRecord?> GetAgent(string agentId) => Find(Agents, agentId);

    /// <inheritdoc />
    public Task<RecordPage<AgentRecord>> GetAll(string? after, int limit) => List(Agents, RecordQuery.All.Page(after, limit));

    /// <inheritdoc />
    public Task<RecordPage<AgentRecord>> GetByStatus(AgentStatus status, string? after, int limit) =>
        List(Agents, RecordQuery.All.Where("status", status.ToString()).Page(after, limit));

    /// <inheritdoc />
    public Task<RecordPage<AgentRecord>> GetByDomain(AgentDomain domain, string? after, int limit) =>
        List(Agents, RecordQuery.All.Where("domain", domain.ToString()).Page(after, limit));

    /// <inheritdoc />
    public async Task<int> GetActiveCount() => (int)(await Totals()).Active;

    /// <inheritdoc />
    public async Task<double> GetAverageTaskDurationMs()
    {
        var totals = await Totals();
        return totals.CompletedTasks == 0 ? 0 : totals.TaskDurationMs / (double)totals.CompletedTasks;
    }

    /// <inheritdoc />
    public async Task<AgentHealth> GetHealth(TimeSpan idleThreshold)
    {
        var idleSince = (clock.GetUtcNow() - idleThreshold).ToUnixTimeMilliseconds();
        var inError = await List(Agents, RecordQuery.All.Where("status", nameof(AgentStatus.Error)).Page(null, PageLimits.Max));
        var idle = await List(Agents, RecordQuery.All.Where("status", nameof(AgentStatus.Idle)).Where("last_activity", Comparison.Less, idleSince).Page(null, PageLimits.Max));
        return new AgentHealth(inError.Items, idle.Items);
    }

    private async Task<AgentTotals> Totals() => await Find(AgentStateProjection.Totals, AgentStateProjection.TotalsKey) ?? new AgentTotals();
}
