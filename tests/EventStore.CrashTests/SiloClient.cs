using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace EventStore.CrashTests;

/// <summary>An Orleans client connected to a silo process, as src/ClientDemo connects (localhost clustering on the gateway port).</summary>
internal sealed class SiloClient : IAsyncDisposable
{
    /// <summary>The silo's service and cluster ids (src/Silo/appsettings.json).</summary>
    public const string ServiceId = "agent-event-store", ClusterId = "dev";

    private readonly IHost _host;

    private SiloClient(IHost host) => (_host, Client) = (host, host.Services.GetRequiredService<IClusterClient>());

    /// <summary>The connected client.</summary>
    public IClusterClient Client { get; }

    /// <summary>Connects, retrying while the silo starts, for at most <paramref name="timeout"/>.</summary>
    public static async Task<SiloClient> ConnectAsync(int gatewayPort, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client => client
            .UseLocalhostClustering(gatewayPort, ServiceId, ClusterId)
            // A bound on every call, so that nothing waits forever on a dead silo; generous, since no call should get near it.
            .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(30))
            .UseConnectionRetryFilter(new RetryUntil(deadline)));
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
