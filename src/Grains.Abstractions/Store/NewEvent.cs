using EventStore.Events;

namespace EventStore.Store;

/// <summary>An event to append through the store: the payload, and optionally what the envelope should say.</summary>
/// <param name="Payload">The typed payload; its class must carry a registered <see cref="EventTypeAttribute"/>.</param>
[GenerateSerializer, Immutable]
public sealed record NewEvent([property: Id(0)] IDomainEvent Payload)
{
    /// <summary>The event id; generated when null. Appending again with the same ids and payloads is an idempotent retry.</summary>
    [Id(1)] public string? Id { get; init; }

    /// <summary>Who raised it; defaults to <c>event-store</c>.</summary>
    [Id(2)] public string? Source { get; init; }

    /// <summary>When it happened, in Unix milliseconds; defaults to now.</summary>
    [Id(3)] public long? Timestamp { get; init; }

    /// <summary>Free-form string map.</summary>
    [Id(4)] public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Id of what caused it.</summary>
    [Id(5)] public string? CausationId { get; init; }

    /// <summary>Id of the workflow it belongs to.</summary>
    [Id(6)] public string? CorrelationId { get; init; }
}
