using EventStore.Journal;
using EventStore.Projections;
using EventStore.Reminders;
using EventStore.Subscriptions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EventStore.Hosting;

/// <summary>Sets up the whole event store on a silo in one call.</summary>
public static class EventStoreSiloBuilderExtensions
{
    /// <summary>The configuration section of <see cref="JournalOptions"/>.</summary>
    public const string JournalSection = "EventStore:Journal";

    /// <summary>The configuration section of <see cref="ProjectionOptions"/>.</summary>
    public const string ProjectionsSection = "EventStore:Projections";

    /// <summary>The configuration section of <see cref="SubscriptionOptions"/>.</summary>
    public const string SubscriptionsSection = "EventStore:Subscriptions";

    /// <summary>The configuration section of <see cref="MemoryExpiryOptions"/> (durable reminders).</summary>
    public const string RemindersSection = MemoryExpiryOptions.SectionName;

    /// <summary>
    /// Adds the event journal (<see cref="EventJournalSiloBuilderExtensions.AddEventJournal"/>, with its live subscriptions and
    /// durable reminders) and the projections (<see cref="ProjectionSiloBuilderExtensions.AddEventStoreProjections"/>), with
    /// settings read from <paramref name="configuration"/>: the sections <c>EventStore:Journal</c>, <c>EventStore:Projections</c>,
    /// <c>EventStore:Subscriptions</c> and <c>EventStore:Reminders</c> (a missing section keeps the defaults). Clustering and TLS
    /// are not set here: add <c>AddEventStoreClustering</c> and <c>UseEventStoreTls</c> (or your own) beside it.
    /// </summary>
    public static ISiloBuilder AddEventStore(this ISiloBuilder builder, IConfiguration configuration) =>
        builder.AddEventStore(configuration, _ => { });

    /// <summary>
    /// As <see cref="AddEventStore(ISiloBuilder, IConfiguration)"/>, with settings given in code only (defaults otherwise).
    /// </summary>
    public static ISiloBuilder AddEventStore(this ISiloBuilder builder, Action<EventStoreSetup> configure) =>
        builder.AddEventStore(new ConfigurationBuilder().Build(), configure);

    /// <summary>
    /// As <see cref="AddEventStore(ISiloBuilder, IConfiguration)"/>; <paramref name="configure"/>'s settings are applied after the
    /// configuration's, so code wins over configuration.
    /// </summary>
    public static ISiloBuilder AddEventStore(this ISiloBuilder builder, IConfiguration configuration, Action<EventStoreSetup> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(configure);
        var setup = new EventStoreSetup();
        configure(setup);

        var projections = configuration.GetSection(ProjectionsSection);
        builder.Services.Configure<JournalOptions>(configuration.GetSection(JournalSection));
        builder.Services.Configure<MemoryExpiryOptions>(configuration.GetSection(RemindersSection));
        builder.Services.Configure<MemoryExpiryOptions>(setup.Configure);
        builder.Services.Configure<SubscriptionOptions>(configuration.GetSection(SubscriptionsSection));
        builder.Services.Configure<SubscriptionOptions>(setup.Configure);
        return builder
            .AddEventJournal(setup.Configure)
            .AddEventStoreProjections(options =>
            {
                projections.Bind(options);
                setup.Configure(options);
            });
    }
}
