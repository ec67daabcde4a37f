using EventStore.Events;

namespace EventStore.Journal;

/// <summary>
/// The events of one commit, as published on the journal stream inside the cluster (silo side only). The commit covered every position
/// from <see cref="FromPosition"/> to <see cref="ToPosition"/>; <see cref="Events"/> holds them in
/// position order. A reader that has applied everything up to <c>FromPosition - 1</c> can apply this
/// batch directly; one that finds a gap reads the missing positions from the journal first.
/// </summary>
/// <param name="FromPosition">First position of the commit.</param>
/// <param name="ToPosition">Last position of the commit.</param>
/// <param name="Events">The committed events.</param>
[GenerateSerializer, Immutable]
public sealed record CommittedBatch(long FromPosition, long ToPosition, IReadOnlyList<EventEnvelope> Events);
