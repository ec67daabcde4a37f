using EventStore.Benchmarks.Grains;
using EventStore.Benchmarks.Hosting;
using EventStore.Benchmarks.Measuring;
using EventStore.Benchmarks.Reporting;
using EventStore.Benchmarks.Workloads;

namespace EventStore.Benchmarks.Baselines;

/// <summary>
/// Orleans' built-in <c>LogStorage</c> log-consistency provider on Microsoft.Orleans.Persistence.AdoNet over
/// SQLite, with the same command (<see cref="ILogStorageBenchGrain.Append"/>): each write stores the whole
/// event list again, so its cost grows with the stream. Both runs stop at the cap and report how far they got.
/// </summary>
internal static class LogStorageBaseline
{
    private const string System = "orleans-logstorage";

    public static async Task RunW1(BenchContext bench)
    {
        var (aggregates, events, cap) = (bench.Scale.W1Aggregates, bench.Scale.W1EventsPerAggregate, bench.Scale.LogStorageCap);
        BenchContext.Progress($"W1 orleans-logstorage: {aggregates} aggregates x {events} events, {bench.Scale.InFlight} in flight, cap {cap.TotalSeconds:0} s");
        using var database = new TempDatabase();
        DriveOutcome outcome;
        await using (var cluster = await BenchCluster.StartAsync(Silos.LogStorage(database.Path, bench.Durability)))
        {
            await Warmup.LogStorageGrains(cluster.Client, bench.Scale.Warmup / 2);
            var grains = Enumerable.Range(0, aggregates).Select(i => cluster.Client.GetGrain<ILogStorageBenchGrain>(Payloads.AggregateId(i))).ToArray();
            outcome = await ConcurrentDriver.RunAsync(aggregates, events, bench.Scale.InFlight, (aggregate, seq) => grains[aggregate].Append(seq), cap);
        }
        var notes = new List<string>();
        if (outcome.Capped) notes.Add($"stopped at the {cap.TotalSeconds:0} s cap after {outcome.Events} of {aggregates * events} events");
        if (outcome.Failures > 0) notes.Add($"{outcome.Failures} failed commands retried, first: {outcome.FirstError}");
        bench.Add(Result.Rate(System, "LogStorage+AdoNet", "W1", bench.Sync, outcome.Events, outcome.Seconds,
            outcome.Latencies.Percentile(50), outcome.Latencies.Percentile(99)) with
        {
            Note = notes.Count > 0 ? string.Join("; ", notes) : null,
            CpuUsPerEvent = outcome.CpuUsPerEvent,
        });
    }

    public static async Task RunW2(BenchContext bench)
    {
        var (events, cap) = (bench.Scale.W2Events, bench.Scale.LogStorageCap);
        BenchContext.Progress($"W2 orleans-logstorage: {events} sequential events to one aggregate, cap {cap.TotalSeconds:0} s");
        using var database = new TempDatabase();
        SequentialRun run;
        await using (var cluster = await BenchCluster.StartAsync(Silos.LogStorage(database.Path, bench.Durability)))
        {
            await Warmup.LogStorageGrains(cluster.Client, bench.Scale.Warmup / 2);
            var grain = cluster.Client.GetGrain<ILogStorageBenchGrain>("w2-aggregate");
            run = await SequentialRun.RunAsync(events, seq => grain.Append(seq), cap);
        }
        W2SequentialAppend.Report(bench, System, "LogStorage+AdoNet", run, events);
    }
}
