using EventStore.Errors;
using Orleans.Concurrency;

namespace EventStore.Projections;

/// <summary>
/// <see cref="IProjectionAdminGrain"/> over the projections in this silo's <see cref="ProjectionCatalog"/>: each call goes to
/// the projection's projector (<see cref="IProjector"/>, keyed by its name), which wakes it if it was not active yet.
/// </summary>
[StatelessWorker]
[Reentrant]
internal sealed class ProjectionAdminGrain(ProjectionCatalog projections) : Grain, IProjectionAdminGrain
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<ProjectionStatus>> GetStatuses() =>
        await Task.WhenAll(projections.All.Select(p => Projector(p.Name).GetStatus()));

    /// <inheritdoc />
    public Task<ProjectionStatus> Rebuild(string name) => Projector(Known(name)).Rebuild();

    /// <inheritdoc />
    public Task<ProjectionStatus> CatchUp(string name) => Projector(Known(name)).CatchUp();

    private IProjector Projector(string name) => GrainFactory.GetGrain<IProjector>(name);

    private string Known(string? name) => projections.All.Any(p => string.Equals(p.Name, name, StringComparison.Ordinal))
        ? name!
        : throw new InvalidCommandException(nameof(name),
            $"no projection named '{name}' is registered on this silo; it has {Names()}");

    private string Names() => projections.All.Count == 0 ? "none" : string.Join(", ", projections.All.Select(p => p.Name));
}
