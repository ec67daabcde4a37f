namespace EventStore.Aggregates;

/// <summary>
/// What a caller may say about a command beyond its arguments; all of it lands in the event's envelope.
/// Every member is optional.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CommandContext
{
    /// <summary>
    /// The id the event gets. Supply one to make a retried command idempotent: repeating a command with
    /// an id that this aggregate already stored returns the original receipt and writes nothing.
    /// </summary>
    [Id(0)] public string? EventId { get; init; }

    /// <summary>Id shared by every event of one workflow.</summary>
    [Id(1)] public string? CorrelationId { get; init; }

    /// <summary>Id of the message or event that caused this command.</summary>
    [Id(2)] public string? CausationId { get; init; }

    /// <summary>Who is acting; defaults to the agent id for agent events, <c>swarm</c> for swarm events, and <c>coordinator</c> otherwise.</summary>
    [Id(3)] public string? Source { get; init; }

    /// <summary>Free-form string map stored with the event.</summary>
    [Id(4)] public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
