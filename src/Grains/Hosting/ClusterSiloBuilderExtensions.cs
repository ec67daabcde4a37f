using System.Net;
using EventStore.Journal.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime;

namespace EventStore.Hosting;

/// <summary>Puts a silo into its cluster: localhost clustering, or a membership table in PostgreSQL.</summary>
public static class ClusterSiloBuilderExtensions
{
    /// <summary>The ADO.NET invariant of Npgsql, as Orleans' ADO.NET providers name it.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    /// <summary>
    /// Reads <see cref="EventStoreClusterOptions"/> from <paramref name="configuration"/> (section <c>EventStore:Cluster</c>,
    /// see <see cref="EventStoreClusterOptions.Read"/>; throws <see cref="ArgumentException"/> naming a wrong setting) and
    /// applies them with <see cref="AddEventStoreClustering(ISiloBuilder, EventStoreClusterOptions)"/>.
    /// </summary>
    public static ISiloBuilder AddEventStoreClustering(this ISiloBuilder builder, IConfiguration configuration) =>
        builder.AddEventStoreClustering(EventStoreClusterOptions.Read(configuration));

    /// <summary>
    /// <see cref="ClusterProvider.Localhost"/>: Orleans' localhost clustering on the given ports, as one silo on one
    /// machine. <see cref="ClusterProvider.Postgres"/>: Orleans' ADO.NET clustering on the PostgreSQL database of
    /// <see cref="EventStoreClusterOptions.ConnectionString"/>, whose tables and queries this silo installs when it
    /// starts (before the membership table is read; idempotent, and safe when several silos start at once), listening
    /// on loopback (or every interface with <see cref="EventStoreClusterOptions.ListenOnAnyAddress"/>) and publishing
    /// <see cref="EventStoreClusterOptions.AdvertisedAddress"/>.
    /// </summary>
    public static ISiloBuilder AddEventStoreClustering(this ISiloBuilder builder, EventStoreClusterOptions options)
    {
        options.Validate();
        if (options.Provider == ClusterProvider.Localhost)
            return builder.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);

        var connectionString = options.ConnectionString!;
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{EventStoreClusterOptions.SectionName}:ConnectionString is not a valid Npgsql connection string: {e.Message}", e);
        }

        var listenOn = options.ListenOnAnyAddress ? IPAddress.Any : IPAddress.Loopback;
        builder.Configure<ClusterOptions>(cluster =>
        {
            cluster.ServiceId = options.ServiceId;
            cluster.ClusterId = options.ClusterId;
        });
        builder.Configure<EndpointOptions>(endpoints =>
        {
            endpoints.AdvertisedIPAddress = IPAddress.Parse(options.AdvertisedAddress);
            endpoints.SiloPort = options.SiloPort;
            endpoints.GatewayPort = options.GatewayPort;
            endpoints.SiloListeningEndpoint = new IPEndPoint(listenOn, options.SiloPort);
            endpoints.GatewayListeningEndpoint = new IPEndPoint(listenOn, options.GatewayPort);
        });
        builder.UseAdoNetClustering(adoNet =>
        {
            adoNet.Invariant = NpgsqlInvariant;
            adoNet.ConnectionString = connectionString;
        });
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp =>
            new ClusterSchemaInstaller(connectionString, sp.GetRequiredService<ILogger<ClusterSchemaInstaller>>()));
        return builder;
    }

    /// <summary>
    /// Installs the clustering schema at <see cref="ServiceLifecycleStage.RuntimeInitialize"/>, well before the
    /// membership table reads its queries (<see cref="ServiceLifecycleStage.RuntimeGrainServices"/>).
    /// </summary>
    private sealed class ClusterSchemaInstaller(string connectionString, ILogger<ClusterSchemaInstaller> logger) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(nameof(ClusterSchemaInstaller), ServiceLifecycleStage.RuntimeInitialize, async cancellation =>
            {
                var database = new NpgsqlConnectionStringBuilder(connectionString);
                try
                {
                    if (await PostgresClusterSchema.InstallAsync(connectionString, cancellation))
                        logger.LogInformation("Installed the cluster membership schema (version {Version}) in PostgreSQL {Host}:{Port}/{Database}",
                            PostgresClusterSql.SchemaVersion, database.Host, database.Port, database.Database);
                }
                catch (NpgsqlException e)
                {
                    throw new InvalidOperationException(
                        $"Could not install the cluster membership schema in PostgreSQL {database.Host}:{database.Port}/{database.Database}: {e.Message}", e);
                }
            });
    }
}
