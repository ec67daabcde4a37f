using EventStore.Events;
using EventStore.Store;
using EventStore.Subscriptions;
using EventStore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EventStore.Tests.Subscriptions;

/// <summary>Writers, collectors and the journal's own view of what a subscriber should have seen.</summary>
internal static class SubscriptionTestKit
{
    /// <summary>How long a test may wait for the events it expects before it fails (a guard against a hang, not a timing).</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);

    /// <summary>The marker's aggregate id: the last event a test writes, after which a subscriber has seen everything.</summary>
    public static string EndOf(string kind) => kind + "-end";

    /// <summary>
    /// <paramref name="writers"/> concurrent writers, each appending <paramref name="appendsEach"/> times 1 to 3 events
    /// (notes, and a milestone every third append) to an aggregate of its own of type <paramref name="kind"/>.
    /// </summary>
    public static Task WriteConcurrently(IClusterClient client, string kind, int writers, int appendsEach) =>
        Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var store = client.GetEventStore();
            for (var i = 0; i < appendsEach; i++)
                await store.Append($"{kind}-w{w}", kind, Events(i, 1 + (w + i) % 3));
        })));

    /// <summary>Appends <paramref name="count"/> notes to one aggregate of <paramref name="kind"/>, one append each.</summary>
    public static async Task WriteSequentially(IClusterClient client, string kind, int count, string? aggregateId = null)
    {
        var store = client.GetEventStore();
        for (var i = 0; i < count; i++) await store.Append(aggregateId ?? kind + "-seq", kind, Events(i, 1));
    }

    /// <summary>
    /// As <see cref="WriteSequentially"/>, retrying each append (under the same event ids: a retry never writes twice)
    /// while the client still knocks at a silo that stopped.
    /// </summary>
    public static async Task WriteSequentiallyRetrying(IClusterClient client, string kind, int count, string aggregateId, CancellationToken cancellation)
    {
        var store = client.GetEventStore();
        for (var i = 0; i < count; i++)
        {
            var events = Events(i, 1).Select((e, j) => e with { Id = $"{aggregateId}-{i}-{j}" }).ToList();
            while (true)
            {
                try
                {
                    await store.Append(aggregateId, kind, events);
                    break;
                }
                catch (OrleansException)
                {
                    await Task.Delay(100, cancellation); // a back-off, not an order: the next try goes to a live gateway
                }
            }
        }
    }

    /// <summary>Appends the end marker (a milestone, so that event-type filters on milestones see it too).</summary>
    public static Task WriteEnd(IClusterClient client, string kind) =>
        client.GetEventStore().Append(EndOf(kind), kind, [new NewEvent(new SwarmMilestoneReached("end", "end", DateTimeOffset.UnixEpoch))]);

    /// <summary>The events a subscriber receives until (and with) the end marker of <paramref name="kind"/>; each awaited <paramref name="slowness"/> if given.</summary>
    public static async Task<List<EventEnvelope>> CollectUntilEnd(IAsyncEnumerable<EventEnvelope> events, string kind, CancellationToken cancellation,
        TimeSpan? slowness = null)
    {
        var seen = new List<EventEnvelope>();
        await foreach (var envelope in events.WithCancellation(cancellation))
        {
            seen.Add(envelope);
            if (envelope.AggregateId == EndOf(kind)) return seen;
            if (slowness is { } delay) await Task.Delay(delay, cancellation);
        }
        throw new InvalidOperationException($"The subscription ended after {seen.Count} events, before the end marker.");
    }

    /// <summary>The first <paramref name="count"/> events of a subscription; it is disposed (disconnected) after them.</summary>
    public static async Task<List<EventEnvelope>> Take(IAsyncEnumerable<EventEnvelope> events, int count, CancellationToken cancellation)
    {
        var seen = new List<EventEnvelope>();
        await foreach (var envelope in events.WithCancellation(cancellation))
        {
            seen.Add(envelope);
            if (seen.Count == count) break;
        }
        return seen;
    }

    /// <summary>The journal's rows (read with plain SQL) of the given aggregate types, in position order.</summary>
    public static List<JournalRow> RowsOfKinds(this JournalCluster cluster, params string[] kinds) =>
        cluster.Journal.Rows().Where(r => kinds.Contains(r.AggregateType)).ToList();

    /// <summary>A fresh subscription grain.</summary>
    public static IEventSubscriptionGrain NewSubscription(this IClusterClient client) => client.GetGrain<IEventSubscriptionGrain>(Guid.NewGuid());

    /// <summary>Subscriptions open on every silo of the cluster.</summary>
    public static long OpenSubscriptionsCount(this JournalCluster cluster) =>
        cluster.Cluster.Silos.Sum(s => s.ServiceProvider.GetRequiredService<OpenSubscriptions>().Count);

    private static List<NewEvent> Events(int index, int count) =>
        Enumerable.Range(0, count).Select(j => (index + j) % 3 == 2
            ? new NewEvent(new SwarmMilestoneReached($"m-{index}-{j}", "milestone", DateTimeOffset.UnixEpoch))
            : new NewEvent(new NoteAdded($"note {index}.{j}"))).ToList();
}
