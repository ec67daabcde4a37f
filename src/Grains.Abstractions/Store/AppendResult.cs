using EventStore.Aggregates;

namespace EventStore.Store;

/// <summary>What an append through the store committed.</summary>
/// <param name="AggregateId">The aggregate appended to.</param>
/// <param name="Events">One receipt per event, in order.</param>
/// <param name="WasRetry">True when every event id was already stored with the same content: nothing new was written.</param>
[GenerateSerializer, Immutable]
public sealed record AppendResult(string AggregateId, IReadOnlyList<EventReceipt> Events, bool WasRetry)
{
    /// <summary>The aggregate's version after the append: the version to expect next time.</summary>
    public long Version => Events.Count == 0 ? 0 : Events[^1].Version;
}
