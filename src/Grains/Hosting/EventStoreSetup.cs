using EventStore.Journal;
using EventStore.Projections;
using EventStore.Reminders;
using EventStore.Subscriptions;

namespace EventStore.Hosting;

/// <summary>
/// Settings given in code to <see cref="EventStoreSiloBuilderExtensions.AddEventStore(ISiloBuilder, Action{EventStoreSetup})"/>,
/// applied after the configuration's (so code wins). Each callback only sets properties: it may run more than once.
/// </summary>
public sealed class EventStoreSetup
{
    private Action<JournalOptions> _journal = _ => { };
    private Action<ProjectionOptions> _projections = _ => { };
    private Action<SubscriptionOptions> _subscriptions = _ => { };
    private Action<MemoryExpiryOptions> _reminders = _ => { };

    /// <summary>Journal settings (<see cref="JournalOptions"/>): its database, durability, limits and the assemblies of your own events.</summary>
    public EventStoreSetup Journal(Action<JournalOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _journal += configure;
        return this;
    }

    /// <summary>Projection settings (<see cref="ProjectionOptions"/>).</summary>
    public EventStoreSetup Projections(Action<ProjectionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _projections += configure;
        return this;
    }

    /// <summary>Live subscription settings (<see cref="SubscriptionOptions"/>).</summary>
    public EventStoreSetup Subscriptions(Action<SubscriptionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _subscriptions += configure;
        return this;
    }

    /// <summary>Settings of memory that expires by itself, on durable reminders (<see cref="MemoryExpiryOptions"/>).</summary>
    public EventStoreSetup Reminders(Action<MemoryExpiryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _reminders += configure;
        return this;
    }

    internal void Configure(JournalOptions options) => _journal(options);

    internal void Configure(ProjectionOptions options) => _projections(options);

    internal void Configure(SubscriptionOptions options) => _subscriptions(options);

    internal void Configure(MemoryExpiryOptions options) => _reminders(options);
}
