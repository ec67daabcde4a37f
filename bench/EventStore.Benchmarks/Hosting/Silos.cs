using EventStore.Benchmarks.Grains;
using EventStore.Hosting;
using EventStore.Journal;
using EventStore.Projections;
using Orleans.Streams;

namespace EventStore.Benchmarks.Hosting;

/// <summary>The silo configurations the workloads run on.</summary>
internal static class Silos
{
    /// <summary>
    /// The product's silo (as src/Silo configures it): the SQLite journal on <paramref name="databasePath"/>
    /// with the given durability and snapshot interval, and, unless <paramref name="projections"/> is false,
    /// the three projections with their stream and grain storage.
    /// </summary>
    public static Action<ISiloBuilder> Journal(string databasePath, JournalDurability durability, int snapshotInterval = 100, bool projections = true,
        Action<ProjectionOptions>? configureProjections = null) =>
        silo =>
        {
            silo.AddSqliteEventJournal(o =>
            {
                o.DatabasePath = databasePath;
                o.Durability = durability;
                o.SnapshotInterval = snapshotInterval;
                o.EventAssemblies.Add(typeof(BenchAppended).Assembly);
            });
            if (projections) silo.AddEventStoreProjections(configureProjections);
        };

    /// <summary>
    /// The product's silo as <see cref="Journal"/>, but with the journal stream's memory-stream pulling agent
    /// checking its queue every <paramref name="pullPeriod"/> instead of Orleans' default 100 ms: a
    /// diagnostic for W5 (the product's <c>AddEventStoreProjections</c> lets the host configure the provider).
    /// </summary>
    public static Action<ISiloBuilder> JournalWithStreamPullPeriod(string databasePath, JournalDurability durability, TimeSpan pullPeriod,
        Action<ProjectionOptions>? configure = null) =>
        silo =>
        {
            Journal(databasePath, durability, projections: false)(silo);
            var projections = new ProjectionOptions();
            silo.AddEventStoreProjections(o =>
            {
                configure?.Invoke(o);
                o.AddMemoryStreams = false;
            });
            silo.AddMemoryStreams(projections.StreamProvider, streams =>
            {
                streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
                streams.ConfigurePullingAgent(agent => agent.Configure(o => o.GetQueueMsgsTimerPeriod = pullPeriod));
            });
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
