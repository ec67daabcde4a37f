namespace EventStore.Events;

/// <summary>
/// One event as the journal stores it: the typed payload and everything known about it.
/// </summary>
/// <param name="Id">Unique event id, client-supplied or generated. A repeated id is never a second event.</param>
/// <param name="Type">Stable type name, such as <c>agent:spawned</c>.</param>
/// <param name="AggregateId">The aggregate (stream) the event belongs to.</param>
/// <param name="AggregateType">One of <see cref="AggregateTypes"/>.</param>
/// <param name="Version">1, 2, 3… within the aggregate, without gaps; 0 until committed.</param>
/// <param name="Position">Global position in commit order, never reused; 0 until committed.</param>
/// <param name="Timestamp">When the event was raised, in Unix milliseconds.</param>
/// <param name="Source">Who raised it: an agent id, <c>swarm</c>, or the caller's name.</param>
/// <param name="Payload">The typed domain event.</param>
/// <param name="Metadata">Optional free-form string map supplied by the caller.</param>
/// <param name="CausationId">Id of the message or event that caused this one, if any.</param>
/// <param name="CorrelationId">Id shared by every event of one workflow, if any.</param>
[GenerateSerializer, Immutable]
public sealed record EventEnvelope(
    string Id,
    string Type,
    string AggregateId,
    string AggregateType,
    long Version,
    long Position,
    long Timestamp,
    string Source,
    IDomainEvent Payload,
    IReadOnlyDictionary<string, string>? Metadata,
    string? CausationId,
    string? CorrelationId);
