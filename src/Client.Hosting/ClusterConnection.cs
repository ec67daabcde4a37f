using Npgsql;

namespace EventStore.Hosting;

/// <summary>
/// How the client finds gateways, from the silo's own <c>EventStore:Cluster</c> settings: the live gateways in the
/// PostgreSQL membership table (<see cref="ClusterProvider.Postgres"/>), a fixed list
/// (<see cref="EventStoreClusterOptions.Gateways"/>), or the one local silo on a gateway port. Used by the demo client and the CLI.
/// </summary>
public static class ClusterConnection
{
    /// <summary>Configures <paramref name="client"/>'s clustering; returns a description for messages (never a password).</summary>
    public static string Configure(IClientBuilder client, EventStoreClusterOptions cluster, int localGatewayPort)
    {
        var ids = $"service '{cluster.ServiceId}', cluster '{cluster.ClusterId}'";
        if (cluster.Provider == ClusterProvider.Postgres)
        {
            client.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (cluster.ServiceId, cluster.ClusterId));
            client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = ("Npgsql", cluster.ConnectionString));
            var database = new NpgsqlConnectionStringBuilder(cluster.ConnectionString);
            return $"the gateways listed in PostgreSQL {database.Host}:{database.Port}/{database.Database} ({ids})";
        }
        if (cluster.Gateways.Count > 0)
        {
            var gateways = cluster.Gateways.Select(EventStoreClusterOptions.ParseGateway).ToArray();
            client.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (cluster.ServiceId, cluster.ClusterId));
            client.UseStaticClustering(gateways);
            return $"the gateways {string.Join(", ", cluster.Gateways)} ({ids})";
        }
        client.UseLocalhostClustering(localGatewayPort, cluster.ServiceId, cluster.ClusterId);
        return $"localhost:{localGatewayPort} ({ids})";
    }
}
