namespace EventStore.Errors;

/// <summary>An event type name (or payload class) is not registered with the journal.</summary>
[GenerateSerializer]
public sealed class UnknownEventTypeException : EventStoreException
{
    /// <summary>Creates the error.</summary>
    public UnknownEventTypeException(string typeName)
        : base($"Unknown event type '{typeName}': no payload class with [EventType] is registered for it") => TypeName = typeName;

    /// <summary>The unknown type name or class name.</summary>
    [Id(0)] public string TypeName { get; private set; }
}
