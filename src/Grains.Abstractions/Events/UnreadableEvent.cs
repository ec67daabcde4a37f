namespace EventStore.Events;

/// <summary>
/// Stands in for the payload of a stored event that this code cannot read: its type is unknown (a
/// newer version wrote it) or its JSON does not parse (the row was damaged). Reads of the log return
/// it, so nothing is hidden; an aggregate refuses to rebuild from it, and projections skip an unknown
/// type but stop at a damaged row until it is repaired.
/// </summary>
/// <param name="Type">The stored type name.</param>
/// <param name="RawPayload">The stored payload text, as it is.</param>
/// <param name="Problem">Why it cannot be read.</param>
/// <param name="IsUnknownType">True when the type is unknown; false when a known type's payload is damaged.</param>
[GenerateSerializer, Immutable]
public sealed record UnreadableEvent(string Type, string RawPayload, string Problem, bool IsUnknownType) : IDomainEvent;
