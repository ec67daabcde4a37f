using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using EventStore.Errors;
using EventStore.Events;

namespace EventStore.Subscriptions;

/// <summary>Client-side live subscriptions: <see cref="IEventSubscriptionGrain"/> with resumption after transient failures.</summary>
public static class EventSubscriptionExtensions
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Every event matching <paramref name="request"/>, in global commit order: the history first, then each event as it
    /// commits, until <paramref name="cancellationToken"/> fires. When the subscription breaks for a transient reason (its
    /// silo stopped, the connection was lost, the journal could not be read, or the silo dropped an enumerator that was
    /// not read for longer than the response timeout) it opens a new one after the last position it delivered, after a
    /// short back-off, so nothing is skipped and nothing is delivered twice. It gives up, rethrowing the error, after
    /// <paramref name="maxConsecutiveFailures"/> failures in a row without an event between them. A bad request is
    /// not transient: it fails at once with <see cref="InvalidCommandException"/>. "From now" is resolved to the head's
    /// position before the first event, so a resumption never skips events committed while it was away.
    /// </summary>
    /// <param name="grains">The client (or a grain's factory).</param>
    /// <param name="request">Where to start and what to deliver.</param>
    /// <param name="cancellationToken">Ends the subscription.</param>
    /// <param name="maxConsecutiveFailures">Transient failures in a row before giving up (at least 1).</param>
    /// <param name="onResume">Called with the error and the last delivered position each time the subscription is reopened (for logs).</param>
    public static async IAsyncEnumerable<EventEnvelope> SubscribeToEvents(this IGrainFactory grains, SubscriptionRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default, int maxConsecutiveFailures = 10, Action<Exception, long>? onResume = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConsecutiveFailures, 1);
        var failures = 0;
        long? last = request.StartAtHead ? null : request.AfterPosition;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var grain = grains.GetGrain<IEventSubscriptionGrain>(Guid.NewGuid());
            var failure = last is null ? await TryAsync(async () => last = await grain.GetHeadPosition(), cancellationToken) : null;
            if (failure is null)
            {
                await using var events = grain.Subscribe(request with { StartAtHead = false, AfterPosition = last!.Value }, cancellationToken)
                    .GetAsyncEnumerator(cancellationToken);
                while (true)
                {
                    var hasNext = false;
                    failure = await TryAsync(async () => hasNext = await events.MoveNextAsync(), cancellationToken);
                    if (failure is not null) break;
                    if (!hasNext) yield break;
                    failures = 0;
                    if (events.Current.Position <= last) continue; // never twice, whatever a server sends
                    last = events.Current.Position;
                    yield return events.Current;
                }
            }
            if (++failures >= maxConsecutiveFailures) ExceptionDispatchInfo.Throw(failure!);
            onResume?.Invoke(failure, last ?? 0);
            await Task.Delay(RetryDelay(failures), cancellationToken);
        }
    }

    /// <summary>Runs <paramref name="action"/>; returns the transient error it failed with, null if it succeeded, and rethrows any other.</summary>
    private static async Task<Exception?> TryAsync(Func<Task> action, CancellationToken cancellationToken)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception ex) when (IsTransient(ex, cancellationToken))
        {
            return ex;
        }
    }

    /// <summary>What a new subscription may overcome: the runtime's and the connection's failures, and an unreadable journal.</summary>
    private static bool IsTransient(Exception error, CancellationToken cancellationToken) => error switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested, // the silo cancelled it (stopping), not the caller
        JournalUnavailableException => true,
        EventStoreException => false,
        OrleansException or EnumerationAbortedException or TimeoutException => true,
        _ => false,
    };

    private static TimeSpan RetryDelay(int failures)
    {
        var delay = FirstRetryDelay * Math.Pow(2, Math.Min(failures - 1, 10));
        return delay < MaxRetryDelay ? delay : MaxRetryDelay;
    }
}
