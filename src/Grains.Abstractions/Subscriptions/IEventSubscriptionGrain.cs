using EventStore.Events;

namespace EventStore.Subscriptions;

/// <summary>
/// A live subscription to the journal: first the history after the requested position (catch-up), then each event
/// as it commits, every matching event once, in global commit order (position order), without a gap at the
/// hand-over. One grain per subscription (a new <see cref="Guid"/> key each time); coordinator code normally calls
/// <see cref="EventSubscriptionExtensions.SubscribeToEvents"/>, which also resumes after a lost connection or a
/// silo restart. The silo holds at most one page of events per subscription, however slowly it is read.
/// </summary>
public interface IEventSubscriptionGrain : IGrainWithGuidKey
{
    /// <summary>
    /// The matching events after the request's start, without end until <paramref name="cancellationToken"/> fires or the
    /// enumerator is disposed. A bad request (negative position, a position past the journal's head, an empty or
    /// blank type, an unregistered event type) fails the first <c>MoveNextAsync</c> with
    /// <see cref="Errors.InvalidCommandException"/> naming the field.
    /// </summary>
    IAsyncEnumerable<EventEnvelope> Subscribe(SubscriptionRequest request, CancellationToken cancellationToken = default);

    /// <summary>The position of the last committed event (0 for an empty journal): where "from now" starts.</summary>
    Task<long> GetHeadPosition();
}
