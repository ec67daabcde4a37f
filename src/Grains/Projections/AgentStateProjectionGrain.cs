using EventStore.Aggregates;
using EventStore.Events;

namespace EventStore.Projections;

/// <summary>The AgentState projection.</summary>
[ImplicitStreamSubscription(ProjectionStreams.Namespace)]
[GrainType("projection-agent-state")]
public sealed class AgentStateProjectionGrain(
    [PersistentState("agent-state", ProjectionStorage.Name)] IPersistentState<ProjectionState<AgentStateModel>> state, ProjectionSource source)
    : ProjectionGrain<AgentStateModel>(state, source), IAgentStateProjection
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> AggregateTypes { get; } = [Events.AggregateTypes.Agent, Events.AggregateTypes.Task];

    /// <inheritdoc />
    public Task<AgentRecord?> GetAgent(string agentId) => Task.FromResult(Model.Agents.GetValueOrDefault(agentId));

    /// <inheritdoc />
    public Task<IReadOnlyList<AgentRecord>> GetAll() => Select(_ => true);

    /// <inheritdoc />
    public Task<IReadOnlyList<AgentRecord>> GetByStatus(AgentStatus status) => Select(a => a.Status == status);

    /// <inheritdoc />
    public Task<IReadOnlyList<AgentRecord>> GetByDomain(AgentDomain domain) => Select(a => a.Domain == domain);

    /// <inheritdoc />
    public Task<int> GetActiveCount() => Task.FromResult(Model.Agents.Values.Count(a => a.Status == AgentStatus.Active));

    /// <inheritdoc />
    public Task<double> GetAverageTaskDurationMs()
    {
        var completed = Model.Agents.Values.Sum(a => (long)a.CompletedTasks);
        return Task.FromResult(completed == 0 ? 0 : Model.Agents.Values.Sum(a => a.TotalTaskDurationMs) / (double)completed);
    }

    /// <inheritdoc />
    public Task<AgentHealth> GetHealth(TimeSpan idleThreshold)
    {
        var idleSince = Now - idleThreshold;
        var agents = Model.Agents.Values.OrderBy(a => a.AgentId, StringComparer.Ordinal).ToList();
        return Task.FromResult(new AgentHealth(
            agents.Where(a => a.Status == AgentStatus.Error).ToList(),
            agents.Where(a => a.Status == AgentStatus.Idle && a.LastActivityAt < idleSince).ToList()));
    }

    private Task<IReadOnlyList<AgentRecord>> Select(Func<AgentRecord, bool> predicate) =>
        Task.FromResult<IReadOnlyList<AgentRecord>>(Model.Agents.Values.Where(predicate).OrderBy(a => a.AgentId, StringComparer.Ordinal).ToList());
}
