namespace EventStore.Projections;

/// <summary>
/// Base of the grains that answer a projection's queries: stateless workers, so every silo answers them from the
/// tables of the projection's active generation, never through the single projector activation. The projection's
/// operations (<see cref="IProjection"/>) go to its projector.
/// </summary>
/// <typeparam name="TProjection">The projection whose tables it reads.</typeparam>
public abstract class ProjectionQueryGrain<TProjection> : Grain, IProjection
    where TProjection : Projection, new()
{
    private readonly ProjectionReader _reader;
    private readonly string _projectorType;
    private bool _projectorStarted;

    /// <summary>Creates the grain over the reader of read models; <paramref name="projectorGrainType"/> is the <see cref="GrainTypeAttribute"/> of the projector grain that runs the projection.</summary>
    protected ProjectionQueryGrain(ProjectionReader reader, string projectorGrainType) => (_reader, _projectorType) = (reader, projectorGrainType);

    /// <summary>The projection.</summary>
    protected static TProjection Definition { get; } = new();

    private IProjector Projector => GrainFactory.GetGrain<IProjector>(GrainId.Create(_projectorType, ProjectionStreams.Key));

    /// <inheritdoc />
    public Task<ProjectionStatus> GetStatus() => Projector.GetStatus();

    /// <inheritdoc />
    public Task<ProjectionStatus> CatchUp() => Projector.CatchUp();

    /// <inheritdoc />
    public Task<ProjectionStatus> Rebuild() => Projector.Rebuild();

    /// <summary>The record of <paramref name="table"/> under <paramref name="key"/>, if any.</summary>
    protected async Task<T?> Find<T>(RecordTable<T> table, string key) where T : class
    {
        await EnsureProjectorStarted();
        return await _reader.FindAsync(Definition, table, key);
    }

    /// <summary>A page of the records of <paramref name="table"/> that <paramref name="query"/> selects.</summary>
    protected async Task<RecordPage<T>> List<T>(RecordTable<T> table, RecordQuery query) where T : class
    {
        await EnsureProjectorStarted();
        return await _reader.ListAsync(Definition, table, query);
    }

    /// <summary>Every record of <paramref name="table"/> that <paramref name="query"/> selects (for sets bounded by nature).</summary>
    protected async Task<IReadOnlyList<T>> ListAll<T>(RecordTable<T> table, RecordQuery query) where T : class
    {
        await EnsureProjectorStarted();
        return await _reader.ListAllAsync(Definition, table, query);
    }

    /// <summary>The projector folds the journal only while it is active: the first query of this activation wakes it (and makes its first tables).</summary>
    private async Task EnsureProjectorStarted()
    {
        if (_projectorStarted) return;
        await Projector.GetStatus();
        _projectorStarted = true;
    }
}
