using Orleans.Concurrency;
namespace EventStore.Projections;

/// <summary>Answers MemoryIndex queries from its tables, on every silo.</summary>
[StatelessWorker]
[GrainType("projection-memory-index")]
internal sealed class MemoryIndexQueries(ProjectionReader reader)
    : ProjectionQueryGrain<MemoryIndexProjection>(reader), IMemoryIndexProjection
{
    private static RecordTable<MemoryRecord> Memories => MemoryIndexProjection.Memories;

    /// <inheritdoc />
    public Task<MemoryRecord?> GetMemory(string @namespace, string memoryId) => Find(Memories, MemoryIndexProjection.KeyOf(@namespace, memoryId));

    /// <inheritdoc />
    public Task<RecordPage<MemoryRecord>> GetActive(string? after, int limit) => List(Memories, RecordQuery.All.Where("active", 1L).Page(after, limit));

    /// <inheritdoc />
    public Task<RecordPage<MemoryRecord>> GetByNamespace(string @namespace, string? after, int limit) =>
        List(Memories, RecordQuery.All.Where("namespace", @namespace).Page(after, limit));

    /// <inheritdoc />
    public async Task<IReadOnlyList<MemoryRecord>> GetMostAccessed(int limit) =>
        (await List(Memories, RecordQuery.All.Ordered("access_count", descending: true).Page(null, limit))).Items;

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, long>> GetTotalSizeByNamespace() =>
        (await ListAll(MemoryIndexProjection.Sizes, RecordQuery.All)).ToDictionary(s => s.Namespace, s => s.ActiveBytes, StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task<MemoryRemovals> GetRemovals()
    {
        var deleted = await List(Memories, RecordQuery.All.Where("deleted", 1L).Page(null, PageLimits.Max));
        var expired = await List(Memories, RecordQuery.All.Where("expired", 1L).Page(null, PageLimits.Max));
        return new MemoryRemovals(deleted.Items, expired.Items);
    }
}
