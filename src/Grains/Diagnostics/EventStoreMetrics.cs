using System.Diagnostics.Metrics;
using EventStore.Journal;

namespace EventStore.Diagnostics;

/// <summary>
/// The event store's meter (<see cref="EventStoreDiagnostics.Name"/>) in this silo, made by the silo's
/// <see cref="IMeterFactory"/> so that each silo (and each test's silo) has its own. The counters and histograms are
/// recorded where things happen; the gauges read, when observed, what the writer, the projectors and the
/// subscriptions of this silo hand it. Tags are made once, so recording allocates nothing.
/// </summary>
internal sealed class EventStoreMetrics
{
    private static readonly KeyValuePair<string, object?>[] OwnerTags =
        [new("owner", "store"), new("owner", "grain")]; // by SnapshotOwner's value
    private readonly Counter<long> _appends;
    private readonly Histogram<double> _appendDuration;
    private readonly Histogram<long> _commitEvents;
    private readonly Counter<long> _snapshots;
    private Func<long>? _queuedEvents;
    private Func<long>? _queuedBytes;
    private Func<long>? _subscriptions;

    /// <summary>Creates the meter through <paramref name="meters"/>; without one (a journal made by hand), a meter of its own.</summary>
    public EventStoreMetrics(IMeterFactory? meters, TimeProvider? clock = null)
    {
        var options = new MeterOptions(EventStoreDiagnostics.Name);
        Meter = meters?.Create(options) ?? new Meter(options);
        ProjectionLags = new ProjectionLags(clock ?? TimeProvider.System);
        _appends = Meter.CreateCounter<long>(EventStoreDiagnostics.Appends, "{append}", "Appends and aggregate commands, by outcome");
        _appendDuration = Meter.CreateHistogram<double>(EventStoreDiagnostics.AppendDuration, "s", "Time from an append's call to its answer, by outcome");
        _commitEvents = Meter.CreateHistogram<long>(EventStoreDiagnostics.CommitEvents, "{event}", "Events per transaction of the journal's writer");
        _snapshots = Meter.CreateCounter<long>(EventStoreDiagnostics.Snapshots, "{snapshot}", "Snapshots stored, by owner");
        Meter.CreateObservableGauge(EventStoreDiagnostics.WriterQueueEvents, () => _queuedEvents?.Invoke() ?? 0, "{event}", "Events waiting for the journal's writer");
        Meter.CreateObservableGauge(EventStoreDiagnostics.WriterQueueBytes, () => _queuedBytes?.Invoke() ?? 0, "By", "Bytes waiting for the journal's writer");
        Meter.CreateObservableGauge(EventStoreDiagnostics.ProjectionLagEvents,
            () => ProjectionLags.Events().Select(l => new Measurement<long>(l.Events, new KeyValuePair<string, object?>("projection", l.Projection))),
            "{event}", "Events a projection has not applied yet");
        Meter.CreateObservableGauge(EventStoreDiagnostics.ProjectionLagMilliseconds,
            () => ProjectionLags.Milliseconds().Select(l => new Measurement<long>(l.Milliseconds, new KeyValuePair<string, object?>("projection", l.Projection))),
            "ms", "Age of the oldest event a projection has not applied yet");
        Meter.CreateObservableUpDownCounter(EventStoreDiagnostics.Subscriptions, () => _subscriptions?.Invoke() ?? 0, "{subscription}", "Live subscriptions served by this silo");
    }

    /// <summary>The meter: listeners tell this silo's instruments from another's by it.</summary>
    public Meter Meter { get; }

    /// <summary>Where the projectors of this silo publish their lag.</summary>
    public ProjectionLags ProjectionLags { get; }

    /// <summary>The writer's queue, read by the queue gauges.</summary>
    public void WatchWriterQueue(Func<long> events, Func<long> bytes) => (_queuedEvents, _queuedBytes) = (events, bytes);

    /// <summary>The count of open subscriptions, read by the subscriptions gauge.</summary>
    public void WatchSubscriptions(Func<long> count) => _subscriptions = count;

    /// <summary>One append ended as <paramref name="kind"/> after <paramref name="elapsed"/>.</summary>
    public void RecordAppend(AppendResultKind kind, TimeSpan elapsed)
    {
        var tag = kind.Tag();
        _appends.Add(1, tag);
        _appendDuration.Record(elapsed.TotalSeconds, tag);
    }

    /// <summary>The writer committed a transaction holding <paramref name="events"/> events.</summary>
    public void RecordCommit(int events) => _commitEvents.Record(events);

    /// <summary>A snapshot of <paramref name="owner"/> was stored.</summary>
    public void RecordSnapshot(SnapshotOwner owner) => _snapshots.Add(1, OwnerTags[(int)owner]);
}
