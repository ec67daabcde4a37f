using System.Collections.Concurrent;
using System.Diagnostics;

namespace EventStore.Benchmarks.Measuring;

/// <summary>What a run of <see cref="ConcurrentDriver"/> did.</summary>
internal sealed record DriveOutcome(int Events, double Seconds, Latencies Latencies, bool Capped, int Failures, string? FirstError, double CpuUsPerEvent)
{
    public double EventsPerSecond => Events / Seconds;
}

/// <summary>
/// W1's shape: <c>aggregates × eventsPerAggregate</c> commands of one event each, round robin over the
/// aggregates; an aggregate's next command is sent only after its previous one returned (was durable),
/// and at most <c>inFlight</c> commands run at once. A failed command is counted and sent again.
/// </summary>
internal static class ConcurrentDriver
{
    private const int MaxFailures = 1000;

    /// <summary>Runs <paramref name="command"/>(aggregate, seq) from <paramref name="inFlight"/> async workers; it returns the event's position.</summary>
    public static async Task<DriveOutcome> RunAsync(int aggregates, int eventsPerAggregate, int inFlight,
        Func<int, long, Task<long>> command, TimeSpan? cap = null, Action<long, long>? onAck = null)
    {
        var run = new Run(aggregates, eventsPerAggregate, cap);
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => Task.Run(async () =>
        {
            while (run.TryNext(out var aggregate, out var seq))
            {
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    var position = await command(aggregate, seq);
                    run.Done(aggregate, seq, t0, position, onAck);
                }
                catch (Exception ex)
                {
                    run.Failed(aggregate, ex);
                }
            }
        })));
        return run.Outcome(start);
    }

    /// <summary>Runs <paramref name="command"/>(worker, aggregate, seq) synchronously on <paramref name="threads"/> dedicated threads.</summary>
    public static DriveOutcome RunThreads(int aggregates, int eventsPerAggregate, int threads, Func<int, int, long, long> command)
    {
        var run = new Run(aggregates, eventsPerAggregate, cap: null);
        var start = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, threads).Select(worker => new Thread(() =>
        {
            while (run.TryNext(out var aggregate, out var seq))
            {
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    var position = command(worker, aggregate, seq);
                    run.Done(aggregate, seq, t0, position, onAck: null);
                }
                catch (Exception ex)
                {
                    run.Failed(aggregate, ex);
                }
            }
        }) { IsBackground = true, Name = $"bench-writer-{worker}" }).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        return run.Outcome(start);
    }

    private sealed class Run(int aggregates, int eventsPerAggregate, TimeSpan? cap)
    {
        private readonly ConcurrentQueue<int> _ready = new(Enumerable.Range(0, aggregates));
        private readonly long[] _done = new long[aggregates];
        private readonly Latencies _latencies = new(aggregates * eventsPerAggregate);
        private readonly long _deadline = cap is { } c ? Stopwatch.GetTimestamp() + (long)(c.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        private readonly CpuMeter _cpu = CpuMeter.Start();
        private int _failures;
        private string? _firstError;
        private volatile bool _capped;

        public bool TryNext(out int aggregate, out long seq)
        {
            seq = 0;
            if (!_ready.TryDequeue(out aggregate)) return false;
            if (Stopwatch.GetTimestamp() > _deadline)
            {
                _capped = true;
                return false;
            }
            seq = _done[aggregate] + 1;
            return true;
        }

        public void Done(int aggregate, long seq, long startTimestamp, long position, Action<long, long>? onAck)
        {
            var now = Stopwatch.GetTimestamp();
            _latencies.Add(now - startTimestamp);
            onAck?.Invoke(position, now);
            _done[aggregate] = seq;
            if (seq < eventsPerAggregate) _ready.Enqueue(aggregate);
        }

        public void Failed(int aggregate, Exception error)
        {
            Interlocked.CompareExchange(ref _firstError, error.GetBaseException().Message, null);
            if (Interlocked.Increment(ref _failures) > MaxFailures)
                throw new InvalidOperationException($"More than {MaxFailures} commands failed; the first: {_firstError}", error);
            _ready.Enqueue(aggregate);
        }

        public DriveOutcome Outcome(long startTimestamp) =>
            new(_latencies.Count, Latencies.Seconds(startTimestamp, Stopwatch.GetTimestamp()), _latencies, _capped, _failures, _firstError, _cpu.PerEvent(_latencies.Count));
    }
}
