using EventStore.Events;
using EventStore.Store;

namespace EventStore.ClientDemo;

/// <summary>After the scenario: the run's timeline (every event of its correlation id, page by page) and a causation tree.</summary>
internal sealed class TimelineReport(IClusterClient client, DemoCast cast, ReceiptLog log, TextWriter output)
{
    private const int PageSize = 25;
    private readonly IEventStoreGrain _store = client.GetEventStore();

    /// <summary>Prints the timeline and the tree; returns false if the timeline is not the run's receipts (and expiries the store wrote for it).</summary>
    public async Task<bool> PrintAsync()
    {
        var timeline = new List<EventEnvelope>();
        var pages = 0;
        for (var from = 0L; ; pages++)
        {
            var page = await _store.GetTimeline(cast.CorrelationId, from, PageSize);
            timeline.AddRange(page.Events);
            if (page.IsEnd) break;
            from = page.NextPosition;
        }
        // The run's commands, plus what the store wrote by itself on the run's behalf (an expiry, caused by its store).
        var commanded = log.Receipts.Select(r => r.EventId).ToHashSet(StringComparer.Ordinal);
        var byItself = timeline.Where(e => !commanded.Contains(e.Id)).ToList();
        var matches = timeline.Where(e => commanded.Contains(e.Id)).Select(e => e.Id).SequenceEqual(log.Receipts.Select(r => r.EventId))
                      && byItself.All(e => e.Type == "memory:expired" && commanded.Contains(e.CausationId ?? ""));
        output.WriteLine();
        output.WriteLine($"== Run timeline (correlation id {cast.CorrelationId})");
        output.WriteLine($"  {timeline.Count} events of {timeline.Select(e => e.AggregateId).Distinct().Count()} aggregates in {pages + 1} page(s) of up to {PageSize}, " +
                         $"in commit order: the run's {log.Count} receipts in order and {byItself.Count} written by the store itself: {(matches ? "yes" : "NO")}");
        foreach (var e in timeline.Take(4).Concat(timeline.TakeLast(2)))
            output.WriteLine($"    pos {e.Position,-6} {e.Type,-23} {e.AggregateId,-30} by {e.Source}");
        foreach (var e in byItself)
            output.WriteLine($"    written by the store itself: pos {e.Position} {e.Type} {e.AggregateId}, caused by event {e.CausationId}");

        var tree = await _store.GetCausationTree(log.Receipts[0].EventId, limit: 1_000);
        output.WriteLine();
        output.WriteLine($"  causation tree of the first event ({tree.Root.Event.Type}): {tree.Events.Count} events, " +
                         $"{tree.Events.Max(e => e.Depth)} levels deep, complete: {tree.IsComplete} (each command names the one before as its cause; an expiry, its store)");
        var byId = tree.Events.ToDictionary(e => e.Event.Id, StringComparer.Ordinal);
        for (var (node, shown) = (tree.Root, 0); shown < 4; node = byId[node.ChildIds[0]], shown++)
        {
            output.WriteLine($"    {new string(' ', 2 * node.Depth)}{node.Event.Type} {node.Event.AggregateId}");
            if (node.ChildIds.Count == 0) break;
        }
        return matches;
    }
}
