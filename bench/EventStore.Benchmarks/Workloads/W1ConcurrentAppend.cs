using EventStore.Benchmarks.Grains;
using EventStore.Benchmarks.Hosting;
using EventStore.Benchmarks.Measuring;
using EventStore.Benchmarks.Reporting;

namespace EventStore.Benchmarks.Workloads;

/// <summary>
/// W1, concurrent append on the event store: aggregates × events, one ~200-byte event per command
/// (<see cref="IBenchAggregateGrain.Append"/>: validate, raise conditionally, return after COMMIT), each
/// aggregate's next command only after the previous one returned, 64 commands in flight, through an
/// Orleans client on the product's silo (journal and projections). Also the memory variant: 10,000
/// aggregates × 10 events, with the process's peak working set.
/// </summary>
internal static class W1ConcurrentAppend
{
    public const string Variant = "bench-grain";

    public static Task Run(BenchContext bench) =>
        Measure(bench, bench.Scale.W1Aggregates, bench.Scale.W1EventsPerAggregate, Variant, memory: false);

    public static Task RunMemory(BenchContext bench) =>
        Measure(bench, bench.Scale.MemoryAggregates, bench.Scale.MemoryEventsPerAggregate, $"bench-grain {bench.Scale.MemoryAggregates} aggregates (memory)", memory: true);

    private static async Task Measure(BenchContext bench, int aggregates, int eventsPerAggregate, string variant, bool memory)
    {
        BenchContext.Progress($"W1 eventstore {variant}: {aggregates} aggregates x {eventsPerAggregate} events, {bench.Scale.InFlight} in flight");
        await using var database = await BenchDatabase.CreateAsync(bench, "w1");
        DriveOutcome outcome;
        string? commits;
        long startWorkingSet, peakWorkingSet;
        await using (var cluster = await BenchCluster.StartAsync(Silos.Journal(database, bench.Durability)))
        {
            await Warmup.BenchGrains(cluster.Client, bench.Scale.Warmup);
            var grains = Enumerable.Range(0, aggregates)
                .Select(i => cluster.Client.GetGrain<IBenchAggregateGrain>(Payloads.AggregateId(i))).ToArray();
            using var probe = new JournalProbe(cluster.SiloServices);
            if (memory) GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);

            var before = probe.Read();
            await using (var workingSet = new WorkingSetSampler())
            {
                outcome = await ConcurrentDriver.RunAsync(aggregates, eventsPerAggregate, bench.Scale.InFlight,
                    (aggregate, seq) => grains[aggregate].Append(seq));
                (startWorkingSet, peakWorkingSet) = (workingSet.Start, workingSet.Peak);
            }
            commits = JournalProbe.Describe(before, probe.Read());
        }

        var notes = new List<string> { $"{aggregates}x{eventsPerAggregate}" };
        if (!database.IsPostgres) notes.Add(JournalFile.DescribeRows(database.Path, "bench-aggregate"));
        if (commits is not null) notes.Add(commits);
        if (outcome.Failures > 0) notes.Add($"{outcome.Failures} failed commands retried, first: {outcome.FirstError}");
        if (memory) notes.Add($"working set {startWorkingSet / 1048576.0:0} MB at start");
        bench.Add(Result.Rate("eventstore", variant, "W1", bench.Sync, outcome.Events, outcome.Seconds,
                outcome.Latencies.Percentile(50), outcome.Latencies.Percentile(99)) with
            {
                CpuUsPerEvent = outcome.CpuUsPerEvent,
                PeakWorkingSetMb = memory ? Math.Round(peakWorkingSet / 1048576.0) : null,
                Note = string.Join("; ", notes),
            });
    }
}
