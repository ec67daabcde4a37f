using EventStore.Benchmarks.Hosting;
using EventStore.Benchmarks.Measuring;
using EventStore.Benchmarks.Reporting;

namespace EventStore.Benchmarks.Baselines;

/// <summary>
/// Raw SQLite, W1-shaped, <c>row-per-txn</c>: 64 concurrent writers, each on its own connection and thread,
/// each event its own transaction (BEGIN IMMEDIATE, INSERT, COMMIT), acknowledged after COMMIT. Writers
/// wait for the lock in SQLite's busy handler.
/// </summary>
internal static class RawRowPerTxn
{
    public static void Run(BenchContext bench)
    {
        var (aggregates, events, writers) = (bench.Scale.W1Aggregates, bench.Scale.W1EventsPerAggregate, bench.Scale.InFlight);
        BenchContext.Progress($"W1 raw-sqlite row-per-txn: {aggregates} aggregates x {events} events, {writers} writer threads");
        using var database = new TempDatabase();
        RawSqlite.Create(database.Path, bench.Durability).Dispose();
        var connections = Enumerable.Range(0, writers).Select(_ => RawSqlite.Open(database.Path, bench.Durability)).ToArray();
        var inserts = connections.Select(RawSqlite.PrepareInsert).ToArray();
        try
        {
            var outcome = ConcurrentDriver.RunThreads(aggregates, events, writers, (worker, aggregate, seq) =>
            {
                using var transaction = connections[worker].BeginTransaction(deferred: false);
                inserts[worker].Transaction = transaction;
                inserts[worker].Run(aggregate, seq);
                transaction.Commit();
                return 0;
            });
            bench.Add(Result.Rate("raw-sqlite", "row-per-txn", "W1", bench.Sync, outcome.Events, outcome.Seconds,
                outcome.Latencies.Percentile(50), outcome.Latencies.Percentile(99)) with
            {
                CpuUsPerEvent = outcome.CpuUsPerEvent,
                Note = outcome.Failures > 0 ? $"{outcome.Failures} failed transactions retried, first: {outcome.FirstError}" : null,
            });
        }
        finally
        {
            foreach (var insert in inserts) insert.Dispose();
            foreach (var connection in connections) connection.Dispose();
        }
    }
}
