using System.Globalization;
using EventStore.Aggregates;

namespace EventStore.ClientDemo;

/// <summary>Prints what the run appended, per event type, and the final state of a few aggregates.</summary>
internal sealed class SummaryReport(IClusterClient client, DemoCast cast, ReceiptLog log, TextWriter output)
{
    /// <summary>Prints the summary and returns the event types the run never appended (empty when all were).</summary>
    public async Task<IReadOnlyList<string>> PrintAsync()
    {
        var allTypes = EventCatalog.AllTypes;
        var missing = allTypes.Where(t => log.CountOf(t) == 0).ToList();

        output.WriteLine();
        output.WriteLine("== Summary");
        output.WriteLine($"  run {cast.Suffix}, correlation id {cast.CorrelationId}");
        output.WriteLine($"  appended {log.Count} events covering {allTypes.Count - missing.Count} of {allTypes.Count} event types");
        foreach (var type in allTypes)
        {
            output.WriteLine($"    {type,-24} {log.CountOf(type),3}");
        }

        var swarm = await client.GetGrain<ISwarmGrain>(cast.Swarm).GetState();
        var agent = await client.GetGrain<IAgentGrain>(cast.Coder).GetState();
        var auditor = await client.GetGrain<IAgentGrain>(cast.Auditor).GetState();
        var task = await client.GetGrain<ITaskGrain>(cast.AuditTask).GetState();
        var blocked = await client.GetGrain<ITaskGrain>(cast.DeployTask).GetState();
        var sessions = await client.GetGrain<IMemoryNamespaceGrain>(cast.SessionNamespace).GetState();

        output.WriteLine();
        output.WriteLine($"  swarm {cast.Swarm} (v{swarm.Version}): topology {swarm.Topology}, phase {swarm.Phase}, {swarm.AgentCount}/{swarm.MaxAgents} agents,");
        output.WriteLine($"    milestones [{string.Join(", ", swarm.Milestones.Values)}], errors {swarm.ErrorCount}, terminated {swarm.IsTerminated} ({swarm.TerminationReason})");
        output.WriteLine($"    metrics {Format(swarm.FinalMetrics)}");
        output.WriteLine($"  agent {cast.Coder} (v{agent.Version}): {agent.Role}/{agent.Domain}, {agent.Lifecycle}, status {agent.Status},");
        output.WriteLine($"    tasks {agent.CompletedTaskCount}/{agent.TaskCount} completed in {agent.TotalTaskDurationMs} ms, stopped: {agent.StopReason}");
        output.WriteLine($"  agent {cast.Auditor} (v{auditor.Version}): {auditor.Lifecycle}, status {auditor.Status}, errors {auditor.ErrorCount}: {auditor.LastError}");
        output.WriteLine($"  task {cast.AuditTask} (v{task.Version}): {task.Status}, {task.Attempts} attempts, {task.FailureCount} failed,");
        output.WriteLine($"    done by {task.AssignedAgentId} in {task.DurationMs} ms: {task.Result}");
        output.WriteLine($"  task {cast.DeployTask} (v{blocked.Version}): {blocked.Status}, blocked by [{string.Join(", ", blocked.BlockedBy)}]");
        output.WriteLine($"  memory {cast.SessionNamespace} (v{sessions.Version}): {sessions.Entries.Count(e => e.Value.IsActive)} of {sessions.Entries.Count} keys active");

        if (missing.Count > 0)
        {
            output.WriteLine($"  NOT appended: {string.Join(", ", missing)}");
        }

        return missing;
    }

    private static string Format(IReadOnlyDictionary<string, double> metrics) =>
        string.Join(", ", metrics.Select(m => $"{m.Key}={m.Value.ToString(CultureInfo.InvariantCulture)}"));
}
