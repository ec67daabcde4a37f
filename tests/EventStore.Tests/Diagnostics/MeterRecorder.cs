using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace EventStore.Tests.Diagnostics;

/// <summary>
/// Listens to one meter instance (a silo's event store meter, not another test's) from its creation until disposed:
/// what its counters and histograms recorded, and what its gauges say when <see cref="Observe"/> asks them.
/// </summary>
internal sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Recorded> _recorded = new();
    private readonly List<Recorded> _observed = [];
    private readonly Lock _observing = new();

    public MeterRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The values a counter or histogram recorded, with <paramref name="tag"/> = <paramref name="value"/> if given.</summary>
    public List<double> Values(string instrument, string? tag = null, string? value = null) =>
        _recorded.Where(r => r.Instrument == instrument && (tag is null || Equals(r.Tags.GetValueOrDefault(tag), value))).Select(r => r.Value).ToList();

    /// <summary>The sum a counter added with <paramref name="tag"/> = <paramref name="value"/>.</summary>
    public double Sum(string instrument, string tag, string value) => Values(instrument, tag, value).Sum();

    /// <summary>What a gauge says now: its value for each value of <paramref name="tag"/> (the key "" when it has no tags).</summary>
    public Dictionary<string, double> Observe(string instrument, string tag = "")
    {
        lock (_observing)
        {
            _observed.Clear();
            _listener.RecordObservableInstruments();
            return _observed.Where(r => r.Instrument == instrument)
                .ToDictionary(r => tag == "" ? "" : (string)r.Tags[tag]!, r => r.Value);
        }
    }

    /// <summary>What a gauge without tags says now.</summary>
    public double ObserveOne(string instrument) => Observe(instrument)[""];

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var recorded = new Recorded(instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value));
        if (instrument.IsObservable) _observed.Add(recorded); // only during Observe, under its lock, on its thread
        else _recorded.Enqueue(recorded);
    }

    private sealed record Recorded(string Instrument, double Value, Dictionary<string, object?> Tags);
}
