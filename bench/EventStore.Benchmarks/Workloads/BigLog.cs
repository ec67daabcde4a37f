using EventStore.Benchmarks.Grains;
using EventStore.Benchmarks.Measuring;
using EventStore.Benchmarks.Reporting;
using EventStore.Events;
using EventStore.Store;

namespace EventStore.Benchmarks.Workloads;

/// <summary>
/// The log W4 and W6 read: 1,000,000 events (100,000 with --quick), filled through the product, with the
/// store's <c>Append</c>, 1,000 events per call (its limit) and 4 calls in flight, on aggregates of 1,000
/// events each. One event in ten is <c>bench:flagged</c> (what W6 queries), the rest <c>bench:appended</c>;
/// payloads about 200 bytes. The fill rate is reported too (it is the store's bulk append rate), and the
/// WAL is checkpointed afterwards so that every reader reads the same file.
/// </summary>
internal static class BigLog
{
    public const string FlaggedType = "bench:flagged";
    private const int FillersInFlight = 4;

    public static async Task Fill(BenchContext bench, IClusterClient client)
    {
        var (total, batch) = (bench.Scale.BigLogEvents, bench.Scale.FillBatch);
        BenchContext.Progress($"Filling the log with {total} events through IEventStoreGrain.Append ({batch} per call, {FillersInFlight} in flight)");
        var store = client.GetEventStore();
        var outcome = await ConcurrentDriver.RunAsync(total / batch, 1, FillersInFlight, async (aggregate, _) =>
        {
            var id = $"log-{aggregate:D6}";
            var events = Enumerable.Range(1, batch).Select(seq => new NewEvent(seq % 10 == 0
                ? new BenchFlagged(id, seq, Payloads.Data)
                : new BenchAppended(id, seq, Payloads.Data))).ToList();
            var result = await store.Append(id, "bench-aggregate", events, expectedVersion: 0);
            return result.Events[^1].Position;
        });
        var checkpoint = await store.Checkpoint();
        bench.Add(Result.Rate("eventstore", $"store-append-{batch}", "fill", bench.Sync, (long)outcome.Events * batch, outcome.Seconds,
            outcome.Latencies.Percentile(50), outcome.Latencies.Percentile(99)) with
        {
            CpuUsPerEvent = Math.Round(outcome.CpuUsPerEvent / batch, 1),
            Note = $"filling W4/W6's log: {outcome.Events} appends of {batch} events, {FillersInFlight} in flight; p50/p99 per append call; WAL checkpointed after ({checkpoint.WalFrames} frames)",
        });
    }
}
