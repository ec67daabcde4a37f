using EventStore.Journal;

namespace EventStore.Store;

/// <summary>Turns the rows of a causation tree, read breadth first with one row more than the limit, into a <see cref="CausationTree"/>.</summary>
internal static class CausationTreeShape
{
    /// <param name="rootId">The id the tree was asked for.</param>
    /// <param name="rows">At most <paramref name="limit"/> + 1 events of the tree, in position order, each with its depth.</param>
    /// <param name="limit">The most events the tree may hold.</param>
    public static CausationTree Of(string rootId, IReadOnlyList<TreeEvent> rows, int limit)
    {
        var kept = rows.ToList();
        var isComplete = kept.Count <= limit;
        if (!isComplete)
        {
            // The row over the limit was the last one the breadth-first walk reached: one of the deepest, none of whose
            // children was reached. Dropping any of those keeps every kept event's cause in the tree.
            var deepest = kept.Max(r => r.Depth);
            kept.RemoveAt(kept.FindLastIndex(r => r.Depth == deepest));
        }
        var children = kept.Where(r => r.Depth > 0)
            .ToLookup(r => r.Event.CausationId!, r => r.Event.Id, StringComparer.Ordinal);
        var events = kept
            .Select(r => new CausedEvent(r.Event, r.Depth, r.Depth == 0 ? null : r.Event.CausationId, children[r.Event.Id].ToList()))
            .ToList();
        return new CausationTree(rootId, events, isComplete);
    }
}
