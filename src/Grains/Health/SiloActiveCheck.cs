using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace EventStore.Health;

/// <summary>Liveness: the silo's own status in its cluster is Active (not joining, not shutting down, not declared dead).</summary>
internal sealed class SiloActiveCheck(ISiloStatusOracle silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(silo.CurrentStatus == SiloStatus.Active
            ? HealthCheckResult.Healthy($"silo {silo.SiloAddress} is Active")
            : HealthCheckResult.Unhealthy($"silo {silo.SiloAddress} is {silo.CurrentStatus}, not Active"));
}
