using System.Text.Json;
using EventStore.Aggregates;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Aggregates;

/// <summary>Assertions shared by the aggregate lifecycle tests; every one reads the journal with plain SQL.</summary>
internal static class AggregateTestKit
{
    private static readonly JsonSerializerOptions ViewJson = new() { WriteIndented = false };

    /// <summary>Now, truncated to the millisecond (the precision of envelope timestamps).</summary>
    public static DateTimeOffset NowMs() => DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    /// <summary>
    /// The aggregate's rows: exactly <paramref name="expectedTypes"/>, in position order, with versions 1..n and no gap,
    /// each of <paramref name="aggregateType"/>, each matching the receipt the command returned.
    /// </summary>
    public static IReadOnlyList<JournalRow> AssertStream(
        JournalCluster cluster, string aggregateId, string aggregateType, IReadOnlyList<EventReceipt> receipts, params string[] expectedTypes)
    {
        var rows = cluster.Journal.Rows(aggregateId);
        Assert.Equal(expectedTypes, rows.Select(r => r.Type));
        Assert.Equal(Enumerable.Range(1, rows.Count).Select(v => (long)v), rows.Select(r => r.Version));
        Assert.All(rows, r => Assert.Equal((aggregateId, aggregateType), (r.AggregateId, r.AggregateType)));
        Assert.Equal(rows.Count, rows.Select(r => r.Id).Distinct().Count());

        Assert.Equal(rows.Count, receipts.Count);
        for (var i = 0; i < rows.Count; i++)
            Assert.Equal(new EventReceipt(rows[i].Id, rows[i].Type, aggregateId, rows[i].Version, rows[i].Position), receipts[i]);
        return rows;
    }

    /// <summary>The view's bookkeeping points at the last row of its stream.</summary>
    public static void AssertViewAtLastRow(AggregateView view, IReadOnlyList<JournalRow> rows)
    {
        var last = rows[^1];
        Assert.Equal((last.Version, last.Position, last.Id, last.Timestamp), (view.Version, view.LastPosition, view.LastEventId, view.LastEventTimestamp));
        Assert.True(view.Exists);
    }

    /// <summary>Deactivates the grain and checks the state it rebuilds from the journal equals the state before.</summary>
    public static async Task<TView> AssertSurvivesDeactivation<TView>(JournalCluster cluster, IAddressable grain, Func<Task<TView>> getState)
        where TView : AggregateView
    {
        var before = await getState();
        await cluster.DeactivateAsync(grain);
        var after = await getState();
        Assert.Equal(Json(before), Json(after));
        return after;
    }

    /// <summary>The view as JSON, every public property included.</summary>
    public static string Json<TView>(TView view) => JsonSerializer.Serialize(view, ViewJson);

    /// <summary>The row's payload as JSON.</summary>
    public static JsonElement Payload(JournalRow row)
    {
        using var document = JsonDocument.Parse(row.Payload);
        return document.RootElement.Clone();
    }

    /// <summary>Asserts <paramref name="value"/> is set and between <paramref name="from"/> and <paramref name="to"/>.</summary>
    public static void AssertWithin(DateTimeOffset? value, DateTimeOffset from, DateTimeOffset to, string what)
    {
        Assert.True(value.HasValue, $"{what} is not set");
        Assert.InRange(value!.Value, from, to);
    }
}
