using EventStore.Journal;
using EventStore.Projections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace EventStore.Hosting;

/// <summary>Registers the projections on a silo that has the SQLite event journal.</summary>
public static class ProjectionSiloBuilderExtensions
{
    /// <summary>
    /// Adds the AgentState, TaskHistory and MemoryIndex projections: the journal stream (memory streams,
    /// implicit subscriptions only, unless configured otherwise), the publisher that feeds it from the
    /// journal writer, and the store that keeps read models and their checkpoints in tables of the journal's
    /// database, with the reader that answers queries from them. The stream settings are read when this is called, so
    /// <paramref name="configure"/> must set them (bind configuration inside it). Call after <see cref="EventJournalSiloBuilderExtensions.AddSqliteEventJournal"/>.
    /// </summary>
    public static ISiloBuilder AddEventStoreProjections(this ISiloBuilder builder, Action<ProjectionOptions>? configure = null)
    {
        var options = new ProjectionOptions();
        configure?.Invoke(options);
        builder.Services.AddOptions<ProjectionOptions>().Configure(o => configure?.Invoke(o))
            .Validate(o => o.CommitEveryEvents > 0 && o.CatchUpPageSize > 0, "EventStore:Projections: CommitEveryEvents and CatchUpPageSize must be at least 1")
            .Validate(o => o.CommitInterval > TimeSpan.Zero && o.FlushInterval > TimeSpan.Zero, "EventStore:Projections: CommitInterval and FlushInterval must be longer than 0")
            .ValidateOnStart();
        if (options.AddMemoryStreams)
            builder.AddMemoryStreams(options.StreamProvider, streams =>
            {
                streams.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly);
                streams.ConfigurePartitioning(1); // one stream: one queue to pull
                streams.ConfigurePullingAgent(agent => agent.Configure(o => o.GetQueueMsgsTimerPeriod = options.StreamPullInterval));
            });
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, JournalStreamPublisher>();
        builder.Services.TryAddSingleton(sp => sp.GetRequiredService<IJournalBackend>().CreateReadModelStore());
        builder.Services.TryAddSingleton(sp => new ProjectionReader(sp.GetRequiredService<IReadModelStore>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.TryAddSingleton(sp => new ProjectionSource(sp.GetRequiredService<IJournalReader>(), sp.GetRequiredService<IReadModelStore>(),
            sp.GetRequiredService<IOptions<ProjectionOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        return builder;
    }
}
