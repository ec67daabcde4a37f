using System.Runtime.InteropServices;
using EventStore.Events;

namespace EventStore.Journal;

/// <summary>
/// What one batch adds to the journal's stats counters, summed in memory while the batch is written, so
/// that the batch store writes each counter once per commit (in the batch's own transaction), not once per
/// event. Only appends that committed inside the transaction are added; the batch store clears it when a
/// batch begins or fails.
/// </summary>
internal sealed class StatsDelta
{
    private readonly Dictionary<string, long> _byType = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _byAggregateType = new(StringComparer.Ordinal);

    /// <summary>Events added.</summary>
    public long Events { get; private set; }

    /// <summary>Aggregates begun: events written at version 1.</summary>
    public long Aggregates { get; private set; }

    /// <summary>The smallest timestamp added (timestamps may be given by the client, so not the first one).</summary>
    public long OldestTimestamp { get; private set; } = long.MaxValue;

    /// <summary>The largest timestamp added.</summary>
    public long NewestTimestamp { get; private set; } = long.MinValue;

    /// <summary>Events added per event type.</summary>
    public IReadOnlyDictionary<string, long> ByType => _byType;

    /// <summary>Events added per aggregate type.</summary>
    public IReadOnlyDictionary<string, long> ByAggregateType => _byAggregateType;

    /// <summary>Counts the events of one append that is written in the batch's transaction.</summary>
    public void Add(IReadOnlyList<EventEnvelope> committed)
    {
        if (committed.Count == 0) return;
        for (var i = 0; i < committed.Count; i++)
        {
            var envelope = committed[i];
            CollectionsMarshal.GetValueRefOrAddDefault(_byType, envelope.Type, out _)++;
            if (envelope.Version == 1) Aggregates++;
            if (envelope.Timestamp < OldestTimestamp) OldestTimestamp = envelope.Timestamp;
            if (envelope.Timestamp > NewestTimestamp) NewestTimestamp = envelope.Timestamp;
        }
        CollectionsMarshal.GetValueRefOrAddDefault(_byAggregateType, committed[0].AggregateType, out _) += committed.Count;
        Events += committed.Count;
    }

    /// <summary>Forgets everything added.</summary>
    public void Clear()
    {
        _byType.Clear();
        _byAggregateType.Clear();
        (Events, Aggregates, OldestTimestamp, NewestTimestamp) = (0, 0, long.MaxValue, long.MinValue);
    }
}
