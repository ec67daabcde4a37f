namespace EventStore.Errors;

/// <summary>An event id is already taken by a different event; the append was not written.</summary>
[GenerateSerializer]
public sealed class DuplicateEventIdException : EventStoreException
{
    /// <summary>Creates the error.</summary>
    public DuplicateEventIdException(string eventId, string detail)
        : base($"Event id '{eventId}' is already used: {detail}") => EventId = eventId;

    /// <summary>The duplicated id.</summary>
    [Id(0)] public string EventId { get; private set; }
}
