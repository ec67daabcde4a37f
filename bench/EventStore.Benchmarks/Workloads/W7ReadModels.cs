using System.Diagnostics;
using EventStore.Benchmarks.Hosting;
using EventStore.Benchmarks.Measuring;
using EventStore.Benchmarks.Reporting;
using EventStore.Projections;

namespace EventStore.Benchmarks.Workloads;

/// <summary>
/// W7, read models at scale: a journal of 1,000,000 tasks and about 3,000,000 events (<see cref="W7Journal"/>) is
/// written straight into the backend's tables (<see cref="W7Seeding"/>); then the product's silo starts on it with
/// the three projections, whose projectors catch up from position 0 (activated by <c>GetStatus</c> and polled every
/// 200 ms, never by <c>CatchUp</c>, which would outlast a grain call's timeout). Measured: TaskHistory's catch-up
/// rate overall and in windows around 10k, 100k and 1M records (the cost per event applied, each page being one
/// commit), the process's working set, query latencies through the client at full size (<see cref="W7Queries"/>),
/// and a rebuild of TaskHistory while queries keep answering.
/// </summary>
internal static class W7ReadModels
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan CatchUpCap = TimeSpan.FromMinutes(45);

    /// <summary>The projections' names in the catalog, in the order of the samples' checkpoints.</summary>
    private static readonly string[] Names = ["task_history", "agent_state", "memory_index"];

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

    private static async Task CatchUp(BenchContext bench, IClusterClient client, BenchDatabase database, W7Journal journal, long head)
    {
        var projections = new IProjection[]
        {
            client.GetGrain<ITaskHistoryProjection>(ITaskHistoryProjection.Key),
            client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key),
            client.GetGrain<IMemoryIndexProjection>(IMemoryIndexProjection.Key),
        };
        BenchContext.Progress($"W7: the three projections catch up from position 0 to {head:N0} (GetStatus polled every {PollInterval.TotalMilliseconds:0} ms, the catalog read every {ProbeInterval.TotalMilliseconds:0} ms)");
        var cpu = CpuMeter.Start();
        await using var workingSet = new WorkingSetSampler();
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(CatchUpCap.TotalSeconds * Stopwatch.Frequency);
        using var stop = new CancellationTokenSource();
        var probing = Task.Run(() => Probe(database, stop.Token));
        var statusLatencies = projections.Select(_ => new List<long>()).ToArray();
        for (var polls = 1; ; polls++)
        {
            var statuses = await Task.WhenAll(projections.Select(async (p, i) =>
            {
                var asked = Stopwatch.GetTimestamp();
                var answer = await p.GetStatus();
                statusLatencies[i].Add(Stopwatch.GetTimestamp() - asked);
                return answer;
            }));
            if (statuses.FirstOrDefault(s => s.Problem is not null) is { } stuck) throw new InvalidOperationException($"W7: {stuck.Projection} is stuck: {stuck.Problem}");
            if (statuses.All(s => s.Checkpoint >= head)) break;
            if (Stopwatch.GetTimestamp() > deadline)
                throw new TimeoutException($"W7: the projections did not catch up within {CatchUpCap.TotalMinutes:0} min (at {string.Join(", ", statuses.Select(s => s.Checkpoint))} of {head})");
            if (polls % 25 == 0)
                BenchContext.Progress($"  W7 catch-up: TaskHistory at {statuses[0].Checkpoint:N0} ({journal.TasksAt(statuses[0].Checkpoint):N0} tasks), AgentState {statuses[1].Checkpoint:N0}, MemoryIndex {statuses[2].Checkpoint:N0}, working set {CurrentWorkingSet() / 1048576.0:0} MB");
            await Task.Delay(PollInterval);
        }
        await stop.CancelAsync();
        var samples = await probing;
        var polled = statusLatencies[0].Count;
        for (var i = 0; i < projections.Length; i++)
        {
            var status = statusLatencies[i].ToArray();
            bench.Add(new Result("eventstore", $"GetStatus of {Names[i]} during catch-up", "W7", bench.Sync, status.Length, Result.Round(Latencies.Seconds(start, samples[^1].At), 3), null,
                Result.Round(Latencies.Percentile(status, 50)), Result.Round(Latencies.Percentile(status, 99))) with
            {
                Note = "the three called together, 200 ms after the previous answers; a call waits for the projector's turn in progress",
            });
        }
        var total = Latencies.Seconds(start, samples[^1].At);
        var cpuPerEvent = cpu.PerEvent(head);
        var peakMb = Math.Round(workingSet.Peak / 1048576.0);

        var taskDone = Latencies.Seconds(start, Crossing(samples, 0, head).At);
        bench.Add(Result.Rate("eventstore", "TaskHistory catch-up from 0", "W7", bench.Sync, journal.TaskEvents, taskDone, null, null) with
        {
            PeakWorkingSetMb = peakMb,
            Note = $"{journal.Tasks:N0} task records from {journal.TaskEvents:N0} task events ({head:N0} positions, {head / taskDone:0}/s); "
                   + $"page {new ProjectionOptions().CatchUpPageSize} events, one commit per page; AgentState and MemoryIndex catching up alongside; "
                   + $"working set {workingSet.Start / 1048576.0:0} MB at the start",
        });
        foreach (var (index, name) in new[] { (1, "AgentState"), (2, "MemoryIndex") })
        {
            var done = Latencies.Seconds(start, Crossing(samples, index, head).At);
            bench.Add(new Result("eventstore", $"{name} catch-up from 0", "W7", bench.Sync, head, Result.Round(done, 3), Math.Round(head / done), null, null) with
            {
                Note = name == "AgentState" ? $"{journal.Agents:N0} agents, reads agent and task events" : $"{journal.Memories:N0} entries, reads memory events",
            });
        }
        bench.Add(new Result("eventstore", "all three projections caught up", "W7", bench.Sync, head, Result.Round(total, 3), Math.Round(head / total), null, null) with
        {
            PeakWorkingSetMb = peakMb,
            CpuUsPerEvent = cpuPerEvent,
            Note = $"{polled} GetStatus polls, {samples.Count} catalog reads; CPU per journal position for the three projections together",
        });

        foreach (var records in new long[] { journal.Tasks / 100, journal.Tasks / 10, journal.Tasks })
        {
            // The window spans the records from half to one and a half times the size (the last 10% at full size).
            var (from, to) = records == journal.Tasks ? (records * 9 / 10, records) : (records / 2, records * 3 / 2);
            var (fromBlock, toBlock) = ((int)(from / journal.BlockSize) - 1, (int)(to / journal.BlockSize) - 1);
            var events = journal.BlockTaskEvents[toBlock] - journal.BlockTaskEvents[fromBlock];
            var (enter, leave) = (Crossing(samples, 0, journal.BlockEnds[fromBlock]), Crossing(samples, 0, journal.BlockEnds[toBlock]));
            var windowSeconds = Latencies.Seconds(enter.At, leave.At);
            var running = new List<string>();
            if (Crossing(samples, 1, head).At > enter.At) running.Add("AgentState");
            if (Crossing(samples, 2, head).At > enter.At) running.Add("MemoryIndex");
            bench.Add(Result.Rate("eventstore", $"TaskHistory catch-up at {records:N0} records", "W7", bench.Sync, events, windowSeconds, null, null) with
            {
                PeakWorkingSetMb = Math.Round(leave.WorkingSet / 1048576.0),
                Note = $"{1e6 * windowSeconds / events:0.0} µs per event applied (wall clock), tasks table from {from:N0} to {to:N0} records; "
                       + $"working set when it held {to:N0}: {leave.WorkingSet / 1048576.0:0} MB; "
                       + (running.Count > 0 ? $"{string.Join(" and ", running)} still catching up" : "the other projections done"),
            });
        }
    }

    /// <summary>When projection <paramref name="index"/> reached <paramref name="position"/>: interpolated between the polls around it; the working set is the later poll's.</summary>
    private static (long At, long WorkingSet) Crossing(List<Sample> samples, int index, long position)
    {
        var after = samples.FindIndex(s => s.Checkpoints[index] >= position);
        if (after < 0) throw new InvalidOperationException($"W7: no poll saw position {position}");
        if (after == 0) return (samples[0].At, samples[0].WorkingSet);
        var (a, b) = (samples[after - 1], samples[after]);
        var share = (position - a.Checkpoints[index]) / (double)(b.Checkpoints[index] - a.Checkpoints[index]);
        return (a.At + (long)(share * (b.At - a.At)), b.WorkingSet);
    }

    /// <summary>The catalog's checkpoints and the working set, every <see cref="ProbeInterval"/> until stopped, and once more after.</summary>
    private static async Task<List<Sample>> Probe(BenchDatabase database, CancellationToken stop)
    {
        using var probe = new CheckpointProbe(database);
        var samples = new List<Sample>();
        using var timer = new PeriodicTimer(ProbeInterval);
        do
        {
            var checkpoints = probe.Read();
            samples.Add(new Sample(Stopwatch.GetTimestamp(), [.. Names.Select(n => checkpoints.GetValueOrDefault(n))], CurrentWorkingSet()));
        }
        while (await Tick(timer, stop));
        var last = probe.Read();
        samples.Add(new Sample(Stopwatch.GetTimestamp(), [.. Names.Select(n => last.GetValueOrDefault(n))], CurrentWorkingSet()));
        return samples;
    }

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static long CurrentWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private readonly record struct Sample(long At, long[] Checkpoints, long WorkingSet);
}
