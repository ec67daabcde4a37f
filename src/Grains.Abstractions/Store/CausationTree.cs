using EventStore.Events;

namespace EventStore.Store;

/// <summary>
/// An event and everything it caused, transitively: the events whose <see cref="EventEnvelope.CausationId"/> is its id,
/// the events whose causation id is one of theirs, and so on. Returned by <see cref="IEventStoreGrain.GetCausationTree"/>.
/// </summary>
/// <param name="RootId">The id of the event the tree was asked for.</param>
/// <param name="Events">
/// The tree's events in commit order (global position), the root among them; each says its depth, its parent and its
/// children, so the tree can be walked from <see cref="Root"/> down through <see cref="CausedEvent.ChildIds"/>.
/// </param>
/// <param name="IsComplete">
/// False when the tree holds more events than the limit asked for. <paramref name="Events"/> is then the tree's top, taken
/// breadth first: every event down to some depth, then some of the next depth, each with its parent. To see further, ask
/// again with a larger limit, or for the tree of an event of the deepest level.
/// </param>
[GenerateSerializer, Immutable]
public sealed record CausationTree(string RootId, IReadOnlyList<CausedEvent> Events, bool IsComplete)
{
    /// <summary>The event the tree was asked for (depth 0).</summary>
    public CausedEvent Root => Events.First(e => e.Depth == 0);
}

/// <summary>One event of a <see cref="CausationTree"/>, and where it sits in it.</summary>
/// <param name="Event">The event.</param>
/// <param name="Depth">0 for the root, 1 for the events the root caused, 2 for what those caused, and so on.</param>
/// <param name="ParentId">The id of the event of the tree that caused it (its <see cref="EventEnvelope.CausationId"/>); null for the root.</param>
/// <param name="ChildIds">The ids of the events it caused that the tree holds, in commit order; empty for a leaf.</param>
[GenerateSerializer, Immutable]
public sealed record CausedEvent(EventEnvelope Event, int Depth, string? ParentId, IReadOnlyList<string> ChildIds);
