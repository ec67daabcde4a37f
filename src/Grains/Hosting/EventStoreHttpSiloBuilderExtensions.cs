using EventStore.Health;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using Orleans.Runtime;

namespace EventStore.Hosting;

/// <summary>Adds the silo's small HTTP host: health endpoints and the Orleans dashboard.</summary>
public static class EventStoreHttpSiloBuilderExtensions
{
    /// <summary>
    /// Reads <see cref="EventStoreHttpOptions"/> from <paramref name="section"/> (normally <c>EventStore:Http</c>) and applies
    /// them with <see cref="AddEventStoreHttp(ISiloBuilder, EventStoreHttpOptions)"/>; throws <see cref="ArgumentException"/> naming a wrong setting.
    /// </summary>
    public static ISiloBuilder AddEventStoreHttp(this ISiloBuilder builder, IConfiguration section) =>
        builder.AddEventStoreHttp(section.Get<EventStoreHttpOptions>() ?? new EventStoreHttpOptions());

    /// <summary>
    /// When <see cref="EventStoreHttpOptions.Enabled"/>: once the silo is Active, serves on 127.0.0.1 (every interface with
    /// <see cref="EventStoreHttpOptions.ListenOnAnyAddress"/>) at <see cref="EventStoreHttpOptions.Port"/>
    /// <c>/health/live</c> (the silo is Active), <c>/health/ready</c> (also: the journal answers and can take appends,
    /// every projection within its lag bound) as JSON with 200 or 503, and the Orleans dashboard at <c>/dashboard/</c>
    /// unless <see cref="EventStoreHttpOptions.Dashboard"/> is false. Nothing when disabled. Call after the journal and the projections.
    /// </summary>
    public static ISiloBuilder AddEventStoreHttp(this ISiloBuilder builder, EventStoreHttpOptions options)
    {
        options.Validate();
        if (!options.Enabled) return builder;
        var dashboardTypes = new List<Type>();
        if (options.Dashboard)
        {
            var before = builder.Services.Count;
            builder.AddDashboard();
            // The dashboard's endpoints resolve its own services: the HTTP host takes them, as the silo made them, from the silo.
            dashboardTypes.AddRange(builder.Services.Skip(before)
                .Where(s => s.Lifetime == ServiceLifetime.Singleton && !s.ServiceType.IsGenericTypeDefinition
                    && s.ServiceType.Assembly == typeof(DashboardOptions).Assembly)
                .Select(s => s.ServiceType).Distinct());
            dashboardTypes.Add(typeof(IOptions<DashboardOptions>));
        }

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<SiloActiveCheck>();
        builder.Services.AddSingleton<JournalWritableCheck>();
        builder.Services.AddSingleton<ProjectionLagCheck>();
        builder.Services.AddSingleton(sp => new EventStoreHttpHost(options, sp, dashboardTypes, sp.GetRequiredService<ILogger<EventStoreHttpHost>>()));
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<EventStoreHttpHost>());
        return builder;
    }
}
