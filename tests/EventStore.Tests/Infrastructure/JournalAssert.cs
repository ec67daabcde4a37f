using EventStore.Aggregates;

namespace EventStore.Tests.Infrastructure;

/// <summary>The journal's invariants, checked on raw rows.</summary>
public static class JournalAssert
{
    /// <summary>Each aggregate's versions are 1..n without gaps, and in commit order: a later version never sits at an earlier position.</summary>
    public static void IsConsistent(IReadOnlyList<JournalRow> rows)
    {
        foreach (var stream in rows.GroupBy(r => r.AggregateId))
        {
            var versions = stream.OrderBy(r => r.Position).Select(r => r.Version).ToList();
            Assert.True(versions.SequenceEqual(Enumerable.Range(1, versions.Count).Select(v => (long)v)),
                $"aggregate '{stream.Key}' has versions [{string.Join(", ", versions)}] in position order, not 1..{versions.Count}");
        }
    }

    /// <summary>
    /// The rows are consistent, and every acknowledged receipt is there exactly once: the row with its event id
    /// has its aggregate, type, version and position.
    /// </summary>
    public static void IsConsistent(IReadOnlyList<JournalRow> rows, IEnumerable<EventReceipt> acknowledged)
    {
        IsConsistent(rows);
        var byId = rows.ToLookup(r => r.Id);
        foreach (var receipt in acknowledged)
        {
            var found = byId[receipt.EventId].ToList();
            Assert.True(found.Count == 1, $"acknowledged event '{receipt.EventId}' is in the journal {found.Count} times");
            var row = found[0];
            Assert.Equal((receipt.AggregateId, receipt.EventType, receipt.Version, receipt.Position), (row.AggregateId, row.Type, row.Version, row.Position));
        }
    }
}
