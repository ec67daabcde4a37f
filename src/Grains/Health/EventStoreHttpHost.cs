using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Orleans.Dashboard;
using Orleans.Runtime;

namespace EventStore.Health;

/// <summary>
/// The silo's small HTTP host: a Kestrel server started when the silo becomes Active and stopped first when it shuts
/// down, serving <c>/health/live</c>, <c>/health/ready</c> and (if enabled) the Orleans dashboard at <c>/dashboard/</c>.
/// It has a container of its own (routing, health checks, Kestrel) and takes from the silo's container only what it
/// serves: the checks and the dashboard's services, resolved from the running silo (<paramref name="forwarded"/>).
/// </summary>
internal sealed partial class EventStoreHttpHost(
    EventStoreHttpOptions options, IServiceProvider silo, IReadOnlyList<Type> forwarded, ILogger<EventStoreHttpHost> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>The health checks' names, as the JSON reports them.</summary>
    public const string Live = "silo", Journal = "journal", Projections = "projections";

    private WebApplication? _app;

    /// <summary>The address the host listens on once started (with the real port when <see cref="EventStoreHttpOptions.Port"/> is 0).</summary>
    public Uri? Address { get; private set; }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(EventStoreHttpHost), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(options.ListenOnAnyAddress ? IPAddress.Any : IPAddress.Loopback, options.Port));
        builder.Services.AddSingleton(silo.GetRequiredService<ILoggerFactory>());
        builder.Services.AddLogging();
        builder.Services.AddRoutingCore();
        foreach (var type in forwarded) builder.Services.AddSingleton(type, silo.GetRequiredService(type));
        builder.Services.AddHealthChecks()
            .Add(new HealthCheckRegistration(Live, _ => silo.GetRequiredService<SiloActiveCheck>(), HealthStatus.Unhealthy, ["live", "ready"]))
            .Add(new HealthCheckRegistration(Journal, _ => silo.GetRequiredService<JournalWritableCheck>(), HealthStatus.Unhealthy, ["ready"]))
            .Add(new HealthCheckRegistration(Projections, _ => silo.GetRequiredService<ProjectionLagCheck>(), HealthStatus.Unhealthy, ["ready"]));

        var app = builder.Build();
        app.UseRouting();
        app.MapHealthChecks("/health/live", Checks("live"));
        app.MapHealthChecks("/health/ready", Checks("ready"));
        if (options.Dashboard) app.MapOrleansDashboard("/dashboard");
        await app.StartAsync(cancellationToken);
        _app = app;
        Address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        LogListening(logger, Address, options.Dashboard ? $"{Address}dashboard/" : "off");
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is null) return;
        await _app.StopAsync(cancellationToken);
        await _app.DisposeAsync();
        _app = null;
    }

    private static HealthCheckOptions Checks(string tag) => new()
    {
        Predicate = check => check.Tags.Contains(tag),
        ResponseWriter = HealthReportJson.WriteAsync,
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status200OK,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Event store HTTP at {Address}: health at health/live and health/ready, dashboard {Dashboard}")]
    private static partial void LogListening(ILogger logger, Uri address, string dashboard);
}
