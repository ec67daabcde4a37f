using System.Diagnostics;

namespace EventStore.Benchmarks.Measuring;

/// <summary>Latencies recorded from many threads (Stopwatch ticks), and their percentiles in milliseconds.</summary>
internal sealed class Latencies(int capacity)
{
    private readonly long[] _ticks = new long[capacity];
    private int _count;

    public int Count => Math.Min(Volatile.Read(ref _count), _ticks.Length);

    public void Add(long ticks)
    {
        var index = Interlocked.Increment(ref _count) - 1;
        if (index < _ticks.Length) _ticks[index] = ticks;
    }

    public void AddSince(long startTimestamp) => Add(Stopwatch.GetTimestamp() - startTimestamp);

    /// <summary>The p-th percentile (0-100) in milliseconds, nearest rank; null when nothing was recorded.</summary>
    public double? Percentile(double p) => Percentile(_ticks.AsSpan(0, Count).ToArray(), p);

    public static double? Percentile(long[] ticks, double p)
    {
        if (ticks.Length == 0) return null;
        Array.Sort(ticks);
        var rank = (int)Math.Ceiling(p / 100 * ticks.Length) - 1;
        return ToMs(ticks[Math.Clamp(rank, 0, ticks.Length - 1)]);
    }

    public static double ToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public static double Seconds(long startTimestamp, long endTimestamp) => (endTimestamp - startTimestamp) / (double)Stopwatch.Frequency;
}
