using EventStore.Events;
using EventStore.Journal;
using EventStore.Subscriptions;
using EventStore.Tests.Infrastructure;
using EventStore.Tests.Store;
using Orleans.Configuration;
using static EventStore.Tests.Subscriptions.SubscriptionTestKit;

namespace EventStore.Tests.Subscriptions;

/// <summary>A cluster with a short response timeout (6 s), so that the silo drops an enumerator nobody reads within seconds.</summary>
public class ShortTimeoutSubscriptionCluster : SubscriptionCluster
{
    /// <inheritdoc />
    protected override void ConfigureJournal(JournalOptions options) => (options.AppendTimeout, options.BusyTimeout) = (TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(1.5));

    /// <inheritdoc />
    protected override void ConfigureSilo(ISiloBuilder silo)
    {
        base.ConfigureSilo(silo);
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(6));
    }
}

/// <summary>A <see cref="ShortTimeoutSubscriptionCluster"/> on PostgreSQL.</summary>
public sealed class PostgresShortTimeoutSubscriptionCluster : ShortTimeoutSubscriptionCluster
{
    /// <inheritdoc />
    public override JournalProvider Provider => JournalProvider.Postgres;
}

/// <summary>
/// A subscriber that stops reading: the silo drops its enumerator after the response timeout (it holds nothing for
/// it any more), and <see cref="EventSubscriptionExtensions.SubscribeToEvents"/> resumes from the last position it
/// delivered when the subscriber reads again.
/// </summary>
public abstract class AbandonedSubscriptionTests(ShortTimeoutSubscriptionCluster cluster)
{
    [Fact]
    public async Task A_subscriber_that_stops_reading_is_dropped_by_the_silo_and_resumes_without_gap_or_duplicate_when_it_reads_again()
    {
        using var guard = new CancellationTokenSource(Guard);
        var kind = StoreTestKit.Kind("sub");
        await WriteSequentially(cluster.Client, kind, 10);
        var resumes = new List<Exception>();
        var request = SubscriptionRequest.FromStart() with { AggregateTypes = [kind] };
        await using var events = cluster.Client.SubscribeToEvents(request, guard.Token, onResume: (e, _) => resumes.Add(e)).GetAsyncEnumerator(guard.Token);
        var seen = new List<EventEnvelope>();
        while (seen.Count < 10)
        {
            Assert.True(await events.MoveNextAsync());
            seen.Add(events.Current);
        }

        while (cluster.OpenSubscriptionsCount() > 0) await Task.Delay(100, guard.Token); // the subscriber reads nothing meanwhile
        await WriteSequentially(cluster.Client, kind, 5, aggregateId: kind + "-later");
        await WriteEnd(cluster.Client, kind);
        while (seen[^1].AggregateId != EndOf(kind))
        {
            Assert.True(await events.MoveNextAsync());
            seen.Add(events.Current);
        }

        Assert.Equal(cluster.RowsOfKinds(kind).Keys(), seen.Keys());
        Assert.IsType<EnumerationAbortedException>(Assert.Single(resumes));
    }
}

public sealed class AbandonedSubscriptionTests_Sqlite(ShortTimeoutSubscriptionCluster cluster)
    : AbandonedSubscriptionTests(cluster), IClassFixture<ShortTimeoutSubscriptionCluster>;

public sealed class AbandonedSubscriptionTests_Postgres(PostgresShortTimeoutSubscriptionCluster cluster)
    : AbandonedSubscriptionTests(cluster), IClassFixture<PostgresShortTimeoutSubscriptionCluster>;
