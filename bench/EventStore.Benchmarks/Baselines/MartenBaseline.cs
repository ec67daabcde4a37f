using System.Diagnostics;
using EventStore.Benchmarks.Grains;
using EventStore.Benchmarks.Hosting;
using EventStore.Benchmarks.Measuring;
using EventStore.Benchmarks.Reporting;
using EventStore.Benchmarks.Workloads;
using Marten;

namespace EventStore.Benchmarks.Baselines;

/// <summary>
/// Marten (bench-only dependency) on the run's PostgreSQL server, with its defaults (Guid stream ids, its own
/// schema, System.Text.Json): the same events (<see cref="BenchAppended"/>, about 200 bytes), one event per
/// command, <c>StartStream</c> for a stream's first event and <c>Append</c> after it, then <c>SaveChangesAsync</c> on
/// a lightweight session. W1: 64 commands in flight; W2: one stream, one command at a time; W4: a log of the same
/// size filled with 1,000 events per SaveChanges, then read back with <c>QueryAllRawEvents</c> in sequence order,
/// pages of 1,000, event data deserialized.
/// </summary>
internal static class MartenBaseline
{
    private const string System = "marten";
    private const string Schema = "marten_bench";

    public static async Task RunW1(BenchContext bench)
    {
        var (aggregates, events) = (bench.Scale.W1Aggregates, bench.Scale.W1EventsPerAggregate);
        BenchContext.Progress($"W1 marten: {aggregates} aggregates x {events} events, {bench.Scale.InFlight} in flight");
        await using var database = await BenchDatabase.CreateAsync(postgres: true, "marten_w1");
        await using var store = await OpenAsync(database.Postgres);
        var warmup = Streams(bench.Scale.InFlight);
        await ConcurrentDriver.RunAsync(warmup.Length, 20, bench.Scale.InFlight, (a, seq) => AppendOne(store, warmup, a, seq));
        var streams = Streams(aggregates);
        var outcome = await ConcurrentDriver.RunAsync(aggregates, events, bench.Scale.InFlight, (a, seq) => AppendOne(store, streams, a, seq));
        bench.Add(Result.Rate(System, "append+SaveChanges", "W1", bench.Sync, outcome.Events, outcome.Seconds,
            outcome.Latencies.Percentile(50), outcome.Latencies.Percentile(99)) with
        {
            CpuUsPerEvent = outcome.CpuUsPerEvent,
            Note = outcome.Failures > 0 ? $"{outcome.Failures} failed commands retried, first: {outcome.FirstError}" : "one event per lightweight session and SaveChangesAsync",
        });
    }

    public static async Task RunW2(BenchContext bench)
    {
        var events = bench.Scale.W2Events;
        BenchContext.Progress($"W2 marten: {events} sequential events to one stream");
        await using var database = await BenchDatabase.CreateAsync(postgres: true, "marten_w2");
        await using var store = await OpenAsync(database.Postgres);
        var warmup = Streams(1);
        await SequentialRun.RunAsync(bench.Scale.W2Window, seq => AppendOne(store, warmup, 0, seq));
        var streams = Streams(1);
        var run = await SequentialRun.RunAsync(events, seq => AppendOne(store, streams, 0, seq));
        W2SequentialAppend.Report(bench, System, "append+SaveChanges", run, events);
    }

    public static async Task RunW4(BenchContext bench)
    {
        var (total, batch) = (bench.Scale.BigLogEvents, bench.Scale.FillBatch);
        await using var database = await BenchDatabase.CreateAsync(postgres: true, "marten_w4");
        await using var store = await OpenAsync(database.Postgres);
        BenchContext.Progress($"W4 marten: filling {total} events, {batch} per StartStream + SaveChanges, 4 in flight");
        var streams = Streams(total / batch);
        var fill = await ConcurrentDriver.RunAsync(streams.Length, 1, 4, async (aggregate, _) =>
        {
            var id = $"log-{aggregate:D6}";
            await using var session = store.LightweightSession();
            session.Events.StartStream(streams[aggregate], Enumerable.Range(1, batch)
                .Select(seq => seq % 10 == 0 ? (object)new BenchFlagged(id, seq, Payloads.Data) : new BenchAppended(id, seq, Payloads.Data)).ToArray());
            await session.SaveChangesAsync();
            return aggregate;
        });
        bench.Add(Result.Rate(System, $"start-stream-{batch}", "fill", bench.Sync, (long)fill.Events * batch, fill.Seconds,
            fill.Latencies.Percentile(50), fill.Latencies.Percentile(99)) with
        {
            CpuUsPerEvent = Math.Round(fill.CpuUsPerEvent / batch, 1),
            Note = $"W4's Marten log: {fill.Events} streams of {batch} events, 4 SaveChanges in flight; p50/p99 per SaveChanges",
        });

        await Replay(store, 1000, limit: 50_000); // warm-up
        await bench.RunBestOf(async () =>
        {
            BenchContext.Progress("W4 marten: QueryAllRawEvents in sequence order, pages of 1000");
            var cpu = CpuMeter.Start();
            var start = Stopwatch.GetTimestamp();
            var events = await Replay(store, 1000, long.MaxValue);
            var seconds = Latencies.Seconds(start, Stopwatch.GetTimestamp());
            bench.Add(Result.Rate(System, "QueryAllRawEvents page 1000", "W4", bench.Sync, events, seconds, null, null) with
            {
                CpuUsPerEvent = cpu.PerEvent(events),
                Note = "Where(Sequence > last).OrderBy(Sequence).Take(1000) per page, event data deserialized",
            });
        });
    }

    private static async Task<long> Replay(DocumentStore store, int pageSize, long limit)
    {
        long events = 0, last = 0;
        await using var session = store.QuerySession();
        while (events < limit)
        {
            var after = last;
            var page = await session.Events.QueryAllRawEvents().Where(e => e.Sequence > after).OrderBy(e => e.Sequence).Take(pageSize).ToListAsync();
            if (page.Count == 0) break;
            foreach (var e in page)
            {
                if (e.Sequence <= last || e.Data is null) throw new InvalidOperationException($"W4 marten: sequence {e.Sequence} after {last}");
                last = e.Sequence;
                if (++events >= limit) break;
            }
        }
        return events;
    }

    private static async Task<long> AppendOne(DocumentStore store, Guid[] streams, int aggregate, long seq)
    {
        var e = new BenchAppended(Payloads.AggregateId(aggregate), seq, Payloads.Data);
        await using var session = store.LightweightSession();
        if (seq == 1) session.Events.StartStream(streams[aggregate], e);
        else session.Events.Append(streams[aggregate], e);
        await session.SaveChangesAsync();
        return seq;
    }

    private static Guid[] Streams(int count) => Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToArray();

    /// <summary>A store with Marten's defaults in its own schema; the schema is created before anything is timed.</summary>
    private static async Task<DocumentStore> OpenAsync(string connectionString)
    {
        var store = DocumentStore.For(options =>
        {
            options.Connection(connectionString);
            options.DatabaseSchemaName = Schema;
            options.Events.AddEventType<BenchAppended>();
            options.Events.AddEventType<BenchFlagged>();
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return store;
    }
}
