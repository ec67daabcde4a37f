using System.Globalization;
using EventStore.Events;
using EventStore.Store;

namespace EventStore.ClientDemo;

/// <summary>After the scenario: what the event store itself shows of it (stats, a history, queries, a replay).</summary>
internal sealed class StoreTour(IClusterClient client, DemoCast cast, ReceiptLog log, TextWriter output)
{
    private readonly IEventStoreGrain _store = client.GetEventStore();

    public async Task PrintAsync()
    {
        var stats = await _store.GetStats();
        output.WriteLine();
        output.WriteLine("== Event store");
        output.WriteLine($"  journal: {stats.TotalEvents} events in {stats.AggregateCount} aggregates, head position {stats.HeadPosition}, " +
                         $"{stats.AggregateSnapshotCount} aggregate snapshots, {stats.SnapshotCount} client snapshots, {stats.JournalSizeBytes / 1024.0:F0} KiB");
        output.WriteLine($"  by aggregate type: {string.Join(", ", stats.EventsByAggregateType.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}"))}");
        output.WriteLine($"  from {Time(stats.OldestTimestamp)} to {Time(stats.NewestTimestamp)}");

        output.WriteLine();
        output.WriteLine($"  history of {cast.AuditTask}:");
        foreach (var e in await _store.GetEvents(cast.AuditTask)) output.WriteLine($"    v{e.Version,-3} {e.Type,-16} {Time(e.Timestamp)}  by {e.Source}");

        var runStart = log.Receipts[0].Position;
        var problems = await _store.Query(new EventFilter
        {
            AggregateTypes = ["task", "swarm"],
            EventTypes = ["task:failed", "task:blocked", "swarm:error"],
            After = (await _store.ReadAll(runStart, 1)).Events[0].Timestamp,
        });
        output.WriteLine();
        output.WriteLine("  query: failures, blocks and errors of tasks and swarms in this run:");
        foreach (var e in problems.Where(e => e.CorrelationId == cast.CorrelationId)) output.WriteLine($"    pos {e.Position,-6} {e.Type,-14} {e.AggregateId}");

        var coderTail = await _store.Query(new EventFilter { AggregateIds = [cast.Coder], Offset = 2 });
        output.WriteLine($"  query: {cast.Coder} skipping its first 2 events (offset, no limit): {string.Join(", ", coderTail.Select(e => $"v{e.Version} {e.Type}"))}");

        output.WriteLine();
        output.WriteLine($"  replay from position {runStart} (global commit order), first 8 events:");
        await foreach (var e in _store.Replay(runStart, pageSize: 4).Take(8))
            output.WriteLine($"    pos {e.Position,-6} {e.Type,-23} {e.AggregateId} v{e.Version}");
    }

    private static string Time(long? unixMs) =>
        unixMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) : "-";
}
