namespace EventStore.Projections;

/// <summary>
/// Base of the grains that answer a projection's queries, from the tables of the projection's active generation,
/// never through the single projector activation: mark the derived grain <c>[StatelessWorker]</c> and every silo
/// answers them. The projection's operations (<see cref="IProjection"/>: status, catch-up, rebuild) go to its
/// projector, found by the projection's <see cref="Projection.Name"/>; the first query of an activation wakes the
/// projector, so that a projection nobody has asked about yet starts folding. Read with <see cref="Find{T}"/>,
/// <see cref="List{T}"/> and <see cref="ListAll{T}"/>.
/// </summary>
/// <typeparam name="TProjection">The projection whose tables it reads.</typeparam>
public abstract class ProjectionQueryGrain<TProjection> : Grain, IProjection
    where TProjection : Projection, new()
{
    private readonly ProjectionReader _reader;
    private bool _projectorStarted;

    /// <summary>Creates the grain over the reader of read models (registered by <c>AddEventStoreProjections</c>: take it in the derived grain's constructor).</summary>
    protected ProjectionQueryGrain(ProjectionReader reader) => _reader = reader;

    /// <summary>The projection.</summary>
    protected static TProjection Definition { get; } = new();

    private IProjector Projector => GrainFactory.GetGrain<IProjector>(Definition.Name);

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
