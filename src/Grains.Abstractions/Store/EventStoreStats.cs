namespace EventStore.Store;

/// <summary>What the journal holds.</summary>
[GenerateSerializer, Immutable]
public sealed record EventStoreStats
{
    /// <summary>Events in the journal.</summary>
    [Id(0)] public long TotalEvents { get; init; }

    /// <summary>Events per event type.</summary>
    [Id(1)] public IReadOnlyDictionary<string, long> EventsByType { get; init; } = new Dictionary<string, long>();

    /// <summary>Events per aggregate type.</summary>
    [Id(2)] public IReadOnlyDictionary<string, long> EventsByAggregateType { get; init; } = new Dictionary<string, long>();

    /// <summary>Distinct aggregates.</summary>
    [Id(3)] public long AggregateCount { get; init; }

    /// <summary>Timestamp of the oldest event (Unix ms), if any.</summary>
    [Id(4)] public long? OldestTimestamp { get; init; }

    /// <summary>Timestamp of the newest event (Unix ms), if any.</summary>
    [Id(5)] public long? NewestTimestamp { get; init; }

    /// <summary>Snapshots saved through <see cref="IEventStoreGrain.SaveSnapshot"/> (one per aggregate at most); the aggregates' own snapshots are <see cref="AggregateSnapshotCount"/>.</summary>
    [Id(6)] public long SnapshotCount { get; init; }

    /// <summary>Size of the database file and its WAL, in bytes.</summary>
    [Id(7)] public long JournalSizeBytes { get; init; }

    /// <summary>Position of the last committed event (0 when empty).</summary>
    [Id(8)] public long HeadPosition { get; init; }

    /// <summary>Snapshots the journaled grains took of themselves (one per aggregate at most), kept apart from <see cref="SnapshotCount"/>.</summary>
    [Id(9)] public long AggregateSnapshotCount { get; init; }
}
