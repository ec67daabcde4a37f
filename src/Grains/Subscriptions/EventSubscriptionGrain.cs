using System.Runtime.CompilerServices;
using EventStore.Events;
using Orleans.Concurrency;
using Orleans.Placement;

namespace EventStore.Subscriptions;

/// <summary>
/// One live subscription (a new key per subscription): Orleans' <see cref="IAsyncEnumerable{T}"/> support runs its
/// enumerator in this activation, sends what is ready in batches, heartbeats while it waits for a commit, cancels it
/// when the subscriber disposes it, and drops it when the subscriber stops asking (its client is gone) for longer than
/// the response timeout. Placed on the silo the subscriber's call arrives at, whose writer's commits wake it at once.
/// </summary>
[PreferLocalPlacement]
[Reentrant] // no state but the enumerator: GetHeadPosition never waits behind a subscription's long poll
[GrainType("event-subscription")]
internal sealed class EventSubscriptionGrain(JournalTail tail, SubscriptionArguments arguments, OpenSubscriptions open)
    : Grain, IEventSubscriptionGrain
{
    /// <inheritdoc />
    public async IAsyncEnumerable<EventEnvelope> Subscribe(SubscriptionRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        arguments.Check(request);
        var after = request.AfterPosition;
        var head = await tail.HeadAsync();
        if (request.StartAtHead) after = head;
        else SubscriptionArguments.StartsWithin(after, head);
        using var counted = open.Open();
        try
        {
            await foreach (var envelope in tail.FollowAsync(after, request.AggregateTypes, arguments.StoredEventTypes(request), cancellationToken))
                yield return envelope;
        }
        finally
        {
            DeactivateOnIdle(); // one subscription per activation: nothing to keep once it ends
        }
    }

    /// <inheritdoc />
    public Task<long> GetHeadPosition() => tail.HeadAsync();
}
