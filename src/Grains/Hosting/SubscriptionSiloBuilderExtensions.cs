using EventStore.Journal;
using EventStore.Subscriptions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EventStore.Hosting;

/// <summary>Registers live subscriptions (<see cref="IEventSubscriptionGrain"/>) on a silo with the event journal.</summary>
public static class SubscriptionSiloBuilderExtensions
{
    /// <summary>
    /// Serves live subscriptions from this silo's journal. <see cref="EventJournalSiloBuilderExtensions.AddEventJournal"/> already
    /// calls it with the defaults; call it (before or after) only to change <see cref="SubscriptionOptions"/>.
    /// </summary>
    public static ISiloBuilder AddEventSubscriptions(this ISiloBuilder builder, Action<SubscriptionOptions>? configure = null)
    {
        var options = builder.Services.AddOptions<SubscriptionOptions>();
        if (configure is not null) options.Configure(configure);
        options.Validate(o => o.PollInterval > TimeSpan.Zero, "EventStore:Subscriptions:PollInterval must be longer than 0")
            .Validate(o => o.PageSize > 0, "EventStore:Subscriptions:PageSize must be at least 1")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<OpenSubscriptions>();
        builder.Services.TryAddSingleton(sp => sp.GetRequiredService<EventJournal>().Committed);
        builder.Services.TryAddSingleton(sp => new JournalTail(sp.GetRequiredService<IJournalReader>(), sp.GetRequiredService<CommitSignal>(),
            sp.GetRequiredService<IOptions<SubscriptionOptions>>().Value));
        builder.Services.TryAddSingleton(sp => new SubscriptionArguments(sp.GetRequiredService<JournalOptions>(),
            sp.GetRequiredService<EventPayloadSerializer>().Registry));
        return builder;
    }
}
