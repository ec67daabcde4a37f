using EventStore.Journal;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace EventStore.Hosting;

/// <summary>
/// Prints one line when the silo is ready (the Active stage of its lifecycle): where the journal is,
/// its durability, and the silo and gateway endpoints, so that whoever started it knows where to look.
/// </summary>
internal sealed partial class SiloReadyLog(EventJournal journal, ILocalSiloDetails silo, ILogger<SiloReadyLog> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloReadyLog), ServiceLifecycleStage.Active, _ =>
        {
            LogReady(logger, journal.Description, silo.SiloAddress.Endpoint.ToString(),
                silo.GatewayAddress?.Endpoint.ToString() ?? "none");
            return Task.CompletedTask;
        });

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Event store silo ready: journal {Journal}, silo endpoint {SiloEndpoint}, gateway endpoint {GatewayEndpoint}")]
    private static partial void LogReady(ILogger logger, string journal, string siloEndpoint, string gatewayEndpoint);
}
