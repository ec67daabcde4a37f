namespace EventStore.Tests.Infrastructure;

/// <summary>The journal's invariants, checked on raw rows.</summary>
public static class JournalAssert
{
    /// <summary>Positions strictly increase, ids are unique, and each aggregate's versions are 1..n without gaps.</summary>
    public static void IsConsistent(IReadOnlyList<JournalRow> rows)
    {
        for (var i = 1; i < rows.Count; i++)
            Assert.True(rows[i].Position > rows[i - 1].Position, $"position {rows[i].Position} does not follow {rows[i - 1].Position}");
        Assert.Equal(rows.Count, rows.Select(r => r.Id).Distinct().Count());
        foreach (var stream in rows.GroupBy(r => r.AggregateId))
            Assert.Equal(Enumerable.Range(1, stream.Count()).Select(v => (long)v), stream.Select(r => r.Version));
    }
}
