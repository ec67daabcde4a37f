using EventStore.Events;

namespace EventStore.Store;

/// <summary>
/// The event store's surface inside the silo, as a service (inject it into grains or hosted services).
/// Clients use <see cref="IEventStoreGrain"/>, which forwards to it. See that interface for the
/// semantics of each operation.
/// </summary>
public interface IEventStore
{
    /// <inheritdoc cref="IEventStoreGrain.Append"/>
    Task<AppendResult> AppendAsync(string aggregateId, string aggregateType, IReadOnlyList<NewEvent> events, long? expectedVersion = null);

    /// <inheritdoc cref="IEventStoreGrain.GetEvents"/>
    Task<IReadOnlyList<EventEnvelope>> GetEventsAsync(string aggregateId, long fromVersion = 1);

    /// <inheritdoc cref="IEventStoreGrain.GetEventsByType"/>
    Task<EventPage> GetEventsByTypeAsync(string eventType, long fromPosition = 0, int limit = 1000);

    /// <inheritdoc cref="IEventStoreGrain.ReadAll"/>
    Task<EventPage> ReadAllAsync(long fromPosition = 0, int limit = 1000);

    /// <summary>Streams the whole log in global commit order from <paramref name="fromPosition"/>, one page at a time.</summary>
    IAsyncEnumerable<EventEnvelope> ReplayAsync(long fromPosition = 0, int pageSize = 1000, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="IEventStoreGrain.Query"/>
    Task<IReadOnlyList<EventEnvelope>> QueryAsync(EventFilter filter);

    /// <inheritdoc cref="IEventStoreGrain.SaveSnapshot"/>
    Task SaveSnapshotAsync(Snapshot snapshot);

    /// <inheritdoc cref="IEventStoreGrain.GetSnapshot"/>
    Task<Snapshot?> GetSnapshotAsync(string aggregateId);

    /// <inheritdoc cref="IEventStoreGrain.GetStats"/>
    Task<EventStoreStats> GetStatsAsync();

    /// <inheritdoc cref="IEventStoreGrain.Backup"/>
    Task<BackupResult> BackupAsync(string fileName);

    /// <inheritdoc cref="IEventStoreGrain.Checkpoint"/>
    Task<CheckpointResult> CheckpointAsync();

    // ---- Run timelines: correlation and causation ----

    /// <inheritdoc cref="IEventStoreGrain.GetTimeline"/>
    Task<EventPage> GetTimelineAsync(string correlationId, long fromPosition = 0, int limit = 1000);

    /// <inheritdoc cref="IEventStoreGrain.GetCausationTree"/>
    Task<CausationTree> GetCausationTreeAsync(string eventId, int limit = 1000);
}
