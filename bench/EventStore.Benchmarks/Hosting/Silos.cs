using EventStore.Benchmarks.Grains;
using EventStore.Hosting;
using EventStore.Journal;
using EventStore.Projections;

namespace EventStore.Benchmarks.Hosting;

/// <summary>The silo configurations the workloads run on.</summary>
internal static class Silos
{
    /// <summary>The product's silo on <paramref name="database"/>'s backend (see the overload below).</summary>
    public static Action<ISiloBuilder> Journal(BenchDatabase database, JournalDurability durability, int snapshotInterval = 100, bool projections = true) =>
        Journal(database.Path, durability, snapshotInterval, projections, postgres: database.ConnectionString);

    /// <summary>
    /// The product's silo (as src/Silo configures it): the SQLite journal on <paramref name="databasePath"/>
    /// with the given durability and snapshot interval (or, with <paramref name="postgres"/>, the PostgreSQL journal
    /// on that database; the projections' grain storage stays in the SQLite file), and, unless <paramref name="projections"/> is false,
    /// the three projections with their stream and grain storage.
    /// </summary>
    public static Action<ISiloBuilder> Journal(string databasePath, JournalDurability durability, int snapshotInterval = 100, bool projections = true,
        Action<ProjectionOptions>? configureProjections = null, string? postgres = null) =>
        silo =>
        {
            silo.AddEventJournal(o =>
            {
                o.DatabasePath = databasePath;
                if (postgres is not null)
                {
                    o.Provider = JournalProvider.Postgres;
                    o.ConnectionString = postgres;
                }
                o.Durability = durability;
                o.SnapshotInterval = snapshotInterval;
                o.EventAssemblies.Add(typeof(BenchAppended).Assembly);
            });
            if (projections) silo.AddEventStoreProjections(configureProjections);
        };

    /// <summary>
    /// Orleans' LogStorage log-consistency provider over Microsoft.Orleans.Persistence.AdoNet on SQLite
    /// (the product's <c>AddSqliteGrainStorage</c>, which installs the SQLite script).
    /// </summary>
    public static Action<ISiloBuilder> LogStorage(string databasePath, JournalDurability durability) =>
        silo =>
        {
            silo.AddLogStorageBasedLogConsistencyProvider(LogStorageBenchGrain.LogStorageProvider);
            silo.AddSqliteGrainStorage(LogStorageBenchGrain.StorageName, _ => databasePath);
            if (durability == JournalDurability.Normal) SynchronousNormalForGrainStorage.Add(silo, databasePath);
        };
}
