using System.Diagnostics;
using EventStore.Benchmarks.Hosting;
using EventStore.Benchmarks.Measuring;
using EventStore.Benchmarks.Reporting;

namespace EventStore.Benchmarks.Baselines;

/// <summary>
/// Raw SQLite, W1's rows, <c>batch-1000</c>: one writer, 1,000 rows per transaction, no acknowledgements
/// (rows in W1's order: round robin over the aggregates). The ceiling for this schema on this disk.
/// </summary>
internal static class RawBatch
{
    private const int RowsPerTransaction = 1000;

    public static void Run(BenchContext bench)
    {
        var (aggregates, events) = (bench.Scale.W1Aggregates, bench.Scale.W1EventsPerAggregate);
        BenchContext.Progress($"W1 raw-sqlite batch-1000: {aggregates} aggregates x {events} events");
        using var database = new TempDatabase();
        using var connection = RawSqlite.Create(database.Path, bench.Durability);
        using var insert = RawSqlite.PrepareInsert(connection);

        var cpu = CpuMeter.Start();
        var start = Stopwatch.GetTimestamp();
        var rows = 0;
        var transaction = connection.BeginTransaction(deferred: false);
        insert.Transaction = transaction;
        for (var seq = 1; seq <= events; seq++)
            for (var aggregate = 0; aggregate < aggregates; aggregate++)
            {
                insert.Run(aggregate, seq);
                if (++rows % RowsPerTransaction != 0) continue;
                transaction.Commit();
                transaction.Dispose();
                transaction = connection.BeginTransaction(deferred: false);
                insert.Transaction = transaction;
            }
        transaction.Commit();
        transaction.Dispose();
        var seconds = Latencies.Seconds(start, Stopwatch.GetTimestamp());
        bench.Add(Result.Rate("raw-sqlite", "batch-1000", "W1", bench.Sync, rows, seconds, null, null) with { CpuUsPerEvent = cpu.PerEvent(rows) });
    }
}
