namespace EventStore.Projections;

/// <summary>
/// Operates the projections registered on the silos (<c>AddEventStoreProjections</c>, <c>AddProjection&lt;T&gt;()</c>) without
/// knowing their query grains: their status, a rebuild, a catch-up, each by the projection's name. For admin tools (the CLI's
/// <c>projections status|rebuild</c>) and operators' scripts. A stateless worker: get it with
/// <see cref="ProjectionAdminGrainExtensions.GetProjectionAdmin"/>.
/// </summary>
public interface IProjectionAdminGrain : IGrainWithIntegerKey
{
    /// <summary>The status of every projection registered on the silo that answers, in the order they were registered.</summary>
    Task<IReadOnlyList<ProjectionStatus>> GetStatuses();

    /// <summary>
    /// Starts rebuilding the projection <paramref name="name"/> (see <see cref="IProjection.Rebuild"/>) and returns its status
    /// at once; poll <see cref="GetStatuses"/> until <see cref="ProjectionStatus.IsRebuilding"/> is false to see it switch over.
    /// An unknown name is refused with <see cref="Errors.InvalidCommandException"/> naming it and the known ones.
    /// </summary>
    Task<ProjectionStatus> Rebuild(string name);

    /// <summary>
    /// Applies everything the journal holds up to its head now to the projection <paramref name="name"/>, finishing a running
    /// rebuild (see <see cref="IProjection.CatchUp"/>), and returns its status after. An unknown name is refused like <see cref="Rebuild"/>.
    /// </summary>
    Task<ProjectionStatus> CatchUp(string name);
}
