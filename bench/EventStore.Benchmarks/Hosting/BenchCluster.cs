using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EventStore.Benchmarks.Hosting;

/// <summary>
/// One silo (localhost clustering on free ports) and one client host connected to its gateway, both in
/// this process, as two separate hosts: every grain call crosses the gateway like a remote client's.
/// </summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private readonly IHost _silo;
    private readonly IHost _client;

    private BenchCluster(IHost silo, IHost client) => (_silo, _client) = (silo, client);

    /// <summary>The client connected to the silo's gateway.</summary>
    public IClusterClient Client => _client.Services.GetRequiredService<IClusterClient>();

    /// <summary>The silo's services (for diagnostics such as <see cref="JournalProbe"/>).</summary>
    public IServiceProvider SiloServices => _silo.Services;

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
        return new BenchCluster(silo, client);
    }

    /// <summary>Stops the client, then the silo (which commits whatever the journal still has queued).</summary>
    public async ValueTask DisposeAsync()
    {
        await StopQuietly(_client);
        await StopQuietly(_silo);
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
