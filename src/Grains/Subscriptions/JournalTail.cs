using System.Runtime.CompilerServices;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Journal;

namespace EventStore.Subscriptions;

/// <summary>
/// Follows the journal from a position: reads the matching events up to the head one page at a time, and when it has
/// caught up waits for the head to move: a <see cref="CommitSignal"/> pulse of this silo's writer, or
/// <see cref="SubscriptionOptions.PollInterval"/> for the commits of other silos. Positions become visible in commit
/// order on both backends (SQLite has one writer; PostgreSQL's commits queue on the <c>journal_head</c> row lock), so
/// every event at or below a head read from the journal is already visible: reading (last, head] never skips one that
/// commits later. It is pulled: the next page is read only once the reader took the last one, so a slow reader costs
/// one page of memory and a fast one never waits for more than a query.
/// </summary>
internal sealed class JournalTail(IJournalReader reader, CommitSignal committed, SubscriptionOptions options)
{
    /// <summary>
    /// The events after <paramref name="afterPosition"/> of the given aggregate and event types (null: any), in position
    /// order, without end until <paramref name="cancellationToken"/> fires. A failed read ends it with
    /// <see cref="JournalUnavailableException"/>.
    /// </summary>
    public async IAsyncEnumerable<EventEnvelope> FollowAsync(long afterPosition, IReadOnlyList<string>? aggregateTypes, IReadOnlyList<string>? eventTypes,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var scanned = afterPosition; // every matching event up to here was delivered
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var moved = committed.Next; // before the head is read: a commit after that read ends the wait below
            var head = await HeadAsync();
            if (head <= scanned)
            {
                await WaitAsync(moved, cancellationToken);
                continue;
            }
            var page = await Read(() => reader.ReadMatchingAsync(scanned, head, aggregateTypes, eventTypes, options.PageSize));
            foreach (var envelope in page) yield return envelope;
            scanned = page.Count < options.PageSize ? head : page[^1].Position;
        }
    }

    /// <summary>The position of the last committed event; a failed read is <see cref="JournalUnavailableException"/>.</summary>
    public Task<long> HeadAsync() => Read(reader.GetHeadPositionAsync);

    /// <summary>Until the writer signals a commit or the poll interval passes; back on the caller's scheduler (the grain's).</summary>
    private async Task WaitAsync(Task moved, CancellationToken cancellationToken)
    {
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        poll.CancelAfter(options.PollInterval);
        await moved.WaitAsync(poll.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    private static async Task<T> Read<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or EventStoreException))
        {
            throw new JournalUnavailableException($"A subscription could not read the journal: {ex.Message}");
        }
    }
}
