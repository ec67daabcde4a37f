using EventStore.Aggregates;
using EventStore.CustomProjections.Tests.WorkSummary;
using EventStore.Events;
using EventStore.Store;

namespace EventStore.CustomProjections.Tests.Infrastructure;

/// <summary>A multi-aggregate history: agents spawned and started, tasks created, started by them (one retried by another agent), completed or failed.</summary>
internal static class Scenario
{
    /// <summary>Runs the history for <paramref name="agents"/> agents and twice as many tasks, ids prefixed with a fresh tag; returns the agent ids.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(IGrainFactory grains, int agents = 3)
    {
        var ids = await SpawnAsync(grains, agents);
        await TasksAsync(grains, ids);
        return ids;
    }

    /// <summary>Spawns and starts <paramref name="agents"/> agents, ids prefixed with a fresh tag; returns their ids.</summary>
    public static async Task<IReadOnlyList<string>> SpawnAsync(IGrainFactory grains, int agents)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var ids = Enumerable.Range(0, agents).Select(i => $"{tag}-agent-{i}").ToList();
        foreach (var id in ids)
        {
            var agent = grains.GetGrain<IAgentGrain>(id);
            await agent.Spawn(id.EndsWith('0') ? "coder" : "tester", AgentDomain.Core, ["csharp"]);
            await agent.Start();
        }
        return ids;
    }

    /// <summary>Twice as many tasks as <paramref name="agents"/>, each started by one of them: completed, failed, or failed and completed by another.</summary>
    public static async Task TasksAsync(IGrainFactory grains, IReadOnlyList<string> agents)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < agents.Count * 2; i++)
        {
            var (owner, other) = (agents[i % agents.Count], agents[(i + 1) % agents.Count]);
            var task = grains.GetGrain<ITaskGrain>($"{tag}-task-{i}");
            await task.Create("build", $"Task {i}", "scenario", TaskPriority.Normal, []);
            await task.Start(owner);
            switch (i % 3)
            {
                case 0:
                    await task.Complete("done");
                    break;
                case 1:
                    await task.Fail("boom");
                    await task.Queue(TaskPriority.High);
                    await task.Start(other);
                    await task.Complete("retried");
                    break;
                default:
                    await task.Fail("for good");
                    break;
            }
        }
    }
}

/// <summary>What the projections must hold, computed here from the journal's events, independently of the projection code.</summary>
internal static class JournalFold
{
    /// <summary>Every event of the journal, in position order.</summary>
    public static async Task<IReadOnlyList<EventEnvelope>> EventsAsync(IClusterClient client)
    {
        var events = new List<EventEnvelope>();
        await foreach (var envelope in client.GetEventStore().Replay(fromPosition: 0, pageSize: 1000)) events.Add(envelope);
        return events;
    }

    /// <summary>The work summaries of every agent the journal's agent and task events concern.</summary>
    public static IReadOnlyDictionary<string, AgentWorkSummary> WorkSummaries(IEnumerable<EventEnvelope> events)
    {
        var startedBy = new Dictionary<string, string>(StringComparer.Ordinal);
        var summaries = new Dictionary<string, AgentWorkSummary>(StringComparer.Ordinal);
        foreach (var e in events.OrderBy(e => e.Position))
        {
            string? agentId = null;
            if (e.AggregateType == AggregateTypes.Agent) agentId = e.AggregateId;
            else if (e.AggregateType == AggregateTypes.Task)
            {
                if (e.Payload is TaskStarted started) startedBy[e.AggregateId] = started.AgentId;
                agentId = startedBy.GetValueOrDefault(e.AggregateId);
            }
            if (agentId is null) continue;
            var s = summaries.GetValueOrDefault(agentId) ?? new AgentWorkSummary { AgentId = agentId };
            if (e.Payload is AgentSpawned spawned) s = s with { Role = spawned.Role };
            if (e.Payload is TaskStarted) s = s with { TasksStarted = s.TasksStarted + 1 };
            if (e.Payload is TaskCompleted completed) s = s with { TasksCompleted = s.TasksCompleted + 1, TotalDurationMs = s.TotalDurationMs + completed.DurationMs };
            summaries[agentId] = s with { LastEventType = e.Type, LastPosition = e.Position };
        }
        return summaries;
    }

    /// <summary>Events per aggregate of <paramref name="aggregateType"/>.</summary>
    public static IReadOnlyDictionary<string, long> Counts(IEnumerable<EventEnvelope> events, string aggregateType) =>
        events.Where(e => e.AggregateType == aggregateType).GroupBy(e => e.AggregateId).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
}
