using System.Collections.Concurrent;

namespace EventStore.Diagnostics;

/// <summary>
/// The last lag each projection of this silo saw (its projector publishes it whenever it learns the journal's head),
/// read by the projection-lag gauges. The time lag is measured when it is read, so it grows while a projection is stuck.
/// </summary>
internal sealed class ProjectionLags(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Lag> _lags = new(StringComparer.Ordinal);

    /// <summary>Records that <paramref name="projection"/> is <paramref name="events"/> behind the head; the oldest it has not applied was stored at <paramref name="oldestUnappliedAt"/> (Unix ms).</summary>
    public void Publish(string projection, long events, long? oldestUnappliedAt) =>
        _lags[projection] = new Lag(Math.Max(0, events), events > 0 ? oldestUnappliedAt : null);

    /// <summary>The projection's projector left this silo: its lag is another silo's to report.</summary>
    public void Forget(string projection) => _lags.TryRemove(projection, out _);

    /// <summary>Each projection's lag in events.</summary>
    public IEnumerable<(string Projection, long Events)> Events() => _lags.Select(p => (p.Key, p.Value.Events));

    /// <summary>Each projection's lag in milliseconds, now.</summary>
    public IEnumerable<(string Projection, long Milliseconds)> Milliseconds()
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return _lags.Select(p => (p.Key, p.Value.OldestUnappliedAt is { } at ? Math.Max(0, now - at) : 0L));
    }

    private readonly record struct Lag(long Events, long? OldestUnappliedAt);
}
