using EventStore.Hosting;
using EventStore.Journal;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Subscriptions;

/// <summary>
/// A cluster whose subscriptions read pages of <see cref="PageSize"/> events only, so that every test crosses many
/// page boundaries and many hand-overs from catch-up to live.
/// </summary>
public class SubscriptionCluster : JournalCluster
{
    /// <summary>Events a subscription reads at a time.</summary>
    public const int PageSize = 7;

    /// <inheritdoc />
    protected override void ConfigureSilo(ISiloBuilder silo) => silo.AddEventSubscriptions(o => o.PageSize = PageSize);
}

/// <summary>A <see cref="SubscriptionCluster"/> on PostgreSQL.</summary>
public sealed class PostgresSubscriptionCluster : SubscriptionCluster
{
    /// <inheritdoc />
    public override JournalProvider Provider => JournalProvider.Postgres;
}

/// <summary>The SQLite subscription cluster shared by the live subscription tests.</summary>
[CollectionDefinition(Name)]
public sealed class SubscriptionCollection : ICollectionFixture<SubscriptionCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "subscriptions";
}

/// <summary>The PostgreSQL subscription cluster shared by the live subscription tests.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresSubscriptionCollection : ICollectionFixture<PostgresSubscriptionCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "subscriptions-postgres";
}
