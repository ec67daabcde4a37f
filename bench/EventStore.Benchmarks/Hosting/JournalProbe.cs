using System.Diagnostics.Metrics;
using EventStore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace EventStore.Benchmarks.Hosting;

/// <summary>
/// Counts the journal writer's commits and the events they held in a running silo, from the event store's meter
/// (<see cref="EventStoreDiagnostics.CommitEvents"/>: one measurement per commit, its value the events in it),
/// listening to that silo's meter only, from its creation until disposed.
/// </summary>
internal sealed class JournalProbe : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _commits;
    private long _events;

    public JournalProbe(IServiceProvider siloServices)
    {
        var meter = siloServices.GetRequiredService<EventStoreMetrics>().Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == EventStoreDiagnostics.CommitEvents) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, events, _, _) =>
        {
            Interlocked.Increment(ref _commits);
            Interlocked.Add(ref _events, events);
        });
        _listener.Start();
    }

    public (long Commits, long Events)? Read() => (Interlocked.Read(ref _commits), Interlocked.Read(ref _events));

    /// <summary>"N commits, M events/commit" between two readings, or null.</summary>
    public static string? Describe((long Commits, long Events)? before, (long Commits, long Events)? after)
    {
        if (before is not { } b || after is not { } a || a.Commits == b.Commits) return null;
        var commits = a.Commits - b.Commits;
        return $"{commits} commits, {(a.Events - b.Events) / (double)commits:0.0} events/commit";
    }

    public void Dispose() => _listener.Dispose();
}
