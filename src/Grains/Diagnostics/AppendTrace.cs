using System.Diagnostics;
using EventStore.Aggregates;

namespace EventStore.Diagnostics;

/// <summary>
/// One append being measured: an activity of <see cref="EventStoreDiagnostics.Source"/> (a child of the current one, so
/// of Orleans' grain-call activity when its propagation is on; none when nobody listens) and the clock for
/// <see cref="EventStoreDiagnostics.AppendDuration"/>. End it once, with <see cref="Succeeded"/> or <see cref="Failed"/>.
/// </summary>
internal readonly struct AppendTrace
{
    private readonly EventStoreMetrics _metrics;
    private readonly Activity? _activity;
    private readonly long _started;

    private AppendTrace(EventStoreMetrics metrics, Activity? activity) =>
        (_metrics, _activity, _started) = (metrics, activity, Stopwatch.GetTimestamp());

    /// <summary>Starts measuring an append named "<paramref name="operation"/> <paramref name="subject"/>" (command agent:spawned, append task).</summary>
    public static AppendTrace Start(EventStoreMetrics metrics, string operation, string subject, string aggregateId, string aggregateType)
    {
        var activity = EventStoreDiagnostics.Source.HasListeners()
            ? EventStoreDiagnostics.Source.StartActivity($"{operation} {subject}", ActivityKind.Internal)
            : null;
        activity?.SetTag("eventstore.aggregate.id", aggregateId);
        activity?.SetTag("eventstore.aggregate.type", aggregateType);
        return new AppendTrace(metrics, activity);
    }

    /// <summary>The append was answered with <paramref name="receipts"/>: new events, or an earlier append's when <paramref name="duplicate"/>.</summary>
    public void Succeeded(IReadOnlyList<EventReceipt> receipts, bool duplicate)
    {
        var kind = duplicate ? AppendResultKind.Duplicate : AppendResultKind.Committed;
        if (_activity is { } activity && receipts.Count > 0)
        {
            activity.SetTag("eventstore.event.id", receipts[0].EventId);
            activity.SetTag("eventstore.event.type", receipts[0].EventType);
            activity.SetTag("eventstore.event.count", receipts.Count);
            if (receipts.Count > 1) activity.SetTag("eventstore.event.ids", receipts.Select(r => r.EventId).ToArray());
            activity.SetTag("eventstore.event.version", receipts[^1].Version);
            activity.SetTag("eventstore.position", receipts[^1].Position);
        }
        End(kind, error: null);
    }

    /// <summary>The append failed with <paramref name="error"/>; nothing of it was acknowledged.</summary>
    public void Failed(Exception error) => End(AppendResultKinds.Of(error), error);

    private void End(AppendResultKind kind, Exception? error)
    {
        _metrics.RecordAppend(kind, Stopwatch.GetElapsedTime(_started));
        if (_activity is not { } activity) return;
        activity.SetTag("eventstore.outcome", kind.Tag().Value);
        if (error is not null) activity.SetStatus(ActivityStatusCode.Error, $"{error.GetType().Name}: {error.Message}");
        activity.Dispose();
    }
}
