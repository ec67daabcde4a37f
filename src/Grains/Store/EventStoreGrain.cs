using EventStore.Events;
using Orleans.Concurrency;

namespace EventStore.Store;

/// <summary>The client's door to <see cref="IEventStore"/>: a stateless, reentrant worker, so calls run in parallel on every silo and concurrent appends can share a commit.</summary>
[StatelessWorker]
[Reentrant]
[GrainType("event-store")]
public sealed class EventStoreGrain(IEventStore store) : Grain, IEventStoreGrain
{
    /// <inheritdoc />
    public Task<AppendResult> Append(string aggregateId, string aggregateType, IReadOnlyList<NewEvent> events, long? expectedVersion = null) =>
        store.AppendAsync(aggregateId, aggregateType, events, expectedVersion);

    /// <inheritdoc />
    public Task<IReadOnlyList<EventEnvelope>> GetEvents(string aggregateId, long fromVersion = 1) => store.GetEventsAsync(aggregateId, fromVersion);

    /// <inheritdoc />
    public Task<EventPage> GetEventsByType(string eventType, long fromPosition = 0, int limit = 1000) => store.GetEventsByTypeAsync(eventType, fromPosition, limit);

    /// <inheritdoc />
    public Task<EventPage> ReadAll(long fromPosition = 0, int limit = 1000) => store.ReadAllAsync(fromPosition, limit);

    /// <inheritdoc />
    public Task<IReadOnlyList<EventEnvelope>> Query(EventFilter filter) => store.QueryAsync(filter);

    /// <inheritdoc />
    public Task SaveSnapshot(Snapshot snapshot) => store.SaveSnapshotAsync(snapshot);

    /// <inheritdoc />
    public Task<Snapshot?> GetSnapshot(string aggregateId) => store.GetSnapshotAsync(aggregateId);

    /// <inheritdoc />
    public Task<EventStoreStats> GetStats() => store.GetStatsAsync();

    /// <inheritdoc />
    public Task<BackupResult> Backup(string fileName) => store.BackupAsync(fileName);

    /// <inheritdoc />
    public Task<CheckpointResult> Checkpoint() => store.CheckpointAsync();

    // ---- Run timelines: correlation and causation ----

    /// <inheritdoc />
    public Task<EventPage> GetTimeline(string correlationId, long fromPosition = 0, int limit = 1000) => store.GetTimelineAsync(correlationId, fromPosition, limit);

    /// <inheritdoc />
    public Task<CausationTree> GetCausationTree(string eventId, int limit = 1000) => store.GetCausationTreeAsync(eventId, limit);
}
