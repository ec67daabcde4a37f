using EventStore.Events;
using EventStore.Store;

namespace EventStore.Journal;

/// <summary>
/// Every read of the journal, whatever database holds it: each sees only committed events, never blocks
/// the writer, and runs off the Orleans scheduler. Positions are global and in commit order.
/// </summary>
internal interface IJournalReader
{
    /// <summary>The stream's events with <paramref name="afterVersion"/> &lt; version ≤ <paramref name="toVersion"/>, in version order.</summary>
    Task<IReadOnlyList<EventEnvelope>> ReadStreamAsync(string aggregateId, long afterVersion, long toVersion = long.MaxValue);

    /// <summary>Up to <paramref name="limit"/> events from <paramref name="fromPosition"/>, optionally of one type only.</summary>
    Task<IReadOnlyList<EventEnvelope>> ReadFromPositionAsync(long fromPosition, int limit, string? eventType = null);

    /// <summary>Up to <paramref name="limit"/> events of the given aggregate types with positions in [<paramref name="fromPosition"/>, <paramref name="toPosition"/>].</summary>
    Task<IReadOnlyList<EventEnvelope>> ReadRangeAsync(long fromPosition, long toPosition, IReadOnlyList<string> aggregateTypes, int limit);

    /// <summary>The position of the last committed event, 0 when the journal is empty.</summary>
    Task<long> GetHeadPositionAsync();

    /// <summary>The timestamp of the first event at or after <paramref name="position"/>, if any.</summary>
    Task<long?> GetTimestampAtAsync(long position);

    /// <summary>Events matching a validated filter, in position order; <paramref name="limit"/> -1 for none.</summary>
    Task<IReadOnlyList<EventEnvelope>> QueryAsync(EventFilter filter, long limit);

    /// <summary>The stream's last version, 0 if it has no event.</summary>
    Task<long> GetStreamVersionAsync(string aggregateId);

    /// <summary>The event with this id, if any.</summary>
    Task<EventEnvelope?> FindEventAsync(string eventId);

    /// <summary>The event with this id as stored, with its payload JSON and request fingerprint, if any.</summary>
    Task<StoredEvent?> FindStoredEventAsync(string eventId);

    /// <summary>The aggregate's snapshot in the table of <paramref name="owner"/>, if any.</summary>
    Task<Snapshot?> GetSnapshotAsync(string aggregateId, SnapshotOwner owner);

    /// <summary>Counts of the journal, consistent with each other; <paramref name="sizeBytes"/> is reported as its size.</summary>
    Task<EventStoreStats> GetStatsAsync(long sizeBytes);

    // ---- Run timelines: correlation and causation ----

    /// <summary>Up to <paramref name="limit"/> events with this correlation id from <paramref name="fromPosition"/>, in position order.</summary>
    Task<IReadOnlyList<EventEnvelope>> ReadCorrelationAsync(string correlationId, long fromPosition, int limit);

    /// <summary>
    /// The event with this id and the events it caused, transitively, each with its depth below it, in position order: at
    /// most <paramref name="limit"/>, taken breadth first (every event's cause is among them). Empty if no event has the id.
    /// </summary>
    Task<IReadOnlyList<TreeEvent>> ReadCausationTreeAsync(string eventId, int limit);

    // --- Live subscriptions (issue 12) ---

    /// <summary>
    /// Up to <paramref name="limit"/> events with <paramref name="afterPosition"/> &lt; position ≤ <paramref name="toPosition"/>, in
    /// position order, of the given aggregate types and event types (null: any).
    /// </summary>
    Task<IReadOnlyList<EventEnvelope>> ReadMatchingAsync(long afterPosition, long toPosition, IReadOnlyList<string>? aggregateTypes,
        IReadOnlyList<string>? eventTypes, int limit);

    /// <summary>Up to <paramref name="limit"/> rows from <paramref name="fromPosition"/>, in position order, exactly as stored (for export and verification).</summary>
    Task<IReadOnlyList<StoredRow>> ReadRowsAsync(long fromPosition, int limit);

    // --- Verification (the admin CLI's verify) ---

    /// <summary>Up to <paramref name="limit"/> event ids held by more than one row at positions ≤ <paramref name="toPosition"/>, first held first.</summary>
    Task<IReadOnlyList<DuplicateId>> FindDuplicateIdsAsync(long toPosition, int limit);

    /// <summary>The snapshot counters and the snapshot tables' row counts, read together.</summary>
    Task<SnapshotCounts> CountSnapshotsAsync();

    /// <summary>Up to <paramref name="limit"/> snapshots of <paramref name="owner"/>'s table with aggregate ids after <paramref name="after"/> ("" for the first), in id order.</summary>
    Task<IReadOnlyList<SnapshotHead>> ReadSnapshotHeadsAsync(SnapshotOwner owner, string after, int limit);

    // --- Upcasting (schema 5) ---

    /// <summary>
    /// Up to <paramref name="limit"/> events from <paramref name="fromPosition"/> stored under any of <paramref name="storedTypes"/>
    /// (a type and its former names, see <see cref="EventPayloadSerializer.StoredNamesOf"/>), in position order.
    /// </summary>
    Task<IReadOnlyList<EventEnvelope>> ReadTypesFromPositionAsync(long fromPosition, int limit, IReadOnlyList<string> storedTypes);
}
