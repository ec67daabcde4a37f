using System.Runtime.CompilerServices;
using EventStore.Events;

namespace EventStore.Store;

/// <summary>Client-side helpers for <see cref="IEventStoreGrain"/>.</summary>
public static class EventStoreGrainExtensions
{
    /// <summary>The event store grain.</summary>
    public static IEventStoreGrain GetEventStore(this IGrainFactory grains) => grains.GetGrain<IEventStoreGrain>(0);

    /// <summary>
    /// Streams the whole log in global commit order from <paramref name="fromPosition"/> (inclusive),
    /// reading <paramref name="pageSize"/> events at a time, so memory stays bounded however long the log.
    /// It ends at the head as it was when the last page was read.
    /// </summary>
    public static async IAsyncEnumerable<EventEnvelope> Replay(this IEventStoreGrain store, long fromPosition = 0, int pageSize = 1000,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var position = fromPosition;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await store.ReadAll(position, pageSize);
            foreach (var envelope in page.Events) yield return envelope;
            if (page.IsEnd) yield break;
            position = page.NextPosition;
        }
    }
}
