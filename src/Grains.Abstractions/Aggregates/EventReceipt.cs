namespace EventStore.Aggregates;

/// <summary>Proof that a command's event is durable: returned only after the journal committed it.</summary>
/// <param name="EventId">The event's id.</param>
/// <param name="EventType">The event's stable type name.</param>
/// <param name="AggregateId">The aggregate the event belongs to.</param>
/// <param name="Version">The event's version within its aggregate.</param>
/// <param name="Position">The event's global position in the journal.</param>
[GenerateSerializer, Immutable]
public sealed record EventReceipt(string EventId, string EventType, string AggregateId, long Version, long Position);
