using EventStore.Events;
using EventStore.Store;

namespace EventStore.Cli.Connection;

/// <summary>The cluster's <see cref="IEventStoreGrain"/> as an <see cref="IEventStore"/>, so that every command has one surface online and offline.</summary>
internal sealed class GrainEventStore(IEventStoreGrain grain) : IEventStore
{
    public Task<AppendResult> AppendAsync(string aggregateId, string aggregateType, IReadOnlyList<NewEvent> events, long? expectedVersion = null) =>
        grain.Append(aggregateId, aggregateType, events, expectedVersion);

    public Task<IReadOnlyList<EventEnvelope>> GetEventsAsync(string aggregateId, long fromVersion = 1) => grain.GetEvents(aggregateId, fromVersion);

    public Task<EventPage> GetEventsByTypeAsync(string eventType, long fromPosition = 0, int limit = 1000) => grain.GetEventsByType(eventType, fromPosition, limit);

    public Task<EventPage> ReadAllAsync(long fromPosition = 0, int limit = 1000) => grain.ReadAll(fromPosition, limit);

    public IAsyncEnumerable<EventEnvelope> ReplayAsync(long fromPosition = 0, int pageSize = 1000, CancellationToken cancellationToken = default) =>
        grain.Replay(fromPosition, pageSize, cancellationToken);

    public Task<IReadOnlyList<EventEnvelope>> QueryAsync(EventFilter filter) => grain.Query(filter);

    public Task SaveSnapshotAsync(Snapshot snapshot) => grain.SaveSnapshot(snapshot);

    public Task<Snapshot?> GetSnapshotAsync(string aggregateId) => grain.GetSnapshot(aggregateId);

    public Task<EventStoreStats> GetStatsAsync() => grain.GetStats();

    public Task<BackupResult> BackupAsync(string fileName) => grain.Backup(fileName);

    public Task<CheckpointResult> CheckpointAsync() => grain.Checkpoint();

    public Task<EventPage> GetTimelineAsync(string correlationId, long fromPosition = 0, int limit = 1000) => grain.GetTimeline(correlationId, fromPosition, limit);

    public Task<CausationTree> GetCausationTreeAsync(string eventId, int limit = 1000) => grain.GetCausationTree(eventId, limit);
}
