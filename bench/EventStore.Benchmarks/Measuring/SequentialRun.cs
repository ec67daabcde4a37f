using System.Diagnostics;

namespace EventStore.Benchmarks.Measuring;

/// <summary>
/// W2's shape: events 1..N appended one after the other to one aggregate, each durable before the next;
/// the start and end time of every append, so that any window of the stream has its own rate.
/// </summary>
internal sealed class SequentialRun
{
    private readonly long[] _starts;
    private readonly long[] _ends;

    private SequentialRun(int capacity) => (_starts, _ends) = (new long[capacity], new long[capacity]);

    /// <summary>Appends completed.</summary>
    public int Count { get; private set; }

    /// <summary>True if the cap stopped the run early.</summary>
    public bool Capped { get; private set; }

    /// <summary>Process CPU per completed append, in microseconds.</summary>
    public double CpuUsPerEvent { get; private set; }

    public double Seconds => Count == 0 ? 0 : Latencies.Seconds(_starts[0], _ends[Count - 1]);

    public static async Task<SequentialRun> RunAsync(int events, Func<long, Task<long>> append, TimeSpan? cap = null)
    {
        var run = new SequentialRun(events);
        var deadline = Deadline(cap);
        var cpu = CpuMeter.Start();
        for (var i = 0; i < events; i++)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                run.Capped = true;
                break;
            }
            run._starts[i] = Stopwatch.GetTimestamp();
            await append(i + 1);
            run._ends[i] = Stopwatch.GetTimestamp();
            run.Count = i + 1;
        }
        run.CpuUsPerEvent = cpu.PerEvent(run.Count);
        return run;
    }

    public static SequentialRun Run(int events, Action<long> append)
    {
        var run = new SequentialRun(events);
        var cpu = CpuMeter.Start();
        for (var i = 0; i < events; i++)
        {
            run._starts[i] = Stopwatch.GetTimestamp();
            append(i + 1);
            run._ends[i] = Stopwatch.GetTimestamp();
            run.Count = i + 1;
        }
        run.CpuUsPerEvent = cpu.PerEvent(run.Count);
        return run;
    }

    /// <summary>Latency percentile (ms) over all completed appends.</summary>
    public double? Percentile(double p) => Latencies.Percentile(Enumerable.Range(0, Count).Select(i => _ends[i] - _starts[i]).ToArray(), p);

    /// <summary>Latency percentile (ms) over appends [from, from + count).</summary>
    public double? Percentile(int from, int count, double p) =>
        Latencies.Percentile(Enumerable.Range(from, count).Select(i => _ends[i] - _starts[i]).ToArray(), p);

    /// <summary>Seconds from the start of append <paramref name="from"/> to the end of append <paramref name="from"/> + <paramref name="count"/> - 1.</summary>
    public double WindowSeconds(int from, int count) => Latencies.Seconds(_starts[from], _ends[from + count - 1]);

    private static long Deadline(TimeSpan? cap) =>
        cap is { } c ? Stopwatch.GetTimestamp() + (long)(c.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
}
