using System.Collections.Concurrent;

namespace EventStore.Projections;

/// <summary>
/// Reads projections' records for queries, on any silo, straight from the tables of their active generation,
/// through the columns' indexes: a query costs what it returns. Which generation is active is looked up once and
/// kept for <see cref="GenerationCacheTime"/>; a query that meets a table a rebuild has replaced looks it up again.
/// Registered with the projections; query grains take it through their constructor.
/// </summary>
public sealed class ProjectionReader
{
    /// <summary>How long the active generation of a projection is taken as known.</summary>
    private static readonly TimeSpan GenerationCacheTime = TimeSpan.FromSeconds(1);

    private readonly IReadModelStore _store;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, (ProjectionGeneration? Generation, DateTimeOffset Until)> _active = new(StringComparer.Ordinal);

    internal ProjectionReader(IReadModelStore store, TimeProvider clock) => (_store, _clock) = (store, clock);

    /// <summary>The record of <paramref name="table"/> stored under <paramref name="key"/>, if any.</summary>
    public async Task<T?> FindAsync<T>(Projection projection, RecordTable<T> table, string key) where T : class
    {
        var found = await Read(projection, table, t => _store.LoadAsync(t, [key]));
        return found is not null && found.TryGetValue(key, out var json) ? (T)RecordSession.Deserialize(table, json) : null;
    }

    /// <summary>The records of <paramref name="table"/> that <paramref name="query"/> selects, with the cursor of the next page.</summary>
    public async Task<RecordPage<T>> ListAsync<T>(Projection projection, RecordTable<T> table, RecordQuery query) where T : class
    {
        query.CheckAgainst(table);
        // One row more than asked tells whether another page follows.
        var rows = await Read(projection, table, t => _store.QueryAsync(t, query with { Limit = query.Limit + 1 })) ?? [];
        var page = rows.Take(query.Limit).ToList();
        var next = rows.Count > query.Limit && query.OrderBy is null ? page[^1].Key : null;
        return new RecordPage<T>(page.Select(r => (T)RecordSession.Deserialize(table, r.Value)).ToList(), next);
    }

    /// <summary>Every record <paramref name="query"/> selects, page after page (for small sets, such as one per namespace).</summary>
    public async Task<IReadOnlyList<T>> ListAllAsync<T>(Projection projection, RecordTable<T> table, RecordQuery query) where T : class
    {
        var all = new List<T>();
        for (string? after = null; ;)
        {
            var page = await ListAsync(projection, table, query with { After = after, Limit = RecordQuery.MaxLimit });
            all.AddRange(page.Items);
            if ((after = page.Next) is null) return all;
        }
    }

    /// <summary>Runs a read on the active generation's table; null while the projection has no generation yet.</summary>
    private async Task<TResult?> Read<TResult>(Projection projection, RecordTable table, Func<TableRef, Task<TResult>> read) where TResult : class
    {
        for (var attempt = 0; ; attempt++)
        {
            if (await ActiveGeneration(projection.Name, refresh: attempt > 0) is not { } generation) return null;
            try
            {
                return await read(new TableRef(generation.TableOf(table), table));
            }
            catch (ReadModelTableMissingException) when (attempt == 0)
            {
                // A rebuild switched generations since the last look.
            }
        }
    }

    private async Task<ProjectionGeneration?> ActiveGeneration(string projection, bool refresh)
    {
        var now = _clock.GetUtcNow();
        if (!refresh && _active.TryGetValue(projection, out var known) && known.Until > now) return known.Generation;
        var generation = (await _store.LoadGenerationsAsync(projection)).LastOrDefault(g => g.IsActive);
        _active[projection] = (generation, now + GenerationCacheTime);
        return generation;
    }
}
