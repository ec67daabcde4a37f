using EventStore.Aggregates;
using EventStore.Events;

namespace EventStore.Projections;

/// <summary>
/// The AgentState read model: agents by id, from agent events and the task events that name an agent.
/// Agents and running tasks are keyed by their stream's id, never by an id inside a payload (a task's
/// events name the agent running it; that agent's record is only ever found, never created, from them).
/// </summary>
[GenerateSerializer]
public sealed class AgentStateModel : IReadModel
{
    /// <summary>Agents by id.</summary>
    [Id(0)] public Dictionary<string, AgentRecord> Agents { get; set; } = [];

    /// <summary>Tasks in progress, with the agent running them, to charge a task failure to its agent.</summary>
    [Id(1)] public Dictionary<string, string> RunningTasks { get; set; } = [];

    /// <summary>2: records keyed by the stream they came from (memories by namespace and memory id), not by ids in payloads.</summary>
    public static int ShapeVersion => 2;

    /// <inheritdoc />
    public int Count => Agents.Count;

    /// <inheritdoc />
    public void Apply(EventEnvelope envelope)
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(envelope.Timestamp);
        switch (envelope.Payload)
        {
            case AgentSpawned e when envelope.AggregateType == AggregateTypes.Agent:
                Agents[envelope.AggregateId] = new AgentRecord { AgentId = envelope.AggregateId, Role = e.Role, Domain = e.Domain, Status = AgentStatus.Idle, SpawnedAt = at, LastActivityAt = at };
                break;
            case TaskStarted e:
                RunningTasks[envelope.AggregateId] = e.AgentId;
                break;
            case TaskFailed when RunningTasks.Remove(envelope.AggregateId, out var agentId) && Agents.TryGetValue(agentId, out var agent):
                agent.FailedTasks++;
                break;
            case TaskCompleted or TaskBlocked:
                RunningTasks.Remove(envelope.AggregateId);
                break;
            case IDomainEvent when envelope.AggregateType == AggregateTypes.Agent && Agents.TryGetValue(envelope.AggregateId, out var record):
                record.LastActivityAt = at;
                ApplyToAgent(record, envelope.Payload);
                break;
        }
    }

    private static void ApplyToAgent(AgentRecord agent, IDomainEvent payload)
    {
        switch (payload)
        {
            case AgentStarted e:
                (agent.Status, agent.StartedAt) = (AgentStatus.Active, e.StartedAt);
                break;
            case AgentStopped e:
                (agent.Status, agent.StoppedAt, agent.CurrentTaskId) = (AgentStatus.Completed, e.StoppedAt, null);
                break;
            case AgentFailed:
                (agent.Status, agent.CurrentTaskId) = (AgentStatus.Error, null);
                agent.ErrorCount++;
                break;
            case AgentStatusChanged e:
                agent.Status = e.NewStatus;
                break;
            case AgentTaskAssigned e:
                (agent.Status, agent.CurrentTaskId) = (AgentStatus.Active, e.TaskId);
                agent.TaskCount++;
                break;
            case AgentTaskCompleted e:
                (agent.Status, agent.CurrentTaskId) = (AgentStatus.Idle, null);
                agent.CompletedTasks++;
                agent.TotalTaskDurationMs += e.DurationMs;
                break;
        }
    }
}
