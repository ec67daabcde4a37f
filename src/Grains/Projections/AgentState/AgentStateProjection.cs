using EventStore.Aggregates;
using EventStore.Events;

namespace EventStore.Projections;

/// <summary>
/// The AgentState read model: one record per agent, from agent events and the task events that name an agent,
/// indexed by status, domain and last activity; the tasks in progress with the agent running them (to charge a
/// task's failure to its agent); and one totals record. Agents and running tasks are keyed by their stream's id,
/// never by an id inside a payload (a task's events name the agent running it; that agent's record is only ever
/// found, never created, from them).
/// </summary>
public sealed class AgentStateProjection : Projection
{
    /// <summary>Agents by id.</summary>
    public static RecordTable<AgentRecord> Agents { get; } = new RecordTable<AgentRecord>("agents")
        .WithText("status", a => a.Status.ToString())
        .WithText("domain", a => a.Domain.ToString())
        .WithInteger("last_activity", a => a.LastActivityAt.ToUnixTimeMilliseconds());

    /// <summary>Tasks in progress by task id, with their agent.</summary>
    internal static RecordTable<RunningTask> RunningTasks { get; } = new("running_tasks");

    /// <summary>The totals, under <see cref="TotalsKey"/>.</summary>
    internal static RecordTable<AgentTotals> Totals { get; } = new("totals");

    /// <summary>The key of the one totals record.</summary>
    internal const string TotalsKey = "all";

    /// <inheritdoc />
    public override string Name => "agent_state";

    /// <inheritdoc />
    public override IReadOnlyList<string> AggregateTypes { get; } = [Events.AggregateTypes.Agent, Events.AggregateTypes.Task];

    /// <inheritdoc />
    public override IReadOnlyList<RecordTable> Tables { get; } = [Agents, RunningTasks, Totals];

    /// <inheritdoc />
    public override IEnumerable<RecordKey> KeysOf(EventEnvelope envelope) => envelope.AggregateType == Events.AggregateTypes.Agent
        ? [new(Agents, envelope.AggregateId), new(Totals, TotalsKey)]
        : [new(RunningTasks, envelope.AggregateId)];

    /// <inheritdoc />
    public override async ValueTask ApplyAsync(EventEnvelope envelope, RecordSession records)
    {
        switch (envelope.Payload)
        {
            case TaskStarted e:
                records.Put(RunningTasks, envelope.AggregateId, new RunningTask(e.AgentId));
                break;
            case TaskFailed:
                if (await records.GetAsync(RunningTasks, envelope.AggregateId) is not { } running) break;
                records.Delete(RunningTasks, envelope.AggregateId);
                if (await records.GetAsync(Agents, running.AgentId) is { } charged)
                    await Replace(records, charged, charged with { FailedTasks = charged.FailedTasks + 1 });
                break;
            case TaskCompleted or TaskBlocked:
                if (await records.GetAsync(RunningTasks, envelope.AggregateId) is not null) records.Delete(RunningTasks, envelope.AggregateId);
                break;
            case IDomainEvent payload when envelope.AggregateType == Events.AggregateTypes.Agent:
                var agent = await records.GetAsync(Agents, envelope.AggregateId);
                var at = DateTimeOffset.FromUnixTimeMilliseconds(envelope.Timestamp);
                var after = payload is AgentSpawned spawned
                    ? new AgentRecord { AgentId = envelope.AggregateId, Role = spawned.Role, Domain = spawned.Domain, Status = AgentStatus.Idle, SpawnedAt = at, LastActivityAt = at }
                    : agent is null ? null : Fold(agent with { LastActivityAt = at }, payload);
                if (after is not null) await Replace(records, agent, after);
                break;
        }
    }

    private static async ValueTask Replace(RecordSession records, AgentRecord? before, AgentRecord after)
    {
        records.Put(Agents, after.AgentId, after);
        var totals = await records.GetAsync(Totals, TotalsKey) ?? new AgentTotals();
        records.Put(Totals, TotalsKey, totals.Without(before).With(after));
    }

    private static AgentRecord Fold(AgentRecord agent, IDomainEvent payload) => payload switch
    {
        AgentStarted e => agent with { Status = AgentStatus.Active, StartedAt = e.StartedAt },
        AgentStopped e => agent with { Status = AgentStatus.Completed, StoppedAt = e.StoppedAt, CurrentTaskId = null },
        AgentFailed => agent with { Status = AgentStatus.Error, CurrentTaskId = null, ErrorCount = agent.ErrorCount + 1 },
        AgentStatusChanged e => agent with { Status = e.NewStatus },
        AgentTaskAssigned e => agent with { Status = AgentStatus.Active, CurrentTaskId = e.TaskId, TaskCount = agent.TaskCount + 1 },
        AgentTaskCompleted e => agent with
        {
            Status = AgentStatus.Idle, CurrentTaskId = null, CompletedTasks = agent.CompletedTasks + 1, TotalTaskDurationMs = agent.TotalTaskDurationMs + e.DurationMs,
        },
        _ => agent,
    };
}

/// <summary>A task in progress: the agent running it.</summary>
internal sealed record RunningTask(string AgentId);

/// <summary>What every agent adds to the AgentState totals, summed.</summary>
internal sealed record AgentTotals
{
    /// <summary>Agents active now.</summary>
    public long Active { get; init; }

    /// <summary>Tasks completed by all agents.</summary>
    public long CompletedTasks { get; init; }

    /// <summary>The sum of those tasks' durations, in ms.</summary>
    public long TaskDurationMs { get; init; }

    /// <summary>The totals without <paramref name="agent"/>'s share.</summary>
    public AgentTotals Without(AgentRecord? agent) => Add(agent, -1);

    /// <summary>The totals with <paramref name="agent"/>'s share.</summary>
    public AgentTotals With(AgentRecord? agent) => Add(agent, +1);

    private AgentTotals Add(AgentRecord? agent, int sign) => agent is null ? this : new AgentTotals
    {
        Active = Active + (agent.Status == AgentStatus.Active ? sign : 0),
        CompletedTasks = CompletedTasks + sign * agent.CompletedTasks,
        TaskDurationMs = TaskDurationMs + sign * agent.TotalTaskDurationMs,
    };
}
