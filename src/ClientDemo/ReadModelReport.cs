using System.Globalization;
using EventStore.Aggregates;
using EventStore.Projections;
using EventStore.Store;

namespace EventStore.ClientDemo;

/// <summary>After the scenario: the read models kept by the projections, checked against the journal.</summary>
internal sealed class ReadModelReport(IClusterClient client, DemoCast cast, TextWriter output)
{
    /// <summary>Prints the read models; returns false if one disagrees with the journal.</summary>
    public async Task<bool> PrintAsync()
    {
        var agents = client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key);
        var tasks = client.GetGrain<ITaskHistoryProjection>(ITaskHistoryProjection.Key);
        var memory = client.GetGrain<IMemoryIndexProjection>(IMemoryIndexProjection.Key);

        output.WriteLine();
        output.WriteLine("== Read models (projections)");
        foreach (var status in new[] { await agents.GetStatus(), await tasks.GetStatus(), await memory.GetStatus() })
            output.WriteLine($"  {status.Projection,-28} checkpoint {status.Checkpoint,-6} head {status.HeadPosition,-6} lag {status.LagEvents} events, {status.LagMilliseconds} ms");
        foreach (IProjection projection in new IProjection[] { agents, tasks, memory }) await projection.CatchUp();

        var mine = (await agents.GetAll()).Where(a => a.AgentId.EndsWith(cast.Suffix, StringComparison.Ordinal)).ToList();
        output.WriteLine($"  agents of this run by status: {string.Join(", ", mine.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}");
        output.WriteLine($"  agents of this run by domain: {string.Join(", ", mine.GroupBy(a => a.Domain).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}");
        output.WriteLine($"  all agents: {await agents.GetActiveCount()} active, average task duration {await agents.GetAverageTaskDurationMs():F0} ms");
        var health = await agents.GetHealth(TimeSpan.FromMinutes(5));
        output.WriteLine($"  health: {health.InError.Count} in error ({string.Join(", ", health.InError.Where(a => a.AgentId.EndsWith(cast.Suffix, StringComparison.Ordinal)).Select(a => a.AgentId))} from this run)");

        var rates = await tasks.GetOutcomeRates();
        output.WriteLine($"  tasks: {rates.Completed} completed, {rates.Failed} failed, success rate {rates.SuccessRate:P0}, failure rate {rates.FailureRate:P0}, average duration {await tasks.GetAverageDurationMs():F0} ms");
        foreach (var blocked in (await tasks.GetBlockedTasks()).Where(t => t.TaskId.EndsWith(cast.Suffix, StringComparison.Ordinal)))
            output.WriteLine($"  blocked: {blocked.TaskId} by {string.Join(", ", blocked.BlockedBy)}");

        output.WriteLine($"  most accessed memories: {string.Join(", ", (await memory.GetMostAccessed(3)).Select(m => $"{m.MemoryId} ({m.AccessCount})"))}");
        var sizes = await memory.GetTotalSizeByNamespace();
        output.WriteLine($"  active size by namespace (this run): {string.Join(", ", sizes.Where(kv => kv.Key.EndsWith(cast.Suffix, StringComparison.Ordinal)).Select(kv => $"{kv.Key} {kv.Value.ToString("N0", CultureInfo.InvariantCulture)} B"))}");

        var stats = await client.GetEventStore().GetStats();
        var completedRows = stats.EventsByType.GetValueOrDefault("task:completed");
        var completedTasks = await tasks.GetCompletedCount();
        var agentRows = stats.EventsByType.Where(kv => kv.Key == "agent:spawned").Sum(kv => kv.Value);
        var agentRecords = (await agents.GetAll()).Count;
        var agrees = completedRows == completedTasks && agentRows == agentRecords;
        output.WriteLine($"  check against the journal: {completedTasks} completed tasks vs {completedRows} task:completed rows, " +
                         $"{agentRecords} agents vs {agentRows} agent:spawned rows: {(agrees ? "they match" : "MISMATCH")}");
        return agrees;
    }
}
