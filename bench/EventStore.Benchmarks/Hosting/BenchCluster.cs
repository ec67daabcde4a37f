using System.Net;
using System.Net.Sockets;
using EventStore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EventStore.Benchmarks.Hosting;

/// <summary>
/// One silo (localhost clustering on free ports) and one client host connected to its gateway, both in
/// this process, as two separate hosts: every grain call crosses the gateway like a remote client's.
/// Or (<see cref="StartPostgresAsync"/>) several silos in this process clustered through the product's
/// PostgreSQL membership table, and a client that knows every silo's gateway.
/// </summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private readonly IReadOnlyList<IHost> _silos;
    private readonly IHost _client;

    private BenchCluster(IReadOnlyList<IHost> silos, IHost client) => (_silos, _client) = (silos, client);

    /// <summary>The client connected to the silo's gateway (to every silo's gateway in a cluster of several).</summary>
    public IClusterClient Client => _client.Services.GetRequiredService<IClusterClient>();

    /// <summary>The (first) silo's services (for diagnostics such as <see cref="JournalProbe"/>).</summary>
    public IServiceProvider SiloServices => _silos[0].Services;

    /// <summary>Every silo's services, in start order.</summary>
    public IEnumerable<IServiceProvider> AllSiloServices => _silos.Select(s => s.Services);

    /// <summary>Starts a silo configured by <paramref name="configure"/>, then a client connected to it.</summary>
    public static async Task<BenchCluster> StartAsync(Action<ISiloBuilder> configure)
    {
        var (siloPort, gatewayPort) = (FreePort(), FreePort());
        var serviceId = $"bench-{Guid.NewGuid():N}";
        const string clusterId = "bench";

        var siloBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ConfigureLogging(siloBuilder.Logging);
        siloBuilder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, null, serviceId, clusterId);
            configure(silo);
        });
        var silo = siloBuilder.Build();
        await silo.StartAsync();

        var clientBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ConfigureLogging(clientBuilder.Logging);
        clientBuilder.UseOrleansClient(client => client.UseLocalhostClustering(gatewayPort, serviceId, clusterId));
        var client = clientBuilder.Build();
        try
        {
            await client.StartAsync();
        }
        catch
        {
            await StopQuietly(silo);
            throw;
        }
        return new BenchCluster([silo], client);
    }

    /// <summary>
    /// Starts <paramref name="silos"/> silos one after another, each configured by <paramref name="configure"/> and
    /// clustered with the product's <see cref="ClusterProvider.Postgres"/> clustering on <paramref name="connectionString"/>
    /// (free ports, one fresh service id), then a client given every silo's gateway.
    /// </summary>
    public static async Task<BenchCluster> StartPostgresAsync(int silos, string connectionString, Action<ISiloBuilder> configure)
    {
        var serviceId = $"bench-{Guid.NewGuid():N}";
        const string clusterId = "bench";
        var hosts = new List<IHost>();
        IHost? client = null;
        var gateways = new List<IPEndPoint>();
        try
        {
            for (var i = 0; i < silos; i++)
            {
                var options = new EventStoreClusterOptions
                {
                    Provider = ClusterProvider.Postgres,
                    ConnectionString = connectionString,
                    ServiceId = serviceId,
                    ClusterId = clusterId,
                    SiloPort = FreePort(),
                    GatewayPort = FreePort(),
                };
                var siloBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
                ConfigureLogging(siloBuilder.Logging);
                siloBuilder.UseOrleans(silo =>
                {
                    silo.AddEventStoreClustering(options);
                    configure(silo);
                });
                var silo = siloBuilder.Build();
                hosts.Add(silo);
                await silo.StartAsync();
                gateways.Add(new IPEndPoint(IPAddress.Loopback, options.GatewayPort));
            }

            var clientBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            ConfigureLogging(clientBuilder.Logging);
            clientBuilder.UseOrleansClient(client =>
            {
                client.UseStaticClustering(gateways.ToArray());
                client.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (serviceId, clusterId));
            });
            client = clientBuilder.Build();
            await client.StartAsync();
            return new BenchCluster(hosts, client);
        }
        catch
        {
            if (client is not null) await StopQuietly(client);
            for (var i = hosts.Count - 1; i >= 0; i--) await StopQuietly(hosts[i]);
            throw;
        }
    }

    /// <summary>Stops the client, then the silos, last started first (each commits whatever its journal still has queued).</summary>
    public async ValueTask DisposeAsync()
    {
        await StopQuietly(_client);
        for (var i = _silos.Count - 1; i >= 0; i--) await StopQuietly(_silos[i]);
    }

    private static async Task StopQuietly(IHost host)
    {
        // A baseline that is still retrying writes must not hold the whole run hostage.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await host.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("  (a host did not stop within 30 s; moving on)");
        }
        host.Dispose();
    }

    /// <summary>Warnings and errors only, on stderr, so that stdout carries nothing but results.</summary>
    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(LogLevel.Warning);
        // Several silos start and stop in one process; the watchdog then reports spurious stalls.
        logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
        // The LogStorage baseline blocks scheduler threads in ADO.NET calls (Microsoft.Data.Sqlite is
        // synchronous); Orleans warns about each long turn. That is the baseline's known cost, not news.
        logging.AddFilter("Orleans.Runtime.Scheduler.WorkItemGroup", LogLevel.Error);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
