using EventStore.Journal;
using EventStore.Projections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace EventStore.Hosting;

/// <summary>Registers the projections on a silo that has the event journal.</summary>
public static class ProjectionSiloBuilderExtensions
{
    /// <summary>
    /// Adds the projections' machinery and the AgentState, TaskHistory and MemoryIndex projections: the journal's
    /// streams (memory streams, implicit subscriptions only, unless configured otherwise), the publisher that feeds
    /// them from the journal writer, the projector grains, and the store that keeps read models and their checkpoints
    /// in tables of the journal's database, with the reader that answers queries from them. Add your own projections
    /// with <see cref="AddProjection{TProjection}"/> after it. The stream settings are read when this is called, so
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
        builder.Services.TryAddSingleton(sp => new ProjectionCatalog(sp.GetServices<Projection>()));
        builder.Services.TryAddSingleton(sp => sp.GetRequiredService<IJournalBackend>().CreateReadModelStore());
        builder.Services.TryAddSingleton(sp => new ProjectionReader(sp.GetRequiredService<IReadModelStore>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.TryAddSingleton(sp => new ProjectionSource(sp.GetRequiredService<IJournalReader>(), sp.GetRequiredService<IReadModelStore>(),
            sp.GetRequiredService<IOptions<ProjectionOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        return builder
            .AddProjection<AgentStateProjection>()
            .AddProjection<TaskHistoryProjection>()
            .AddProjection<MemoryIndexProjection>();
    }

    /// <summary>
    /// Adds a projection of your own, run exactly like the built-in ones: one projector activation in the cluster
    /// folds every event of its aggregate types into its tables once, in position order, committing its records
    /// with its checkpoint; it catches up from the journal, rebuilds, and reports its lag. Answer its queries from a
    /// grain deriving from <see cref="ProjectionQueryGrain{TProjection}"/>. Register it on every silo, after
    /// <see cref="AddEventStoreProjections"/>; adding the same class twice adds it once. The silo refuses to start,
    /// naming each problem, if two projections have one name, a name is not valid, or a projection declares a table twice.
    /// </summary>
    /// <typeparam name="TProjection">The projection.</typeparam>
    public static ISiloBuilder AddProjection<TProjection>(this ISiloBuilder builder) where TProjection : Projection, new()
    {
        if (!builder.Services.Any(s => s.ServiceType == typeof(ProjectionCatalog)))
            throw new InvalidOperationException($"AddProjection<{typeof(TProjection).Name}>() needs the projections' machinery: call AddEventStoreProjections() first.");
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<Projection, TProjection>());
        return builder;
    }
}
