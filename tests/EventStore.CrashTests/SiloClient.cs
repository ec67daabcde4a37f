using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace EventStore.CrashTests;

/// <summary>An Orleans client connected to silo processes, as src/ClientDemo connects (localhost clustering on the gateway port, or the gateway list in PostgreSQL).</summary>
internal sealed class SiloClient : IAsyncDisposable
{
    /// <summary>The silo's service and cluster ids (src/Silo/appsettings.json).</summary>
    public const string ServiceId = "agent-event-store", ClusterId = "dev";

    private readonly IHost _host;

    private SiloClient(IHost host) => (_host, Client) = (host, host.Services.GetRequiredService<IClusterClient>());

    /// <summary>The connected client.</summary>
    public IClusterClient Client { get; }

    /// <summary>Connects, retrying while the silo starts, for at most <paramref name="timeout"/>.</summary>
    public static Task<SiloClient> ConnectAsync(int gatewayPort, TimeSpan timeout) =>
        ConnectAsync(client => client.UseLocalhostClustering(gatewayPort, ServiceId, ClusterId), timeout);

    /// <summary>
    /// Connects to the cluster whose membership table is in <paramref name="connectionString"/>'s database, through the
    /// gateways listed there (as src/ClientDemo with <c>EventStore:Cluster:Provider=Postgres</c>), retrying for at most
    /// <paramref name="timeout"/>. <paramref name="gatewayListRefresh"/> is how often the client re-reads the list.
    /// </summary>
    public static Task<SiloClient> ConnectToClusterAsync(string connectionString, TimeSpan timeout, TimeSpan gatewayListRefresh) =>
        ConnectAsync(client => client
            .Configure<ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (ServiceId, ClusterId))
            .Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = gatewayListRefresh)
            .UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = ("Npgsql", connectionString)), timeout);

    private static async Task<SiloClient> ConnectAsync(Action<IClientBuilder> clustering, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            clustering(client);
            client
            // A bound on every call, so that nothing waits forever on a dead silo; generous, since no call should get near it.
            .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(30))
            .UseConnectionRetryFilter(new RetryUntil(deadline));
        });
        var host = builder.Build();
        try
        {
            using var cancel = new CancellationTokenSource(timeout + TimeSpan.FromSeconds(5));
            await host.StartAsync(cancel.Token);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new SiloClient(host);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _host.StopAsync(cancel.Token);
        }
        catch (Exception)
        {
            // the silo may be dead: stopping the client is best effort
        }
        _host.Dispose();
    }

    private sealed class RetryUntil(DateTime deadline) : IClientConnectionRetryFilter
    {
        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            if (DateTime.UtcNow >= deadline || cancellationToken.IsCancellationRequested) return false;
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            return true;
        }
    }
}
