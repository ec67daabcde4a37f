using System.Diagnostics;
using EventStore.Benchmarks.Hosting;
using EventStore.Projections;

namespace EventStore.Benchmarks.Workloads;

/// <summary>
/// One catch-up of some projections from position 0, observed two ways: <c>GetStatus</c> through the client every
/// 200 ms (which activates the projectors, and says when they are done), and the catalog's committed checkpoints read
/// with plain SQL every 100 ms (<see cref="CheckpointProbe"/>, which does not wait for a projector's turn), with the
/// process's working set, CPU time and thread pool at each read.
/// </summary>
internal sealed class W7CatchUp
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Cap = TimeSpan.FromMinutes(45);

    private W7CatchUp(long start, List<Sample> samples, List<StatusCall>[] calls) => (Start, Samples, Calls) = (start, samples, calls);

    /// <summary>When the first GetStatus was sent (Stopwatch timestamp).</summary>
    public long Start { get; }

    /// <summary>The catalog reads, in time order.</summary>
    public List<Sample> Samples { get; }

    /// <summary>Per projection, every GetStatus call.</summary>
    public List<StatusCall>[] Calls { get; }

    /// <summary>Seconds from the start until projection <paramref name="index"/> had committed <paramref name="position"/>.</summary>
    public double SecondsTo(int index, long position) => Measuring.Latencies.Seconds(Start, Crossing(index, position).At);

    /// <summary>Runs the catch-up of <paramref name="projections"/> (catalog names <paramref name="names"/>) to <paramref name="head"/>.</summary>
    public static async Task<W7CatchUp> Run(BenchDatabase database, IProjection[] projections, string[] names, long head, Action<long[]> progress)
    {
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(Cap.TotalSeconds * Stopwatch.Frequency);
        using var stop = new CancellationTokenSource();
        var probing = Task.Run(() => Probe(database, names, stop.Token));
        var calls = projections.Select(_ => new List<StatusCall>()).ToArray();
        for (var polls = 1; ; polls++)
        {
            var statuses = await Task.WhenAll(projections.Select(async (p, i) =>
            {
                var asked = Stopwatch.GetTimestamp();
                var answer = await p.GetStatus();
                calls[i].Add(new StatusCall(asked, Stopwatch.GetTimestamp(), answer.Checkpoint));
                return answer;
            }));
            if (statuses.FirstOrDefault(s => s.Problem is not null) is { } stuck) throw new InvalidOperationException($"W7: {stuck.Projection} is stuck: {stuck.Problem}");
            if (statuses.All(s => s.Checkpoint >= head)) break;
            if (Stopwatch.GetTimestamp() > deadline)
                throw new TimeoutException($"W7: the projections did not catch up within {Cap.TotalMinutes:0} min (at {string.Join(", ", statuses.Select(s => s.Checkpoint))} of {head})");
            if (polls % 25 == 0) progress([.. statuses.Select(s => s.Checkpoint)]);
            await Task.Delay(PollInterval);
        }
        await stop.CancelAsync();
        return new W7CatchUp(start, await probing, calls);
    }

    /// <summary>When projection <paramref name="index"/> committed <paramref name="position"/>: interpolated between the catalog reads around it; the rest is the later read's.</summary>
    public Sample Crossing(int index, long position)
    {
        var after = Samples.FindIndex(s => s.Checkpoints[index] >= position);
        if (after < 0) throw new InvalidOperationException($"W7: no catalog read saw position {position}");
        if (after == 0) return Samples[0];
        var (a, b) = (Samples[after - 1], Samples[after]);
        var share = (position - a.Checkpoints[index]) / (double)(b.Checkpoints[index] - a.Checkpoints[index]);
        return b with { At = a.At + (long)(share * (b.At - a.At)) };
    }

    /// <summary>The committed checkpoint of projection <paramref name="index"/> at <paramref name="at"/> (the last catalog read before it).</summary>
    public long CheckpointAt(int index, long at)
    {
        var last = Samples.FindLastIndex(s => s.At <= at);
        return last < 0 ? 0 : Samples[last].Checkpoints[index];
    }

    private static async Task<List<Sample>> Probe(BenchDatabase database, string[] names, CancellationToken stop)
    {
        using var probe = new CheckpointProbe(database);
        var samples = new List<Sample>();
        using var timer = new PeriodicTimer(ProbeInterval);
        do samples.Add(Read(probe, names));
        while (await Tick(timer, stop));
        samples.Add(Read(probe, names));
        return samples;
    }

    private static Sample Read(CheckpointProbe probe, string[] names)
    {
        var checkpoints = probe.Read();
        using var process = Process.GetCurrentProcess();
        return new Sample(Stopwatch.GetTimestamp(), [.. names.Select(n => checkpoints.GetValueOrDefault(n))], process.WorkingSet64,
            process.TotalProcessorTime, ThreadPool.PendingWorkItemCount, ThreadPool.ThreadCount);
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

    /// <summary>One catalog read: the checkpoints, and the process's working set, CPU time and thread pool (queued work items, threads) then.</summary>
    public readonly record struct Sample(long At, long[] Checkpoints, long WorkingSet, TimeSpan Cpu, long PendingWorkItems, int Threads);

    /// <summary>One GetStatus: sent, answered (Stopwatch timestamps), and the checkpoint it reported.</summary>
    public readonly record struct StatusCall(long Asked, long Answered, long Checkpoint);
}
