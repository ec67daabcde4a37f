using EventStore.Events;

namespace EventStore.Journal;

/// <summary>An event of a causation tree as read from the journal, and its depth below the tree's root (0 for the root).</summary>
internal sealed record TreeEvent(EventEnvelope Event, int Depth);
