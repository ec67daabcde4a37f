namespace EventStore.Projections;

/// <summary>Client-side access to <see cref="IProjectionAdminGrain"/>.</summary>
public static class ProjectionAdminGrainExtensions
{
    /// <summary>The projections' admin grain.</summary>
    public static IProjectionAdminGrain GetProjectionAdmin(this IGrainFactory grains)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return grains.GetGrain<IProjectionAdminGrain>(0);
    }
}
