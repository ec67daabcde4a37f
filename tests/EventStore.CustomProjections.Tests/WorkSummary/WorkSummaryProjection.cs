using EventStore.Events;
using EventStore.Projections;

namespace EventStore.CustomProjections.Tests.WorkSummary;

/// <summary>Which agent started a task: how a task's completion finds the agent whose summary it changes.</summary>
public sealed record TaskOwner(string AgentId);

/// <summary>
/// A read model of the application's own: one <see cref="AgentWorkSummary"/> per agent, folded from agent events and
/// task events (a task's events name its agent only when it starts, so the projection remembers who started it).
/// </summary>
public sealed class WorkSummaryProjection : Projection
{
    /// <summary>Summaries by agent id, with the number of completed tasks and the role as queryable columns.</summary>
    public static RecordTable<AgentWorkSummary> Agents { get; } = new RecordTable<AgentWorkSummary>("agents")
        .WithInteger("completed", s => s.TasksCompleted)
        .WithText("role", s => s.Role);

    /// <summary>The agent that started each task, by task id.</summary>
    public static RecordTable<TaskOwner> Owners { get; } = new("owners");

    /// <inheritdoc />
    public override string Name => "work_summary";

    /// <inheritdoc />
    public override IReadOnlyList<string> AggregateTypes { get; } = [Events.AggregateTypes.Agent, Events.AggregateTypes.Task];

    /// <inheritdoc />
    public override IReadOnlyList<RecordTable> Tables { get; } = [Agents, Owners];

    /// <inheritdoc />
    public override IEnumerable<RecordKey> KeysOf(EventEnvelope envelope) => envelope.AggregateType == Events.AggregateTypes.Agent
        ? [new(Agents, envelope.AggregateId)]
        : [new(Owners, envelope.AggregateId)];

    /// <inheritdoc />
    public override async ValueTask ApplyAsync(EventEnvelope envelope, RecordSession records)
    {
        string? agentId;
        if (envelope.AggregateType == Events.AggregateTypes.Agent) agentId = envelope.AggregateId;
        else if (envelope.Payload is TaskStarted started)
        {
            agentId = started.AgentId;
            records.Put(Owners, envelope.AggregateId, new TaskOwner(agentId));
        }
        else agentId = (await records.GetAsync(Owners, envelope.AggregateId))?.AgentId;
        if (agentId is null) return; // a task nobody started yet

        var summary = await records.GetAsync(Agents, agentId) ?? new AgentWorkSummary { AgentId = agentId };
        summary = envelope.Payload switch
        {
            AgentSpawned e => summary with { Role = e.Role },
            TaskStarted => summary with { TasksStarted = summary.TasksStarted + 1 },
            TaskCompleted e => summary with { TasksCompleted = summary.TasksCompleted + 1, TotalDurationMs = summary.TotalDurationMs + e.DurationMs },
            _ => summary,
        };
        records.Put(Agents, agentId, summary with { LastEventType = envelope.Type, LastPosition = envelope.Position });
    }
}
