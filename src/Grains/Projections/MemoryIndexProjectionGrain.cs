using EventStore.Errors;

namespace EventStore.Projections;

/// <summary>The MemoryIndex projection.</summary>
[ImplicitStreamSubscription(ProjectionStreams.Namespace)]
[GrainType("projection-memory-index")]
public sealed class MemoryIndexProjectionGrain(
    [PersistentState("memory-index", ProjectionStorage.Name)] IPersistentState<ProjectionState<MemoryIndexModel>> state, ProjectionSource source)
    : ProjectionGrain<MemoryIndexModel>(state, source), IMemoryIndexProjection
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> AggregateTypes { get; } = [Events.AggregateTypes.Memory];

    /// <inheritdoc />
    public Task<MemoryRecord?> GetMemory(string @namespace, string memoryId) => Task.FromResult(Model.Find(@namespace, memoryId));

    /// <inheritdoc />
    public Task<IReadOnlyList<MemoryRecord>> GetActive() => Select(m => m.IsActive);

    /// <inheritdoc />
    public Task<IReadOnlyList<MemoryRecord>> GetByNamespace(string @namespace) => Select(m => m.Namespace == @namespace);

    /// <inheritdoc />
    public Task<IReadOnlyList<MemoryRecord>> GetMostAccessed(int limit)
    {
        if (limit < 0) throw new InvalidCommandException(nameof(limit), $"is {limit}; a limit is 0 or more");
        return Task.FromResult<IReadOnlyList<MemoryRecord>>(Model.Memories.Values
            .OrderByDescending(m => m.AccessCount).ThenBy(m => m.MemoryId, StringComparer.Ordinal).ThenBy(m => m.Namespace, StringComparer.Ordinal).Take(limit).ToList());
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, long>> GetTotalSizeByNamespace() =>
        Task.FromResult<IReadOnlyDictionary<string, long>>(Model.Memories.Values.Where(m => m.IsActive)
            .GroupBy(m => m.Namespace).ToDictionary(g => g.Key, g => g.Sum(m => m.Size)));

    /// <inheritdoc />
    public Task<MemoryRemovals> GetRemovals()
    {
        var ordered = Model.Memories.Values.OrderBy(m => m.MemoryId, StringComparer.Ordinal).ThenBy(m => m.Namespace, StringComparer.Ordinal).ToList();
        return Task.FromResult(new MemoryRemovals(ordered.Where(m => m.DeletedAt is not null).ToList(), ordered.Where(m => m.ExpiredAt is not null).ToList()));
    }

    private Task<IReadOnlyList<MemoryRecord>> Select(Func<MemoryRecord, bool> predicate) =>
        Task.FromResult<IReadOnlyList<MemoryRecord>>(Model.Memories.Values.Where(predicate)
            .OrderBy(m => m.MemoryId, StringComparer.Ordinal).ThenBy(m => m.Namespace, StringComparer.Ordinal).ToList());
}
