using System.Diagnostics;
using EventStore.Benchmarks.Baselines;
using EventStore.Benchmarks.Grains;
using EventStore.Benchmarks.Hosting;
using EventStore.Benchmarks.Measuring;
using EventStore.Benchmarks.Reporting;
using EventStore.Store;

namespace EventStore.Benchmarks.Workloads;

/// <summary>
/// W3, recovery: an aggregate with 10,000 events is deactivated (the grain calls <c>DeactivateOnIdle</c>) and
/// the first call after that, which activates it again and loads it from the journal, is timed; repeated,
/// p50/p99. Once on a silo with snapshots every 100 events (the last snapshot at 9,950, so 50 events to
/// replay after it) and once with snapshots off (all 10,000 events read and folded). The raw line reads the
/// same 10,000 rows by index with plain SQL, for scale.
/// </summary>
internal static class W3Recovery
{
    private const string AggregateId = "w3-aggregate";

    public static async Task Run(BenchContext bench)
    {
        await Measure(bench, snapshotInterval: 100);
        await Measure(bench, snapshotInterval: 0);
    }

    private static async Task Measure(BenchContext bench, int snapshotInterval)
    {
        var events = bench.Scale.W3Events;
        var runEventStore = bench.Options.Systems.Contains("eventstore");
        var runRaw = snapshotInterval == 0 && !bench.Options.Postgres && bench.Options.Systems.Contains("raw-sqlite");
        if (!runEventStore && !runRaw) return;
        BenchContext.Progress($"W3 recovery of {events} events, snapshot interval {snapshotInterval}");
        await using var database = await BenchDatabase.CreateAsync(bench, "w3");
        var latencies = new Latencies(bench.Scale.W3Repeats);
        long snapshotVersion = 0;
        await using (var cluster = await BenchCluster.StartAsync(Silos.Journal(database, bench.Durability, snapshotInterval)))
        {
            var grain = cluster.Client.GetGrain<IBenchAggregateGrain>(AggregateId);
            await Fill(grain, events);
            snapshotVersion = database.IsPostgres
                ? await database.ScalarAsync($"SELECT version FROM grain_snapshots WHERE aggregate_id = '{AggregateId}'") is long v ? v : 0
                : RawRead.GrainSnapshotVersion(database.Path, AggregateId);
            if (runEventStore)
            {
                await TimeActivation(grain, events); // warm-up: JIT of the activation path
                for (var i = 0; i < bench.Scale.W3Repeats; i++) latencies.Add(await TimeActivation(grain, events));
            }
        }
        if (runEventStore)
        {
            var variant = snapshotInterval > 0 ? $"from snapshot (interval {snapshotInterval})" : "no snapshot";
            var note = snapshotInterval > 0
                ? $"last snapshot at version {snapshotVersion}, {events - snapshotVersion} events replayed after it; {bench.Scale.W3Repeats} activations"
                : $"all {events} events read and folded; {bench.Scale.W3Repeats} activations";
            AddLine(bench, "eventstore", variant, events, latencies, note);
        }
        if (runRaw) RawRead.Stream(bench, database.Path, AggregateId, events);
    }

    /// <summary>A Result for a repeated single operation on <paramref name="events"/> events: seconds and rate from the median.</summary>
    public static void AddLine(BenchContext bench, string system, string variant, int events, Latencies latencies, string? note)
    {
        var p50 = latencies.Percentile(50) ?? 0;
        bench.Add(Result.Rate(system, variant, "W3", bench.Sync, events, p50 / 1000, p50, latencies.Percentile(99)) with { Note = note });
    }

    /// <summary>50 events first, then batches of 100, then 50: with snapshots every 100, the last one is at events - 50.</summary>
    private static async Task Fill(IBenchAggregateGrain grain, int events)
    {
        var version = await grain.AppendMany(50);
        while (version + 100 <= events - 50) version = await grain.AppendMany(100);
        while (version < events) version = await grain.AppendMany(Math.Min(50, events - version));
    }

    private static async Task<long> TimeActivation(IBenchAggregateGrain grain, int events)
    {
        await grain.Deactivate();
        await Task.Delay(200); // let the deactivation finish, so that only the activation is timed
        var start = Stopwatch.GetTimestamp();
        var version = await grain.GetVersion();
        var elapsed = Stopwatch.GetTimestamp() - start;
        if (version != events) throw new InvalidOperationException($"W3: the aggregate came back at version {version}, not {events}");
        return elapsed;
    }
}
