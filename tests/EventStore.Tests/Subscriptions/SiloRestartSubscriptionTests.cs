using EventStore.Journal;
using EventStore.Subscriptions;
using EventStore.Tests.Infrastructure;
using EventStore.Tests.Store;
using Microsoft.Extensions.DependencyInjection;
using static EventStore.Tests.Subscriptions.SubscriptionTestKit;

namespace EventStore.Tests.Subscriptions;

/// <summary>A cluster of its own, since the test stops one of its silos.</summary>
public class SubscriptionRestartCluster : SubscriptionCluster;

/// <summary>A <see cref="SubscriptionRestartCluster"/> on PostgreSQL.</summary>
public sealed class PostgresSubscriptionRestartCluster : SubscriptionRestartCluster
{
    /// <inheritdoc />
    public override JournalProvider Provider => JournalProvider.Postgres;
}

/// <summary>
/// <see cref="EventSubscriptionExtensions.SubscribeToEvents"/> across the loss of the silo serving it: the subscriber
/// goes on, on the other silo, from the last position it delivered.
/// </summary>
public abstract class SiloRestartSubscriptionTests(SubscriptionRestartCluster cluster)
{
    [Fact]
    public async Task A_resuming_subscription_goes_on_from_its_last_position_when_the_silo_serving_it_stops()
    {
        using var guard = new CancellationTokenSource(Guard);
        await cluster.Cluster.StartAdditionalSiloAsync();
        var kind = StoreTestKit.Kind("sub");
        await WriteSequentially(cluster.Client, kind, 20);
        var resumes = new List<(Exception Error, long Position)>();
        var request = SubscriptionRequest.FromStart() with { AggregateTypes = [kind] };
        await using var events = cluster.Client.SubscribeToEvents(request, guard.Token, onResume: (e, p) => resumes.Add((e, p))).GetAsyncEnumerator(guard.Token);
        var seen = new List<Events.EventEnvelope>();
        for (var i = 0; i < 10; i++)
        {
            Assert.True(await events.MoveNextAsync());
            seen.Add(events.Current);
        }

        var serving = cluster.Cluster.Silos.Single(s => s.ServiceProvider.GetRequiredService<OpenSubscriptions>().Count == 1);
        await cluster.Cluster.StopSiloAsync(serving);
        await WriteSequentiallyRetrying(cluster.Client, kind, 20, kind + "-after", guard.Token);
        await WriteEnd(cluster.Client, kind);
        while (seen[^1].AggregateId != EndOf(kind))
        {
            Assert.True(await events.MoveNextAsync());
            seen.Add(events.Current);
        }

        Assert.Equal(cluster.RowsOfKinds(kind).Keys(), seen.Keys());
        Assert.NotEmpty(resumes);
    }
}

[CollectionDefinition(Name)]
public sealed class SubscriptionRestartCollection : ICollectionFixture<SubscriptionRestartCluster>
{
    public const string Name = "subscription-restart";
}

[CollectionDefinition(Name)]
public sealed class PostgresSubscriptionRestartCollection : ICollectionFixture<PostgresSubscriptionRestartCluster>
{
    public const string Name = "subscription-restart-postgres";
}

[Collection(SubscriptionRestartCollection.Name)]
public sealed class SiloRestartSubscriptionTests_Sqlite(SubscriptionRestartCluster cluster) : SiloRestartSubscriptionTests(cluster);

[Collection(PostgresSubscriptionRestartCollection.Name)]
public sealed class SiloRestartSubscriptionTests_Postgres(PostgresSubscriptionRestartCluster cluster) : SiloRestartSubscriptionTests(cluster);
