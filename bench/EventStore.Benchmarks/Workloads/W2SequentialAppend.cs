using EventStore.Benchmarks.Grains;
using EventStore.Benchmarks.Hosting;
using EventStore.Benchmarks.Measuring;
using EventStore.Benchmarks.Reporting;

namespace EventStore.Benchmarks.Workloads;

/// <summary>
/// W2, sequential append: 10,000 events to one aggregate, one command at a time, each durable before the
/// next: events/s, p50/p99, and the rate of the first and the last 1,000 events (append cost must not grow
/// with the stream). Snapshots at the default interval (100), as the product runs.
/// </summary>
internal static class W2SequentialAppend
{
    public static async Task Run(BenchContext bench)
    {
        var events = bench.Scale.W2Events;
        BenchContext.Progress($"W2 eventstore: {events} sequential events to one aggregate");
        await using var database = await BenchDatabase.CreateAsync(bench, "w2");
        SequentialRun run, roundTrips;
        await using (var cluster = await BenchCluster.StartAsync(Silos.Journal(database, bench.Durability)))
        {
            await Warmup.BenchGrains(cluster.Client, bench.Scale.Warmup);
            var warm = cluster.Client.GetGrain<IBenchAggregateGrain>("w2-warmup");
            await SequentialRun.RunAsync(bench.Scale.W2Window, warm.Append);
            var grain = cluster.Client.GetGrain<IBenchAggregateGrain>("w2-aggregate");
            run = await SequentialRun.RunAsync(events, grain.Append);
            // The floor under W2's latency: the same client-to-grain round trip with no append.
            roundTrips = await SequentialRun.RunAsync(events, async _ => await grain.GetVersion());
        }
        Report(bench, "eventstore", W1ConcurrentAppend.Variant, run, events);
        bench.Add(Result.Rate("eventstore", "grain call, no append (diagnostic)", "W2", bench.Sync, roundTrips.Count, roundTrips.Seconds,
            roundTrips.Percentile(50), roundTrips.Percentile(99)) with
        {
            CpuUsPerEvent = roundTrips.CpuUsPerEvent,
            Note = "GetVersion() on the same active grain, one call at a time: Orleans' client-to-grain round trip",
        });
    }

    /// <summary>The whole run, then its first and last window, as three result lines; <paramref name="note"/> goes on the first.</summary>
    public static void Report(BenchContext bench, string system, string variant, SequentialRun run, int planned, string? note = null)
    {
        if (run.Capped) note = $"stopped at the {bench.Scale.LogStorageCap.TotalSeconds:0} s cap after {run.Count} of {planned} events{(note is null ? "" : $"; {note}")}";
        bench.Add(Result.Rate(system, variant, "W2", bench.Sync, run.Count, run.Seconds, run.Percentile(50), run.Percentile(99)) with
        {
            Note = note,
            CpuUsPerEvent = run.CpuUsPerEvent,
        });

        var window = bench.Scale.W2Window;
        if (run.Count < window) return;
        bench.Add(WindowLine(bench, system, variant, run, 0, window));
        if (run.Count >= 2 * window) bench.Add(WindowLine(bench, system, variant, run, run.Count - window, window));
    }

    public static string WindowName(int from, int count) => $"events {from + 1}-{from + count}";

    private static Result WindowLine(BenchContext bench, string system, string variant, SequentialRun run, int from, int count) =>
        Result.Rate(system, $"{variant} {WindowName(from, count)}", "W2", bench.Sync, count, run.WindowSeconds(from, count),
            run.Percentile(from, count, 50), run.Percentile(from, count, 99));
}
