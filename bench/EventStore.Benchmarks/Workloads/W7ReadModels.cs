using System.Diagnostics;
using EventStore.Benchmarks.Hosting;
using EventStore.Benchmarks.Measuring;
using EventStore.Benchmarks.Reporting;
using EventStore.Projections;

namespace EventStore.Benchmarks.Workloads;

/// <summary>
/// W7, read models at scale: a journal of 1,000,000 tasks and about 3,000,000 events (<see cref="W7Journal"/>) is
/// written straight into the backend's tables (<see cref="W7Seeding"/>); then the product's silo starts on it with
/// the three projections, whose projectors catch up from position 0 (activated by <c>GetStatus</c>, never by
/// <c>CatchUp</c>, which would outlast a grain call's timeout; see <see cref="W7CatchUp"/>): TaskHistory alone first,
/// so that its rate overall and in windows around 10k, 100k and 1M records (the cost per event applied, each page
/// being one commit) is not shared with the others, then AgentState and MemoryIndex together. Also the process's
/// working set, query latencies through the client at full size (<see cref="W7Queries"/>), and a rebuild of
/// TaskHistory while queries keep answering.
/// </summary>
internal static class W7ReadModels
{
    public static async Task Run(BenchContext bench)
    {
        var journal = new W7Journal(bench.Scale.W7Tasks, bench.Scale.W7Memories);
        var backend = bench.Options.Backend;
        await using var database = await BenchDatabase.CreateAsync(bench, "w7");

        BenchContext.Progress($"W7 eventstore ({backend}): seeding {journal.Tasks:N0} tasks, {journal.Memories:N0} memory entries, {journal.Agents:N0} agents straight into the journal's tables");
        var start = Stopwatch.GetTimestamp();
        var head = await W7Seeding.SeedAsync(database, journal);
        var seconds = Latencies.Seconds(start, Stopwatch.GetTimestamp());
        bench.Add(Result.Rate("eventstore", $"seed ({backend}, rows written directly)", "W7", bench.Sync, head, seconds, null, null) with
        {
            Note = $"{journal.TaskEvents:N0} task events, {journal.Completed:N0} completed and {journal.Blocked:N0} blocked tasks; not the product's append path",
        });
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);

        BenchContext.Progress("W7: starting the silo (its schema upgrade recounts the stats counters from the rows)");
        start = Stopwatch.GetTimestamp();
        await using var cluster = await BenchCluster.StartAsync(Silos.Journal(database, bench.Durability));
        bench.Add(new Result("eventstore", "silo start on the seeded journal", "W7", bench.Sync, head, Result.Round(Latencies.Seconds(start, Stopwatch.GetTimestamp()), 3), null, null, null) with
        {
            Note = "includes the upgrade to schema 4, which computes the stats counters from every row once",
        });

        var client = cluster.Client;
        await CatchUp(bench, client, database, journal, head);
        await W7Queries.Run(bench, client, journal, head);
        await W7Queries.Rebuild(bench, client, journal);
    }

    /// <summary>TaskHistory alone first (its save cost per event, undisturbed by the others), then AgentState and MemoryIndex together.</summary>
    private static async Task CatchUp(BenchContext bench, IClusterClient client, BenchDatabase database, W7Journal journal, long head)
    {
        BenchContext.Progress($"W7: TaskHistory catches up alone from position 0 to {head:N0} (GetStatus every 200 ms, the catalog read every 100 ms)");
        var cpu = CpuMeter.Start();
        W7CatchUp run;
        long peak, startSet;
        await using (var workingSet = new WorkingSetSampler())
        {
            startSet = workingSet.Start;
            run = await W7CatchUp.Run(database, [client.GetGrain<ITaskHistoryProjection>(ITaskHistoryProjection.Key)], ["task_history"], head,
                c => BenchContext.Progress($"  TaskHistory at {c[0]:N0} ({journal.TasksAt(c[0]):N0} tasks), working set {CurrentWorkingSet() / 1048576.0:0} MB"));
            peak = workingSet.Peak;
        }
        var seconds = run.SecondsTo(0, head);
        ReportStatusCalls(bench, run, 0, "TaskHistory", "catching up alone");
        bench.Add(Result.Rate("eventstore", "TaskHistory catch-up from 0 (alone)", "W7", bench.Sync, journal.TaskEvents, seconds, null, null) with
        {
            PeakWorkingSetMb = Mb(peak),
            CpuUsPerEvent = cpu.PerEvent(journal.TaskEvents),
            Note = $"{journal.Tasks:N0} task records from {journal.TaskEvents:N0} task events ({head:N0} positions, {head / seconds:0}/s); "
                   + $"pages of {new ProjectionOptions().CatchUpPageSize} events, one commit each; working set {Mb(startSet)} MB before; "
                   + $"thread pool: up to {run.Samples.Max(s => s.PendingWorkItems)} queued work items, {run.Samples.Min(s => s.Threads)}-{run.Samples.Max(s => s.Threads)} threads",
        });
        foreach (var records in new long[] { journal.Tasks / 100, journal.Tasks / 10, journal.Tasks })
            ReportWindow(bench, journal, run, records);

        BenchContext.Progress("W7: AgentState and MemoryIndex catch up together from position 0");
        cpu = CpuMeter.Start();
        await using (var workingSet = new WorkingSetSampler())
        {
            run = await W7CatchUp.Run(database,
                [client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key), client.GetGrain<IMemoryIndexProjection>(IMemoryIndexProjection.Key)],
                ["agent_state", "memory_index"], head,
                c => BenchContext.Progress($"  AgentState at {c[0]:N0}, MemoryIndex at {c[1]:N0}, working set {CurrentWorkingSet() / 1048576.0:0} MB"));
            peak = workingSet.Peak;
        }
        ReportStatusCalls(bench, run, 0, "AgentState", "catching up with MemoryIndex");
        var total = Math.Max(run.SecondsTo(0, head), run.SecondsTo(1, head));
        bench.Add(new Result("eventstore", "AgentState and MemoryIndex catch-up from 0 (together)", "W7", bench.Sync, head, Result.Round(total, 3), Math.Round(head / total), null, null) with
        {
            PeakWorkingSetMb = Mb(peak),
            CpuUsPerEvent = cpu.PerEvent(head),
            Note = $"AgentState ({journal.Agents:N0} agents; agent and task events) done after {run.SecondsTo(0, head):0.0} s, "
                   + $"MemoryIndex ({journal.Memories:N0} entries; memory events) after {run.SecondsTo(1, head):0.0} s; CPU per journal position",
        });
    }

    /// <summary>TaskHistory's rate while its tasks table grew from half to one and a half times <paramref name="records"/> (the last tenth for the largest).</summary>
    private static void ReportWindow(BenchContext bench, W7Journal journal, W7CatchUp run, long records)
    {
        var (from, to) = records == journal.Tasks ? (records * 9 / 10, records) : (records / 2, records * 3 / 2);
        var (fromBlock, toBlock) = ((int)(from / journal.BlockSize) - 1, (int)(to / journal.BlockSize) - 1);
        var events = journal.BlockTaskEvents[toBlock] - journal.BlockTaskEvents[fromBlock];
        var (enter, leave) = (run.Crossing(0, journal.BlockEnds[fromBlock]), run.Crossing(0, journal.BlockEnds[toBlock]));
        var seconds = Latencies.Seconds(enter.At, leave.At);
        var inside = run.Samples.Where(s => s.At >= enter.At && s.At <= leave.At).ToList();
        bench.Add(Result.Rate("eventstore", $"TaskHistory catch-up at {records:N0} records", "W7", bench.Sync, events, seconds, null, null) with
        {
            PeakWorkingSetMb = Mb(inside.Count > 0 ? inside.Max(s => s.WorkingSet) : leave.WorkingSet),
            CpuUsPerEvent = Math.Round((leave.Cpu - enter.Cpu).TotalMicroseconds / events, 1),
            Note = $"{1e6 * seconds / events:0.0} µs per event applied (wall clock) while the tasks table grew from {from:N0} to {to:N0} records; "
                   + $"working set {Mb(leave.WorkingSet)} MB at {to:N0}",
        });
    }

    /// <summary>How long GetStatus took while the projector was busy, and how far the projector got while a call waited.</summary>
    private static void ReportStatusCalls(BenchContext bench, W7CatchUp run, int index, string name, string what)
    {
        var calls = run.Calls[index];
        var ticks = calls.Select(c => c.Answered - c.Asked).ToArray();
        var moved = calls.Select(c => c.Checkpoint - run.CheckpointAt(index, c.Asked)).Order().ToArray();
        bench.Add(new Result("eventstore", $"GetStatus of {name} while {what}", "W7", bench.Sync, calls.Count, Result.Round(Latencies.Seconds(calls[0].Asked, calls[^1].Answered), 3), null,
            Result.Round(Latencies.Percentile(ticks, 50)), Result.Round(Latencies.Percentile(ticks, 99))) with
        {
            Note = $"one call 200 ms after the previous answer; between sending a call and its answer the projector committed a median of {moved[moved.Length / 2]:N0} "
                   + $"positions (max {moved[^1]:N0}); a turn of the projector is 4 pages",
        });
    }

    private static double Mb(long bytes) => Math.Round(bytes / 1048576.0);

    private static long CurrentWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
