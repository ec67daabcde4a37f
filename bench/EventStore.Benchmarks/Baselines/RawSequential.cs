using EventStore.Benchmarks.Hosting;
using EventStore.Benchmarks.Measuring;
using EventStore.Benchmarks.Workloads;

namespace EventStore.Benchmarks.Baselines;

/// <summary>Raw SQLite, W2-shaped: one row per transaction, one after the other, to one aggregate.</summary>
internal static class RawSequential
{
    public const string Variant = "row-per-txn";

    public static void Run(BenchContext bench)
    {
        var events = bench.Scale.W2Events;
        BenchContext.Progress($"W2 raw-sqlite row-per-txn: {events} sequential rows");
        using var database = new TempDatabase();
        using var connection = RawSqlite.Create(database.Path, bench.Durability);
        using var insert = RawSqlite.PrepareInsert(connection);
        var run = SequentialRun.Run(events, seq =>
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            insert.Transaction = transaction;
            insert.Run(0, seq);
            transaction.Commit();
        });
        W2SequentialAppend.Report(bench, "raw-sqlite", Variant, run, events);
    }
}
