using EventStore.Events;

namespace EventStore.Journal;

/// <summary>
/// An event to write: everything the caller chose and the journal derived (its type name, its JSON, the
/// fingerprint of the request that asked for it, see <see cref="EventRequest"/>), but no version or position,
/// which only the commit gives. Made by <see cref="EventJournal.Prepare"/> alone; it becomes an
/// <see cref="EventEnvelope"/> only through <see cref="Committed"/>, once the batch store has written it.
/// <see cref="SchemaVersion"/> is the current schema version of its type, stored with it.
/// </summary>
internal sealed record UnwrittenEvent(
    string Id,
    string Type,
    string AggregateId,
    string AggregateType,
    long Timestamp,
    string Source,
    IDomainEvent Payload,
    IReadOnlyDictionary<string, string>? Metadata,
    string? CausationId,
    string? CorrelationId,
    string PayloadJson,
    string? MetadataJson,
    string? Request,
    int SchemaVersion = 1)
{
    /// <summary>What the event holds in memory while it waits for the writer, roughly (UTF-16 text and a fixed overhead).</summary>
    public long EstimatedBytes { get; } = 256 + 2L * (PayloadJson.Length + (MetadataJson?.Length ?? 0) + Id.Length + AggregateId.Length);

    /// <summary>The event as committed at <paramref name="version"/> of its stream and <paramref name="position"/> of the journal.</summary>
    public EventEnvelope Committed(long version, long position) =>
        new(Id, Type, AggregateId, AggregateType, version, position, Timestamp, Source, Payload, Metadata, CausationId, CorrelationId);
}
