namespace EventStore.Errors;

/// <summary>An event's serialized payload is larger than the configured limit.</summary>
[GenerateSerializer]
public sealed class PayloadTooLargeException : EventStoreException
{
    /// <summary>Creates the error.</summary>
    public PayloadTooLargeException(string eventType, long sizeBytes, long limitBytes)
        : base($"Payload of '{eventType}' is {sizeBytes:N0} bytes, over the limit of {limitBytes:N0} bytes")
        => (EventType, SizeBytes, LimitBytes) = (eventType, sizeBytes, limitBytes);

    /// <summary>The event's type name.</summary>
    [Id(0)] public string EventType { get; private set; }

    /// <summary>The payload's size as JSON, in UTF-8 bytes.</summary>
    [Id(1)] public long SizeBytes { get; private set; }

    /// <summary>The configured limit.</summary>
    [Id(2)] public long LimitBytes { get; private set; }
}
