using EventStore.Journal;
using EventStore.Reminders;
using EventStore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;

namespace EventStore.Tests.Reminders;

/// <summary>
/// A cluster of its own for the time-to-live tests (they restart it), with reminders that may tick every second:
/// the expiry reminder's period (its retry, and its delay after a restart) is 1 s here, 1 minute by default.
/// </summary>
public class ReminderCluster : JournalCluster
{
    /// <summary>The expiry reminder's period in these clusters.</summary>
    public static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    protected override void ConfigureSilo(ISiloBuilder silo)
    {
        silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = RetryPeriod);
        silo.Services.Configure<MemoryExpiryOptions>(options => options.RetryPeriod = RetryPeriod);
    }

    /// <summary>The reminder table of the cluster's first silo.</summary>
    public IReminderTable ReminderTable => Cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>();
}

/// <summary>A <see cref="ReminderCluster"/> on PostgreSQL.</summary>
public sealed class PostgresReminderCluster : ReminderCluster
{
    /// <inheritdoc />
    public override JournalProvider Provider => JournalProvider.Postgres;
}

[CollectionDefinition(Name)]
public sealed class ReminderCollection : ICollectionFixture<ReminderCluster>
{
    public const string Name = "reminders";
}

[CollectionDefinition(Name)]
public sealed class PostgresReminderCollection : ICollectionFixture<PostgresReminderCluster>
{
    public const string Name = "reminders-postgres";
}
