using EventStore.Diagnostics;
using EventStore.Journal;
using EventStore.Journal.Postgres;
using EventStore.Journal.Sqlite;
using EventStore.LogConsistency;
using EventStore.Reminders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using System.Diagnostics.Metrics;
using Orleans.Configuration;
using Orleans.EventSourcing;
using Orleans.Runtime;
using Orleans.Serialization;
using EventStore.Store;

namespace EventStore.Hosting;

/// <summary>Registers the event journal on a silo, on SQLite or PostgreSQL.</summary>
public static class EventJournalSiloBuilderExtensions
{
    /// <summary>
    /// The same as <see cref="AddEventJournal"/>: the journal's database is chosen by <see cref="JournalOptions.Provider"/>
    /// (SQLite by default), whatever this method's name says.
    /// </summary>
    public static ISiloBuilder AddSqliteEventJournal(this ISiloBuilder builder, Action<JournalOptions>? configure = null) =>
        builder.AddEventJournal(configure);

    /// <summary>
    /// Adds the event journal on the database chosen by <see cref="JournalOptions.Provider"/> (SQLite at
    /// <see cref="JournalOptions.DatabasePath"/>, or PostgreSQL at <see cref="JournalOptions.ConnectionString"/>), its log-consistency provider
    /// (<see cref="JournalLogConsistencyProvider.ProviderName"/>) and the <see cref="IEventStore"/> service. The schema is created and the
    /// group-commit writer started when the silo starts; queued appends are committed when it stops.
    /// When the silo is ready it logs one line naming the journal, its durability and the silo's endpoints.
    /// It also serves live subscriptions (<see cref="SubscriptionSiloBuilderExtensions.AddEventSubscriptions"/>).
    /// </summary>
    public static ISiloBuilder AddEventJournal(this ISiloBuilder builder, Action<JournalOptions>? configure = null)
    {
        var options = builder.Services.AddOptions<JournalOptions>();
        if (configure is not null) options.Configure(configure);

        builder.Services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<JournalOptions>>().Value);
        builder.Services.TryAddSingleton(sp => new EventPayloadSerializer(new EventTypeRegistry(sp.GetRequiredService<JournalOptions>().EventAssemblies)));
        builder.Services.TryAddSingleton(sp => CreateBackend(sp.GetRequiredService<JournalOptions>(), sp.GetRequiredService<EventPayloadSerializer>()));
        builder.Services.TryAddSingleton(sp => sp.GetRequiredService<IJournalBackend>().Reader);
        builder.Services.TryAddSingleton(sp => new EventJournal(sp.GetRequiredService<JournalOptions>(), sp.GetRequiredService<EventPayloadSerializer>(),
            sp.GetRequiredService<IJournalBackend>(), sp.GetRequiredService<ILogger<EventJournal>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<EventStoreMetrics>()));
        builder.Services.TryAddSingleton(sp => new CommandJournal(sp.GetRequiredService<EventJournal>(), sp.GetRequiredService<JournalOptions>().MaxIdLength,
            sp.GetRequiredService<EventPayloadSerializer>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<EventStoreMetrics>()));
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, JournalLifecycle>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>, SiloReadyLog>());
        builder.Services.AddKeyedSingleton<ILogViewAdaptorFactory>(JournalLogConsistencyProvider.ProviderName,
            (sp, _) => new JournalLogConsistencyProvider(sp.GetRequiredService<EventJournal>(), sp.GetRequiredService<IJournalReader>(),
                sp.GetRequiredService<JournalOptions>().SnapshotInterval, sp.GetRequiredService<Serializer>()));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IEventStore, JournalEventStore>();
        builder.Services.TryAddSingleton<Factory<IGrainContext, ILogConsistencyProtocolServices>>(sp =>
        {
            var create = ActivatorUtilities.CreateFactory(typeof(JournalProtocolServices), [typeof(IGrainContext)]);
            return context => (ILogConsistencyProtocolServices)create(sp, [context]);
        });

        // The event store's meter (EventStoreDiagnostics.Name), one per silo through its meter factory.
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton(sp => new EventStoreMetrics(sp.GetRequiredService<IMeterFactory>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.TryAddSingleton(sp => sp.GetRequiredService<EventStoreMetrics>().ProjectionLags);

        // Durable reminders (memory time to live) in the journal's database.
        builder.AddReminders();
        builder.Services.AddOptions<MemoryExpiryOptions>();
        builder.Services.TryAddSingleton<IReminderTable>(sp => new JournalReminderTable(
            sp.GetRequiredService<IJournalBackend>().CreateReminderDatabase(), sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId));
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, MemoryExpiryValidation>();

        // Live subscriptions (issue 12): every silo with the journal serves them.
        builder.AddEventSubscriptions();
        return builder;
    }

    private static IJournalBackend CreateBackend(JournalOptions options, EventPayloadSerializer serializer)
    {
        options.Validate();
        return options.Provider == JournalProvider.Postgres
            ? new PostgresJournalBackend(options, serializer)
            : new SqliteJournalBackend(options, serializer);
    }

    /// <summary>Checks the time-to-live settings against Orleans' reminder options when the silo starts.</summary>
    private sealed class MemoryExpiryValidation(IOptions<MemoryExpiryOptions> expiry, IOptions<ReminderOptions> reminders) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(nameof(MemoryExpiryValidation), ServiceLifecycleStage.RuntimeInitialize, _ =>
            {
                expiry.Value.Validate(reminders.Value);
                return Task.CompletedTask;
            });
    }

    /// <summary>Starts the journal before grains run and stops it after they are gone.</summary>
    private sealed class JournalLifecycle(EventJournal journal, JournalOptions options, IOptions<SiloMessagingOptions> messaging) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(nameof(EventJournal), ServiceLifecycleStage.RuntimeInitialize,
                _ =>
                {
                    options.ValidateAgainstResponseTimeout(messaging.Value.ResponseTimeout);
                    journal.Start();
                    return Task.CompletedTask;
                },
                _ => { journal.Dispose(); return Task.CompletedTask; });
    }
}
