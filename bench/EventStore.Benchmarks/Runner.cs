using EventStore.Benchmarks.Baselines;
using EventStore.Benchmarks.Hosting;
using EventStore.Benchmarks.Workloads;
using EventStore.Store;

namespace EventStore.Benchmarks;

/// <summary>Runs the selected workloads and baselines in order; a failing step is reported and the run goes on.</summary>
internal static class Runner
{
    /// <summary>Returns the steps that failed.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(BenchContext bench)
    {
        var failed = new List<string>();
        var o = bench.Options;

        Task Best(bool selected, string name, Func<Task> run) => Step(selected, name, () => bench.RunBestOf(run));

        async Task Step(bool selected, string name, Func<Task> run)
        {
            if (!selected) return;
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            try
            {
                await run();
            }
            catch (Exception ex)
            {
                failed.Add(name);
                Console.Error.WriteLine($"error: {name} failed: {ex}");
            }
        }

        await Step(o.Systems.Contains("eventstore"), "process warm-up", () => ProcessWarmup(bench));
        await Best(o.Runs("W1", "eventstore"), "W1 eventstore", () => W1ConcurrentAppend.Run(bench));
        await Step(o.Runs("W1", "eventstore"), "W1 eventstore memory", () => W1ConcurrentAppend.RunMemory(bench));
        await Best(o.Runs("W1", "raw-sqlite"), "W1 raw row-per-txn", () => Task.Run(() => RawRowPerTxn.Run(bench)));
        await Best(o.Runs("W1", "raw-sqlite"), "W1 raw group-commit", () => RawGroupCommit.Run(bench));
        await Best(o.Runs("W1", "raw-sqlite"), "W1 raw batch-1000", () => Task.Run(() => RawBatch.Run(bench)));
        await Step(o.Runs("W1", "orleans-logstorage"), "W1 LogStorage", () => LogStorageBaseline.RunW1(bench));
        await Best(o.Runs("W1", "akka"), "W1 akka", () => AkkaBaseline.RunW1(bench));
        await Best(o.Runs("W1", "raw-npgsql"), "W1 raw-npgsql group-commit", () => RawNpgsql.GroupCommit(bench));
        await Best(o.Runs("W1", "raw-npgsql"), "W1 raw-npgsql row-per-txn", () => Task.Run(() => RawNpgsql.RowPerTxn(bench)));
        await Best(o.Runs("W1", "marten"), "W1 marten", () => MartenBaseline.RunW1(bench));

        foreach (var silos in o.Silos)
            await Step(o.Runs("W1S", "eventstore"), $"W1S eventstore {silos} silos", () => W1Silos.Run(bench, silos));

        await Best(o.Runs("W2", "eventstore"), "W2 eventstore", () => W2SequentialAppend.Run(bench));
        await Best(o.Runs("W2", "raw-sqlite"), "W2 raw", () => Task.Run(() => RawSequential.Run(bench)));
        await Step(o.Runs("W2", "orleans-logstorage"), "W2 LogStorage", () => LogStorageBaseline.RunW2(bench));
        await Best(o.Runs("W2", "akka"), "W2 akka", () => AkkaBaseline.RunW2(bench));
        await Best(o.Runs("W2", "raw-npgsql"), "W2 raw-npgsql", () => Task.Run(() => RawNpgsql.Sequential(bench)));
        await Best(o.Runs("W2", "marten"), "W2 marten", () => MartenBaseline.RunW2(bench));

        await Step(o.Runs("W3"), "W3", () => W3Recovery.Run(bench));

        var bigLog = (o.Runs("W4") || o.Runs("W6")) && (o.Systems.Contains("eventstore") || o.Systems.Contains("raw-sqlite") || o.Systems.Contains("raw-npgsql"));
        await Step(bigLog, "W4/W6", () => RunOnBigLog(bench));
        await Step(o.Runs("W4", "marten"), "W4 marten", () => MartenBaseline.RunW4(bench));

        await Step(o.Runs("W5", "eventstore"), "W5 (with W1 on agent grains)", () => W5ProjectionLag.Run(bench));
        await Step(o.Runs("W5", "eventstore"), "W5 diagnostic: projection commits at once", () => W5ProjectionLag.Run(bench, W5ProjectionLag.Setup.CommitAtOnce));
        await Step(o.Runs("W5", "eventstore"), "W5 diagnostic: Orleans' default stream pulling", () => W5ProjectionLag.Run(bench, W5ProjectionLag.Setup.SlowStreams));

        await Step(o.Runs("W7", "eventstore"), "W7 read models at scale", () => W7ReadModels.Run(bench));
        return failed;
    }

    /// <summary>
    /// Untimed load on a throwaway silo before the first measurement (bench grains, agents and store
    /// appends), so that the first workload does not pay for JIT tiering that later ones get for free.
    /// </summary>
    private static async Task ProcessWarmup(BenchContext bench)
    {
        BenchContext.Progress($"Warming up the process ({bench.Scale.Warmup.TotalSeconds * 3:0} s, not measured)");
        await using var database = await BenchDatabase.CreateAsync(bench, "warmup");
        await using var cluster = await BenchCluster.StartAsync(Silos.Journal(database, bench.Durability));
        await Warmup.BenchGrains(cluster.Client, bench.Scale.Warmup * 2);
        await Warmup.AgentGrains(cluster.Client, bench.Scale.Warmup);
    }

    /// <summary>W4 and W6 read one log, filled once through the product (silo without projections: nothing but the readers runs).</summary>
    private static async Task RunOnBigLog(BenchContext bench)
    {
        var o = bench.Options;
        await using var database = await BenchDatabase.CreateAsync(bench, "biglog");
        long head;
        await using (var cluster = await BenchCluster.StartAsync(Silos.Journal(database, bench.Durability, projections: false)))
        {
            await BigLog.Fill(bench, cluster.Client);
            head = (await cluster.Client.GetEventStore().GetStats()).HeadPosition;
            if (o.Runs("W4", "eventstore"))
            {
                await bench.RunBestOf(() => W4Replay.Run(bench, cluster.Client, pageSize: 1000));
                await bench.RunBestOf(() => W4Replay.Run(bench, cluster.Client, pageSize: 10_000));
            }
            if (o.Runs("W6", "eventstore")) await W6ByTypeQuery.Run(bench, cluster.Client, head);
        }
        if (o.Runs("W4", "raw-npgsql") && database.IsPostgres) await bench.RunBestOf(() => RawNpgsql.SelectAll(bench, database.Postgres));
        if (database.IsPostgres) return; // the raw SQLite reads need the SQLite journal's file
        if (o.Runs("W4", "raw-sqlite")) await bench.RunBestOf(() => Task.Run(() => RawRead.All(bench, database.Path)));
        if (o.Runs("W6", "raw-sqlite"))
        {
            RawRead.ByType(bench, database.Path, BigLog.FlaggedType, 0, "first page");
            var deep = W6ByTypeQuery.DeepFrom(head);
            RawRead.ByType(bench, database.Path, BigLog.FlaggedType, deep, $"deep page (from {deep})");
        }
    }
}
