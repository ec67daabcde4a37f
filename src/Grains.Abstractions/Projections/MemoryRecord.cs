namespace EventStore.Projections;

/// <summary>One memory entry as the MemoryIndex projection sees it.</summary>
[GenerateSerializer, Immutable]
public sealed record MemoryRecord
{
    /// <summary>The memory's id, unique within its namespace.</summary>
    [Id(0)] public required string MemoryId { get; init; }
    /// <summary>Its namespace.</summary>
    [Id(1)] public string Namespace { get; init; } = "";
    /// <summary>Its key.</summary>
    [Id(2)] public string Key { get; init; } = "";
    /// <summary>Its type.</summary>
    [Id(3)] public string MemoryType { get; init; } = "";
    /// <summary>Its size in bytes.</summary>
    [Id(4)] public long Size { get; init; }
    /// <summary>Reads since it was last stored.</summary>
    [Id(5)] public int AccessCount { get; init; }
    /// <summary>When it was last stored.</summary>
    [Id(6)] public DateTimeOffset StoredAt { get; init; }
    /// <summary>When it was last read.</summary>
    [Id(7)] public DateTimeOffset? LastAccessedAt { get; init; }
    /// <summary>When it was deleted, if it was.</summary>
    [Id(8)] public DateTimeOffset? DeletedAt { get; init; }
    /// <summary>When it expired, if it did.</summary>
    [Id(9)] public DateTimeOffset? ExpiredAt { get; init; }

    /// <summary>Neither deleted nor expired.</summary>
    public bool IsActive => DeletedAt is null && ExpiredAt is null;
}

/// <summary>Entries removed, by how (at most <see cref="PageLimits.Max"/> of each kind).</summary>
/// <param name="Deleted">Entries deleted.</param>
/// <param name="Expired">Entries expired.</param>
[GenerateSerializer, Immutable]
public sealed record MemoryRemovals(IReadOnlyList<MemoryRecord> Deleted, IReadOnlyList<MemoryRecord> Expired);

/// <summary>
/// The MemoryIndex projection: every memory entry and its access pattern. A memory id is unique only within its
/// namespace (two namespaces may use the same one, each with its own entry), so an entry is named by its namespace
/// and memory id. Queries are answered by any silo from the projection's tables (key <see cref="Key"/>); lists come
/// in pages ordered by namespace, then memory id (pass <see cref="RecordPage{T}.Next"/> as <c>after</c> for the next one).
/// </summary>
public interface IMemoryIndexProjection : IGrainWithStringKey, IProjection
{
    /// <summary>The key of the projection's grain.</summary>
    const string Key = "all";

    /// <summary>The entry with this memory id in this namespace, if known.</summary>
    Task<MemoryRecord?> GetMemory(string @namespace, string memoryId);

    /// <summary>Entries neither deleted nor expired.</summary>
    Task<RecordPage<MemoryRecord>> GetActive(string? after = null, int limit = PageLimits.Default);

    /// <summary>Every entry of a namespace.</summary>
    Task<RecordPage<MemoryRecord>> GetByNamespace(string @namespace, string? after = null, int limit = PageLimits.Default);

    /// <summary>The <paramref name="limit"/> most read entries (at most <see cref="PageLimits.Max"/>), most read first (equally read ones in descending key order).</summary>
    Task<IReadOnlyList<MemoryRecord>> GetMostAccessed(int limit);

    /// <summary>Total size of the active entries of each namespace, in bytes.</summary>
    Task<IReadOnlyDictionary<string, long>> GetTotalSizeByNamespace();

    /// <summary>Entries deleted and entries expired.</summary>
    Task<MemoryRemovals> GetRemovals();
}
