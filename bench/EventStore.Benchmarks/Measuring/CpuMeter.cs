using System.Diagnostics;

namespace EventStore.Benchmarks.Measuring;

/// <summary>
/// CPU time this process spent (all threads: silo, client and driver) between <see cref="Start"/> and
/// <see cref="PerEvent"/>. Unlike elapsed time it is not inflated by other processes on the machine, and on
/// 2 cores it bounds the rate: at most 2 s of CPU per second.
/// </summary>
internal readonly struct CpuMeter
{
    private readonly TimeSpan _start;

    private CpuMeter(TimeSpan start) => _start = start;

    public static CpuMeter Start() => new(Used());

    /// <summary>Microseconds of CPU per event since <see cref="Start"/>.</summary>
    public double PerEvent(long events) => events == 0 ? 0 : Math.Round((Used() - _start).TotalMicroseconds / events, 1);

    private static TimeSpan Used()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
