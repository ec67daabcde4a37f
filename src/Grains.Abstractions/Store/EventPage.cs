using EventStore.Events;

namespace EventStore.Store;

/// <summary>A page of events in global position order.</summary>
/// <param name="Events">The events of this page.</param>
/// <param name="NextPosition">Where the next page starts: one past the last event's position (or the requested start if empty).</param>
/// <param name="IsEnd">True when no event at or after <paramref name="NextPosition"/> existed when the page was read.</param>
[GenerateSerializer, Immutable]
public sealed record EventPage(IReadOnlyList<EventEnvelope> Events, long NextPosition, bool IsEnd);
