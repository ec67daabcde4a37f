using System.Diagnostics;

namespace EventStore.Benchmarks.Measuring;

/// <summary>
/// Samples this process's working set every 50 ms while a workload runs. The silo runs in this process,
/// so this is the silo's working set (plus the client's, which is small next to it).
/// </summary>
internal sealed class WorkingSetSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peak;

    public WorkingSetSampler()
    {
        Start = Sample();
        _peak = Start;
        _loop = Task.Run(Loop);
    }

    /// <summary>The working set when sampling began, in bytes.</summary>
    public long Start { get; }

    /// <summary>The highest working set seen so far, in bytes.</summary>
    public long Peak => Math.Max(Interlocked.Read(ref _peak), Sample());

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task Loop()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var now = Sample();
                if (now > Interlocked.Read(ref _peak)) Interlocked.Exchange(ref _peak, now);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static long Sample()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
