using System.Diagnostics;
using EventStore.Benchmarks.Measuring;
using EventStore.Benchmarks.Reporting;
using EventStore.Store;

namespace EventStore.Benchmarks.Workloads;

/// <summary>
/// W6, query by type over the big log: <c>GetEventsByType("bench:flagged", from, 100)</c> from position 0
/// (the first page) and from 2,000 positions before the head (a page deep in the log), repeated; p50/p99
/// of each call from the client.
/// </summary>
internal static class W6ByTypeQuery
{
    public const int PageSize = 100;

    /// <summary>Where the deep page starts: 2,000 positions before the head, so that a full page of the type follows.</summary>
    public static long DeepFrom(long head) => Math.Max(0, head - 2000);

    public static async Task Run(BenchContext bench, IClusterClient client, long head)
    {
        var store = client.GetEventStore();
        foreach (var (variant, from) in new[] { ("first page", 0L), ($"deep page (from {DeepFrom(head)})", DeepFrom(head)) })
        {
            BenchContext.Progress($"W6 eventstore: GetEventsByType({BigLog.FlaggedType}, {from}, {PageSize}) x {bench.Scale.W6Calls}");
            var latencies = new Latencies(bench.Scale.W6Calls);
            for (var i = 0; i < 20; i++) await Page(store, from); // warm-up
            for (var i = 0; i < bench.Scale.W6Calls; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await Page(store, from);
                latencies.AddSince(start);
            }
            var p50 = latencies.Percentile(50) ?? 0;
            bench.Add(new Result("eventstore", variant, "W6", bench.Sync, PageSize, Result.Round(p50 / 1000, 6), null,
                Result.Round(p50), Result.Round(latencies.Percentile(99))) with { Note = $"{bench.Scale.W6Calls} calls of {PageSize} events, client side" });
        }
    }

    private static async Task Page(IEventStoreGrain store, long from)
    {
        var page = await store.GetEventsByType(BigLog.FlaggedType, from, PageSize);
        if (page.Events.Count != PageSize) throw new InvalidOperationException($"W6: a page of {page.Events.Count} events, not {PageSize}");
    }
}
