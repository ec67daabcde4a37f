using System.Text.Json;
using EventStore.Journal;

namespace EventStore.Projections;

/// <summary>A record of a table, by key: what a projection reads ahead before applying a batch of events.</summary>
/// <param name="Table">The table.</param>
/// <param name="Key">The record's key.</param>
public readonly record struct RecordKey(RecordTable Table, string Key);

/// <summary>
/// The records a projection works on while it applies a batch of events: each is read from the database
/// once, kept while the batch lasts, and what the projection puts or deletes is written together with the
/// batch's checkpoint, in one transaction. Nothing else stays in memory: a projection holds what its batch
/// touches, never its whole read model.
/// </summary>
public sealed class RecordSession
{
    private readonly IReadModelStore _store;
    private readonly Dictionary<RecordKey, Entry> _records = [];
    private readonly Dictionary<RecordKey, Entry> _staged = [];

    internal RecordSession(IReadModelStore store, ProjectionGeneration generation) => (_store, Generation) = (store, generation);

    /// <summary>The generation the session writes to (its checkpoint is the one committed last).</summary>
    internal ProjectionGeneration Generation { get; set; }

    /// <summary>Records put or deleted since the last commit.</summary>
    internal int ChangeCount { get; private set; }

    /// <summary>The record stored under <paramref name="key"/>, as this batch left it; null if there is none.</summary>
    public async ValueTask<T?> GetAsync<T>(RecordTable<T> table, string key) where T : class
    {
        var at = new RecordKey(table, key);
        if (_staged.TryGetValue(at, out var entry) || _records.TryGetValue(at, out entry)) return (T?)entry.Record;
        await LoadAsync([at]);
        return (T?)_records[at].Record;
    }

    /// <summary>Stores <paramref name="record"/> under <paramref name="key"/>, replacing what was there.</summary>
    public void Put<T>(RecordTable<T> table, string key, T record) where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(record);
        Change(new RecordKey(table, key), record);
    }

    /// <summary>Removes the record stored under <paramref name="key"/>, if any.</summary>
    public void Delete<T>(RecordTable<T> table, string key) where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        Change(new RecordKey(table, key), null);
    }

    /// <summary>Reads the records of <paramref name="keys"/> not read yet, one query per table.</summary>
    internal async Task LoadAsync(IEnumerable<RecordKey> keys)
    {
        foreach (var group in keys.Where(k => !_records.ContainsKey(k)).GroupBy(k => k.Table))
        {
            var wanted = group.Select(k => k.Key).Distinct(StringComparer.Ordinal).ToList();
            var found = await _store.LoadAsync(new TableRef(Generation.TableOf(group.Key), group.Key), wanted);
            foreach (var key in wanted)
                _records[new RecordKey(group.Key, key)] = new Entry(found.TryGetValue(key, out var json) ? Deserialize(group.Key, json) : null, Changed: false);
        }
    }

    /// <summary>Applies one event's changes to the batch, or none of them: what an event that fails half-way put or deleted is dropped.</summary>
    internal async Task ApplyAsync(Func<RecordSession, ValueTask> apply)
    {
        _staged.Clear();
        try
        {
            await apply(this);
        }
        catch
        {
            _staged.Clear();
            throw;
        }
        foreach (var (at, entry) in _staged)
        {
            if (!_records.TryGetValue(at, out var earlier) || !earlier.Changed) ChangeCount++;
            _records[at] = entry;
        }
        _staged.Clear();
    }

    /// <summary>What to write: every record put or deleted since the last call. Forgets every record read.</summary>
    internal IReadOnlyList<RecordChange> TakeChanges()
    {
        var changes = new List<RecordChange>(ChangeCount);
        foreach (var (at, entry) in _records)
        {
            if (!entry.Changed) continue;
            changes.Add(entry.Record is null
                ? new RecordChange(at.Table, at.Key, null, null)
                : new RecordChange(at.Table, at.Key, JsonSerializer.Serialize(entry.Record, at.Table.RecordType, EventPayloadSerializer.JsonOptions), at.Table.ColumnValues(entry.Record)));
        }
        Forget();
        return changes;
    }

    /// <summary>Drops every record read or changed (after a commit, or when the batch is abandoned).</summary>
    internal void Forget()
    {
        _records.Clear();
        _staged.Clear();
        ChangeCount = 0;
    }

    /// <summary>A record as stored, read back with the journal's JSON settings.</summary>
    internal static object Deserialize(RecordTable table, string json) =>
        JsonSerializer.Deserialize(json, table.RecordType, EventPayloadSerializer.JsonOptions)
        ?? throw new JsonException($"A record of '{table.Name}' is JSON null.");

    private void Change(RecordKey at, object? record) => _staged[at] = new Entry(record, Changed: true);

    private sealed record Entry(object? Record, bool Changed);
}
