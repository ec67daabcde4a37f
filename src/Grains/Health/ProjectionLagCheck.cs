using EventStore.Projections;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EventStore.Health;

/// <summary>
/// Readiness of the read models: every registered projection answers its status within the check's timeout, is not
/// stuck on a row it cannot apply, and is within <see cref="EventStoreHttpOptions.MaxProjectionLagEvents"/> events and
/// <see cref="EventStoreHttpOptions.MaxProjectionLag"/> of the journal's head.
/// </summary>
internal sealed class ProjectionLagCheck(IGrainFactory grains, ProjectionCatalog projections, EventStoreHttpOptions options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var statuses = await Task.WhenAll(projections.All.Select(p => StatusOf(p.Name, cancellationToken)));
        var problems = statuses.Where(s => s.Problem is not null).Select(s => s.Problem!).ToList();
        var data = statuses.ToDictionary(s => s.Name, s => (object)(s.Status is { } status
            ? new { status.Checkpoint, status.HeadPosition, status.LagEvents, status.LagMilliseconds }
            : new { Checkpoint = 0L, HeadPosition = 0L, LagEvents = -1L, LagMilliseconds = -1L }));
        return problems.Count == 0
            ? HealthCheckResult.Healthy($"{statuses.Length} projections within {options.MaxProjectionLagEvents} events and {options.MaxProjectionLag.TotalMilliseconds:0} ms of the head", data)
            : HealthCheckResult.Unhealthy(string.Join("; ", problems), data: data);
    }

    private async Task<(string Name, ProjectionStatus? Status, string? Problem)> StatusOf(string name, CancellationToken cancellationToken)
    {
        ProjectionStatus status;
        try
        {
            status = await grains.GetGrain<IProjector>(name).GetStatus().WaitAsync(options.CheckTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            return (name, null, $"projection {name} did not answer its status within {options.CheckTimeout.TotalMilliseconds:0} ms");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (name, null, $"projection {name} could not report its status: {e.Message}");
        }

        if (status.Problem is not null) return (name, status, $"projection {name} is stuck: {status.Problem}");
        if (status.LagEvents > options.MaxProjectionLagEvents)
            return (name, status, $"projection {name} is {status.LagEvents} events behind the head (at most {options.MaxProjectionLagEvents})");
        if (status.LagMilliseconds > options.MaxProjectionLag.TotalMilliseconds)
            return (name, status, $"projection {name} is {status.LagMilliseconds} ms behind the head (at most {options.MaxProjectionLag.TotalMilliseconds:0} ms)");
        return (name, status, null);
    }
}
