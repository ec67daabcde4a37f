using EventStore.Diagnostics;
using EventStore.Journal;
using EventStore.Projections;
using EventStore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EventStore.Tests.Diagnostics;

/// <summary>
/// A cluster for the telemetry tests: Orleans' activity propagation on silo and client (so a grain call carries the
/// caller's trace), a writer queue of <see cref="MaxQueuedEvents"/> events (so a paused writer can refuse an append),
/// and projections that only catch up when asked or told of a commit (so a lag stays until the test ends it).
/// </summary>
public class DiagnosticsCluster : JournalCluster
{
    /// <summary>The writer's queue limit in this cluster.</summary>
    public const int MaxQueuedEvents = 50;

    /// <summary>The silo's event store meter.</summary>
    internal EventStoreMetrics Metrics => Cluster.Silos[0].ServiceProvider.GetRequiredService<EventStoreMetrics>();

    /// <summary>The silo's journal.</summary>
    internal EventJournal EventJournal => Cluster.Silos[0].ServiceProvider.GetRequiredService<EventJournal>();

    /// <inheritdoc />
    protected override void ConfigureJournal(JournalOptions options) => options.MaxQueuedEvents = MaxQueuedEvents;

    /// <inheritdoc />
    protected override void ConfigureProjections(ProjectionOptions options) => options.FlushInterval = TimeSpan.FromHours(1);

    /// <inheritdoc />
    protected override void ConfigureSilo(ISiloBuilder silo) => silo.AddActivityPropagation();

    /// <inheritdoc />
    protected override void ConfigureClient(IClientBuilder client) => client.AddActivityPropagation();
}

/// <summary>A <see cref="DiagnosticsCluster"/> on PostgreSQL.</summary>
public class PostgresDiagnosticsCluster : DiagnosticsCluster
{
    /// <inheritdoc />
    public override JournalProvider Provider => JournalProvider.Postgres;
}

/// <summary>The SQLite cluster of the telemetry tests.</summary>
[CollectionDefinition(Name)]
public sealed class DiagnosticsCollection : ICollectionFixture<DiagnosticsCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "diagnostics";
}

/// <summary>The PostgreSQL cluster of the telemetry tests.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresDiagnosticsCollection : ICollectionFixture<PostgresDiagnosticsCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "diagnostics-postgres";
}
