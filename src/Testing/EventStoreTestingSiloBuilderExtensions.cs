using EventStore.Hosting;
using EventStore.Journal;

namespace EventStore.Testing;

/// <summary>The event store on a test silo, on a temporary journal.</summary>
public static class EventStoreTestingSiloBuilderExtensions
{
    /// <summary>
    /// <see cref="EventStoreSiloBuilderExtensions.AddEventStore(ISiloBuilder, Microsoft.Extensions.Configuration.IConfiguration, Action{EventStoreSetup})"/>
    /// with the silo's configuration and test settings: the journal on SQLite at <paramref name="databasePath"/>, with
    /// <see cref="JournalDurability.Normal"/> (no fsync per commit: a test does not outlive a power cut). <paramref name="configure"/>
    /// runs after them, so it can change any of them. One SQLite journal serves one silo: start the test cluster with one silo.
    /// </summary>
    public static ISiloBuilder AddEventStoreForTests(this ISiloBuilder silo, string databasePath, Action<EventStoreSetup>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        return silo.AddEventStore(silo.Configuration, store =>
        {
            store.Journal(journal =>
            {
                journal.Provider = JournalProvider.Sqlite;
                journal.DatabasePath = databasePath;
                journal.Durability = JournalDurability.Normal;
            });
            configure?.Invoke(store);
        });
    }

    /// <summary>As <see cref="AddEventStoreForTests(ISiloBuilder, string, Action{EventStoreSetup})"/>, on the journal file of <paramref name="journal"/>.</summary>
    public static ISiloBuilder AddEventStoreForTests(this ISiloBuilder silo, EventStoreTestJournal journal, Action<EventStoreSetup>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(journal);
        return silo.AddEventStoreForTests(journal.DatabasePath, configure);
    }
}
