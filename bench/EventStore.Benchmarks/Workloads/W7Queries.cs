using System.Diagnostics;
using EventStore.Aggregates;
using EventStore.Benchmarks.Measuring;
using EventStore.Benchmarks.Reporting;
using EventStore.Projections;
using EventStore.Store;

namespace EventStore.Benchmarks.Workloads;

/// <summary>
/// W7's queries on the caught-up read models, through the client one call at a time (after 20 untimed calls
/// each), and TaskHistory's rebuild while a client keeps reading pages of it.
/// </summary>
internal static class W7Queries
{
    private const int Calls = 300;
    private const int PageSize = 100;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan RebuildCap = TimeSpan.FromMinutes(45);

    public static async Task Run(BenchContext bench, IClusterClient client, W7Journal journal, long head)
    {
        var tasks = client.GetGrain<ITaskHistoryProjection>(ITaskHistoryProjection.Key);
        var memories = client.GetGrain<IMemoryIndexProjection>(IMemoryIndexProjection.Key);
        var store = client.GetEventStore();
        var deep = W7Journal.TaskId(journal.Tasks * 9 / 10);
        var random = new Random(77);

        // The read models must hold what the journal says, or their latencies mean nothing.
        var completed = await tasks.GetCompletedCount();
        var stats = await store.GetStats();
        var checks = $"GetCompletedCount {completed:N0} (journal: {journal.Completed:N0}), GetStats {stats.TotalEvents:N0} events (journal: {head:N0})";
        if (completed != journal.Completed || stats.TotalEvents != head) checks = "MISMATCH: " + checks;
        BenchContext.Progress($"W7: {checks}");

        await Measure(bench, "GetByAgent limit 100", async i => Count(await tasks.GetByAgent(W7Journal.AgentId(i % journal.WorkingAgents), null, PageSize)), checks);
        await Measure(bench, $"GetByAgent default limit ({PageLimits.Default})", async i => Count(await tasks.GetByAgent(W7Journal.AgentId(i % journal.WorkingAgents))));
        await Measure(bench, "GetBlockedTasks limit 100", async _ => (await tasks.GetBlockedTasks(null, PageSize)).Count);
        await Measure(bench, "GetByStatus(Completed) first page of 100", async _ => Count(await tasks.GetByStatus(TaskItemStatus.Completed, null, PageSize)));
        await Measure(bench, $"GetByStatus(Completed) page of 100 after {deep}", async _ => Count(await tasks.GetByStatus(TaskItemStatus.Completed, deep, PageSize)));
        await Measure(bench, "GetMostAccessed(10)", async _ => (await memories.GetMostAccessed(10)).Count);
        await Measure(bench, "GetStats", async _ => (await store.GetStats()).TotalEvents > 0 ? 1 : 0);
        await Measure(bench, "GetTask", async _ => await tasks.GetTask(W7Journal.TaskId(random.Next(journal.Tasks))) is null ? 0 : 1);
    }

    /// <summary>Rebuilds TaskHistory from position 0 while one client reads first pages of GetByStatus(Completed) back to back.</summary>
    public static async Task Rebuild(BenchContext bench, IClusterClient client, W7Journal journal)
    {
        var tasks = client.GetGrain<ITaskHistoryProjection>(ITaskHistoryProjection.Key);
        BenchContext.Progress("W7: TaskHistory rebuild while GetByStatus pages are read");
        using var stop = new CancellationTokenSource();
        var latencies = new List<long>();
        var (errors, shortPages) = (0, 0);
        string? firstError = null;
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    if ((await tasks.GetByStatus(TaskItemStatus.Completed, null, PageSize)).Count != PageSize) shortPages++;
                    latencies.Add(Stopwatch.GetTimestamp() - start);
                }
                catch (Exception ex)
                {
                    errors++;
                    firstError ??= ex.Message;
                }
            }
        });

        var begin = Stopwatch.GetTimestamp();
        var deadline = begin + (long)(RebuildCap.TotalSeconds * Stopwatch.Frequency);
        var status = await tasks.Rebuild();
        if (!status.IsRebuilding) throw new InvalidOperationException("W7: Rebuild() returned a status without a rebuild under way");
        while (status.IsRebuilding)
        {
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"W7: the rebuild did not finish within {RebuildCap.TotalMinutes:0} min (at {status.RebuildCheckpoint})");
            await Task.Delay(PollInterval);
            status = await tasks.GetStatus();
        }
        var seconds = Latencies.Seconds(begin, Stopwatch.GetTimestamp());
        await stop.CancelAsync();
        await reader;

        bench.Add(Result.Rate("eventstore", "TaskHistory rebuild", "W7", bench.Sync, journal.TaskEvents, seconds, null, null) with
        {
            Note = $"Rebuild() until GetStatus shows no rebuild (polled every {PollInterval.TotalMilliseconds:0} ms), {journal.Tasks:N0} records into new tables while the old ones answer",
        });
        var ticks = latencies.ToArray();
        bench.Add(new Result("eventstore", "GetByStatus(Completed) first page of 100 during the rebuild", "W7", bench.Sync, ticks.Length, Result.Round(seconds, 3),
            Math.Round(ticks.Length / seconds), Result.Round(Latencies.Percentile(ticks, 50)), Result.Round(Latencies.Percentile(ticks, 99))) with
        {
            Note = $"one client, calls back to back; {errors} errors{(firstError is null ? "" : $" (first: {firstError})")}, {shortPages} pages short of {PageSize}",
        });
    }

    private static int Count<T>(RecordPage<T> page) => page.Count;

    private static async Task Measure(BenchContext bench, string variant, Func<int, Task<int>> call, string? note = null)
    {
        BenchContext.Progress($"W7 query: {variant} x {Calls}");
        for (var i = 0; i < 20; i++) await call(i);
        var latencies = new Latencies(Calls);
        long items = 0;
        var begin = Stopwatch.GetTimestamp();
        for (var i = 0; i < Calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            items += await call(i);
            latencies.AddSince(start);
        }
        var seconds = Latencies.Seconds(begin, Stopwatch.GetTimestamp());
        bench.Add(Result.Rate("eventstore", variant, "W7", bench.Sync, Calls, seconds, latencies.Percentile(50), latencies.Percentile(99)) with
        {
            Note = $"{Calls} calls one at a time through the client, {items / (double)Calls:0.#} records per call" + (note is null ? "" : $"; {note}"),
        });
    }
}
