using EventStore.Benchmarks.Grains;
using EventStore.Benchmarks.Hosting;
using EventStore.Benchmarks.Measuring;
using EventStore.Benchmarks.Reporting;

namespace EventStore.Benchmarks.Workloads;

/// <summary>
/// W1S: W1's load (aggregates × events, 64 commands in flight, the same bench grain) on a cluster of
/// <c>silos</c> silos in this process, clustered through the product's PostgreSQL membership table, every silo
/// with the product's PostgreSQL journal (and projections) on the same fresh database. The client knows every
/// silo's gateway; Orleans places the aggregates over the silos. Each silo's journal writer group-commits its
/// own batches, and every batch takes the one <c>journal_head</c> counter row, so commits are serialized
/// across the cluster. PostgreSQL backend only.
/// </summary>
internal static class W1Silos
{
    public static async Task Run(BenchContext bench, int silos)
    {
        var (aggregates, eventsPerAggregate) = (bench.Scale.W1Aggregates, bench.Scale.W1EventsPerAggregate);
        var variant = $"bench-grain, {silos} silo{(silos == 1 ? "" : "s")}";
        BenchContext.Progress($"W1S eventstore {variant}: {aggregates} aggregates x {eventsPerAggregate} events, {bench.Scale.InFlight} in flight");
        await using var database = await BenchDatabase.CreateAsync(bench, "w1s");
        DriveOutcome outcome;
        List<string?> perSilo;
        string? commits;
        await using (var cluster = await BenchCluster.StartPostgresAsync(silos, database.Postgres, Silos.Journal(database, bench.Durability)))
        {
            await Warmup.BenchGrains(cluster.Client, bench.Scale.Warmup);
            var grains = Enumerable.Range(0, aggregates)
                .Select(i => cluster.Client.GetGrain<IBenchAggregateGrain>(Payloads.AggregateId(i))).ToArray();
            var probes = cluster.AllSiloServices.Select(s => new JournalProbe(s)).ToList();

            var before = probes.Select(p => p.Read()).ToList();
            outcome = await ConcurrentDriver.RunAsync(aggregates, eventsPerAggregate, bench.Scale.InFlight,
                (aggregate, seq) => grains[aggregate].Append(seq));
            var after = probes.Select(p => p.Read()).ToList();
            perSilo = before.Zip(after, Commits).ToList();
            commits = JournalProbe.Describe(Sum(before), Sum(after));
            foreach (var probe in probes) probe.Dispose();
        }

        var notes = new List<string> { $"{aggregates}x{eventsPerAggregate}" };
        if (commits is not null) notes.Add($"cluster: {commits}");
        if (silos > 1 && perSilo.All(s => s is not null)) notes.Add("per silo: " + string.Join(", ", perSilo));
        if (outcome.Failures > 0) notes.Add($"{outcome.Failures} failed commands retried, first: {outcome.FirstError}");
        bench.Add(Result.Rate("eventstore", variant, "W1S", bench.Sync, outcome.Events, outcome.Seconds,
                outcome.Latencies.Percentile(50), outcome.Latencies.Percentile(99)) with
            {
                CpuUsPerEvent = outcome.CpuUsPerEvent,
                Note = string.Join("; ", notes),
            });
    }

    /// <summary>"E events in C commits" of one silo between two readings, or null.</summary>
    private static string? Commits((long Commits, long Events)? before, (long Commits, long Events)? after) =>
        before is { } b && after is { } a ? $"{a.Events - b.Events} events in {a.Commits - b.Commits} commits" : null;

    private static (long Commits, long Events)? Sum(List<(long Commits, long Events)?> readings) =>
        readings.All(r => r is not null)
            ? (readings.Sum(r => r!.Value.Commits), readings.Sum(r => r!.Value.Events))
            : null;
}
