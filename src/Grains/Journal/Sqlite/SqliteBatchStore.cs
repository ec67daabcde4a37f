using EventStore.Errors;
using EventStore.Store;
using Microsoft.Data.Sqlite;

namespace EventStore.Journal.Sqlite;

/// <summary>
/// The SQLite side of the group-commit writer: one connection of its own (never from the readers' pool),
/// one <c>BEGIN IMMEDIATE</c> transaction per batch, a savepoint per multi-event append so that a refused
/// append leaves its neighbours alone, and the heads of streams this writer committed remembered to spare
/// a read (a head another process moved is still caught by <c>UNIQUE(aggregate_id, version)</c>).
/// The stats counters get the batch's committed events, summed in memory, in the same transaction.
/// </summary>
internal sealed class SqliteBatchStore(SqliteConnectionFactory connections) : IJournalBatchStore
{
    private const int SqliteConstraint = 19;
    private const int MaxRememberedHeads = 100_000;

    private readonly Dictionary<string, (long Version, string Type)> _heads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Version, string Type)> _batchHeads = new(StringComparer.Ordinal);
    private readonly StatsDelta _stats = new();
    private SqliteConnection? _connection;
    private SqliteWriteLock.Held? _writeLock;
    private SqliteTransaction? _transaction;
    private SqliteCommand? _selectHead;
    private SqliteCommand? _insert;
    private SqliteCommand? _addToTotals, _addToEventType, _addToAggregateType;

    public string Location => connections.DatabasePath;

    public void Begin()
    {
        var connection = EnsureConnection();
        _writeLock = connections.WriteLock.Enter(); // released after COMMIT or on Abort
        _transaction = connection.BeginTransaction(deferred: false);
        _selectHead!.Transaction = _transaction;
        _insert!.Transaction = _transaction;
        _addToTotals!.Transaction = _addToEventType!.Transaction = _addToAggregateType!.Transaction = _transaction;
        _batchHeads.Clear();
        _stats.Clear();
    }

    public void Commit()
    {
        WriteStats();
        _transaction!.Commit();
        _transaction.Dispose();
        _transaction = null;
        ReleaseWriteLock();
        RememberHeads();
    }

    public void Abort()
    {
        _heads.Clear();
        _batchHeads.Clear();
        _stats.Clear();
        CloseConnection(); // disposing an open transaction rolls it back
        ReleaseWriteLock();
    }

    private void ReleaseWriteLock()
    {
        _writeLock?.Dispose();
        _writeLock = null;
    }

    public void Dispose() => CloseConnection();

    /// <summary>One append at a time: SQLite runs in this process, so there are no round trips to save.</summary>
    public IReadOnlyList<object> AppendAll(IReadOnlyList<StreamAppend> appends) => [.. appends.Select(Append)];

    /// <summary>
    /// Writes one stream's events (several inside a savepoint, so that they land together or not at
    /// all); returns an <see cref="AppendOutcome"/> or the exception that refused it.
    /// </summary>
    public object Append(StreamAppend append)
    {
        var transaction = _transaction!;
        const string savepoint = "append";
        var atomicByItself = append.Events.Count == 1; // one INSERT either happens or not
        if (!atomicByItself) transaction.Save(savepoint);
        try
        {
            var (headVersion, headType) = Head(append.AggregateId, append.ExpectedVersion);
            if (StreamAppendRules.Refusal(append, headVersion, headType) is { } refusal)
            {
                if (!atomicByItself) transaction.Release(savepoint);
                return refusal;
            }

            var committed = new List<Events.EventEnvelope>(append.Events.Count);
            for (var i = 0; i < append.Events.Count; i++)
                committed.Add(StreamAppendRules.Committed(append, i, Insert(append, append.Events[i], StreamAppendRules.VersionOf(append, i))));
            if (!atomicByItself) transaction.Release(savepoint);
            _batchHeads[append.AggregateId] = (committed[^1].Version, append.AggregateType);
            _stats.Add(committed);
            return new AppendOutcome.Committed(committed);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
        {
            if (!atomicByItself)
            {
                transaction.Rollback(savepoint);
                transaction.Release(savepoint);
            }
            // A version taken by a writer this process did not see, or an event id already used.
            _heads.Remove(append.AggregateId);
            _batchHeads.Remove(append.AggregateId);
            return StreamAppendRules.AfterViolation(append, ReadHead(append.AggregateId).Version, FindOwner, ex.Message);
        }
    }
    /// <summary>
    /// The stream's head. A head remembered from this writer's own commits spares the read only when it
    /// agrees with the caller; any disagreement is settled by the database, and a head another process
    /// moved is caught by UNIQUE(aggregate_id, version) on insert.
    /// </summary>
    private (long Version, string? AggregateType) Head(string aggregateId, long expectedVersion)
    {
        if ((_batchHeads.TryGetValue(aggregateId, out var head) || _heads.TryGetValue(aggregateId, out head)) && head.Version == expectedVersion)
            return head;
        return ReadHead(aggregateId);
    }
    /// <summary>One update of the totals and one upsert per event type and aggregate type the batch wrote.</summary>
    private void WriteStats()
    {
        if (_stats.Events == 0) return;
        var totals = _addToTotals!.Parameters;
        totals["$events"].Value = _stats.Events;
        totals["$aggregates"].Value = _stats.Aggregates;
        totals["$oldest"].Value = _stats.OldestTimestamp;
        totals["$newest"].Value = _stats.NewestTimestamp;
        _addToTotals.ExecuteNonQuery();
        AddToCounts(_addToEventType!, _stats.ByType);
        AddToCounts(_addToAggregateType!, _stats.ByAggregateType);
    }

    private static void AddToCounts(SqliteCommand upsert, IReadOnlyDictionary<string, long> counts)
    {
        foreach (var (name, events) in counts)
        {
            upsert.Parameters["$name"].Value = name;
            upsert.Parameters["$events"].Value = events;
            upsert.ExecuteNonQuery();
        }
    }

    private void RememberHeads()
    {
        if (_heads.Count + _batchHeads.Count > MaxRememberedHeads) _heads.Clear();
        foreach (var (aggregateId, head) in _batchHeads) _heads[aggregateId] = head;
        _batchHeads.Clear();
    }
    public bool SaveSnapshot(Snapshot snapshot, SnapshotOwner owner)
    {
        using var command = _connection!.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = SqliteJournalSql.UpsertSnapshot(owner);
        var p = command.Parameters;
        p.AddWithValue("$aggregate_id", snapshot.AggregateId);
        p.AddWithValue("$aggregate_type", snapshot.AggregateType);
        p.AddWithValue("$version", snapshot.Version);
        p.AddWithValue("$state", snapshot.State);
        p.AddWithValue("$timestamp", snapshot.Timestamp);
        return command.ExecuteNonQuery() > 0;
    }
    private (long Version, string? AggregateType) ReadHead(string aggregateId)
    {
        _selectHead!.Parameters["$aggregate_id"].Value = aggregateId;
        using var reader = _selectHead.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetString(1)) : (0, null);
    }
    private long Insert(StreamAppend append, UnwrittenEvent pending, long version)
    {
        var p = _insert!.Parameters;
        p["$id"].Value = pending.Id;
        p["$type"].Value = pending.Type;
        p["$aggregate_id"].Value = append.AggregateId;
        p["$aggregate_type"].Value = append.AggregateType;
        p["$version"].Value = version;
        p["$timestamp"].Value = pending.Timestamp;
        p["$source"].Value = pending.Source;
        p["$payload"].Value = pending.PayloadJson;
        p["$metadata"].Value = (object?)pending.MetadataJson ?? DBNull.Value;
        p["$causation_id"].Value = (object?)pending.CausationId ?? DBNull.Value;
        p["$correlation_id"].Value = (object?)pending.CorrelationId ?? DBNull.Value;
        p["$request"].Value = (object?)pending.Request ?? DBNull.Value;
        p["$schema_version"].Value = pending.SchemaVersion;
        return (long)_insert.ExecuteScalar()!;
    }
    /// <summary>The aggregate and version of the event with this id, read in the batch's transaction.</summary>
    private (string AggregateId, long Version)? FindOwner(string id)
    {
        using var command = _connection!.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = SqliteJournalSql.SelectIdOwner;
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetString(1), reader.GetInt64(2)) : null;
    }
    private SqliteConnection EnsureConnection()
    {
        if (_connection is not null) return _connection;
        _connection = connections.OpenWriter();

        _selectHead = _connection.CreateCommand();
        _selectHead.CommandText = SqliteJournalSql.SelectStreamHead;
        _selectHead.Parameters.Add("$aggregate_id", SqliteType.Text);

        _insert = _connection.CreateCommand();
        _insert.CommandText = SqliteJournalSql.InsertEvent;
        foreach (var name in new[] { "$id", "$type", "$aggregate_id", "$aggregate_type", "$source", "$payload", "$metadata", "$causation_id", "$correlation_id", "$request" })
            _insert.Parameters.Add(name, SqliteType.Text);
        _insert.Parameters.Add("$version", SqliteType.Integer);
        _insert.Parameters.Add("$timestamp", SqliteType.Integer);
        _insert.Parameters.Add("$schema_version", SqliteType.Integer);

        _addToTotals = Command(SqliteJournalSql.AddToTotals, ("$events", SqliteType.Integer), ("$aggregates", SqliteType.Integer),
            ("$oldest", SqliteType.Integer), ("$newest", SqliteType.Integer));
        _addToEventType = Command(SqliteJournalSql.AddToEventTypeCount, ("$name", SqliteType.Text), ("$events", SqliteType.Integer));
        _addToAggregateType = Command(SqliteJournalSql.AddToAggregateTypeCount, ("$name", SqliteType.Text), ("$events", SqliteType.Integer));
        return _connection;
    }

    private SqliteCommand Command(string sql, params (string Name, SqliteType Type)[] parameters)
    {
        var command = _connection!.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, type) in parameters) command.Parameters.Add(name, type);
        return command;
    }
    private void CloseConnection()
    {
        _transaction?.Dispose();
        _selectHead?.Dispose();
        _insert?.Dispose();
        _addToTotals?.Dispose();
        _addToEventType?.Dispose();
        _addToAggregateType?.Dispose();
        _connection?.Dispose();
        (_transaction, _selectHead, _insert, _connection) = (null, null, null, null);
        (_addToTotals, _addToEventType, _addToAggregateType) = (null, null, null);
    }
}
