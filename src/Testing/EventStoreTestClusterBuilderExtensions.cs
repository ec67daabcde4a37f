using EventStore.Hosting;
using Orleans.TestingHost;

namespace EventStore.Testing;

/// <summary>The event store in an Orleans <see cref="TestCluster"/>.</summary>
public static class EventStoreTestClusterBuilderExtensions
{
    /// <summary>The test cluster property that carries the journal's path to the silos (<c>EventStore:Journal:DatabasePath</c>).</summary>
    public const string DatabasePathProperty = EventStoreSiloBuilderExtensions.JournalSection + ":DatabasePath";

    /// <summary>
    /// Puts the event store on every silo of the cluster (<see cref="EventStoreTestSiloConfigurator"/>), on the journal file of
    /// <paramref name="journal"/>. One SQLite journal serves one silo: build the cluster with <c>new TestClusterBuilder(1)</c>.
    /// Other <c>EventStore:*</c> settings can go in <see cref="TestClusterBuilder.Properties"/> the same way.
    /// </summary>
    public static TestClusterBuilder AddEventStore(this TestClusterBuilder builder, EventStoreTestJournal journal)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(journal);
        builder.Properties[DatabasePathProperty] = journal.DatabasePath;
        return builder.AddSiloBuilderConfigurator<EventStoreTestSiloConfigurator>();
    }
}

/// <summary>
/// A <see cref="TestCluster"/> silo configurator: <see cref="EventStoreTestingSiloBuilderExtensions.AddEventStoreForTests(ISiloBuilder, string, Action{EventStoreSetup})"/>
/// on the journal file named by the cluster property <see cref="EventStoreTestClusterBuilderExtensions.DatabasePathProperty"/>
/// (set by <see cref="EventStoreTestClusterBuilderExtensions.AddEventStore"/>).
/// </summary>
public sealed class EventStoreTestSiloConfigurator : ISiloConfigurator
{
    /// <inheritdoc />
    public void Configure(ISiloBuilder siloBuilder)
    {
        ArgumentNullException.ThrowIfNull(siloBuilder);
        var path = siloBuilder.Configuration[EventStoreTestClusterBuilderExtensions.DatabasePathProperty];
        if (string.IsNullOrWhiteSpace(path))
            throw new InvalidOperationException(
                $"The test cluster has no {EventStoreTestClusterBuilderExtensions.DatabasePathProperty} property: call TestClusterBuilder.AddEventStore(journal).");
        siloBuilder.AddEventStoreForTests(path);
    }
}
