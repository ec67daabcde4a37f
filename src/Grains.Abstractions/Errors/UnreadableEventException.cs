namespace EventStore.Errors;

/// <summary>
/// A stored event cannot be read (unknown type, damaged payload), so the state that depends on it
/// cannot be rebuilt. Nothing is lost: the row is still in the journal, and once the code knows the
/// type or the row is repaired, the next call succeeds.
/// </summary>
[GenerateSerializer]
public sealed class UnreadableEventException : EventStoreException
{
    /// <summary>Creates the error.</summary>
    public UnreadableEventException(long position, string eventId, string eventType, string aggregateId, string problem)
        : base($"Event at position {position} (id '{eventId}', type '{eventType}', aggregate '{aggregateId}') cannot be read: {problem}")
        => (Position, EventId, EventType) = (position, eventId, eventType);

    /// <summary>The event's global position.</summary>
    [Id(0)] public long Position { get; private set; }

    /// <summary>The event's id.</summary>
    [Id(1)] public string EventId { get; private set; }

    /// <summary>The stored type name.</summary>
    [Id(2)] public string EventType { get; private set; }
}
