using EventStore.Errors;
using EventStore.Store;
using Npgsql;
using NpgsqlTypes;

namespace EventStore.Journal.Postgres;

/// <summary>
/// The PostgreSQL side of the group-commit writer: one long-lived connection of its own with prepared
/// statements and <c>synchronous_commit = on</c>, one transaction per batch, written in a fixed number of round trips.
/// </summary>
/// <remarks>
/// <para>
/// <b>Gapless positions in commit order.</b> A sequence or identity column is taken when the INSERT runs,
/// not at COMMIT: a transaction holding position 101 can commit after one holding 102, and a reader that
/// saw 102 and checkpointed it would never see 101 (rolled-back appends also leave holes). So positions
/// come from one counter row instead: each append runs
/// <c>UPDATE journal_head SET position = position + n RETURNING position</c> inside the batch's
/// transaction and inside its own savepoint, and numbers its events up to the value returned. The row's
/// lock is held until COMMIT, so the batches of every silo commit one after another in position order; a
/// refused append rolls its savepoint back and with it its positions. Positions therefore rise strictly
/// in commit order with no holes, and a reader following <c>position &gt; checkpoint</c> can never skip
/// a transaction that commits late: there is none. The price is that commits are serialized across the
/// cluster; group commit amortizes it over the whole batch (see DESIGN.md for the figures).
/// </para>
/// <para>
/// The counter row is locked first in every batch (<see cref="PostgresJournalSql.LockHead"/>), before any
/// snapshot row, so that two silos' writers always take their locks in the same order and never deadlock.
/// </para>
/// <para>
/// Stream heads are read from the database for every append, never remembered: other silos write too.
/// <c>UNIQUE(aggregate_id, version)</c> and <c>UNIQUE(id)</c> settle every race; a violation (SQLSTATE
/// 23505) rolls the append's savepoint back and the head is read again to tell a version conflict from a
/// taken event id.
/// </para>
/// <para>
/// <b>A batch of several appends in five round trips, whatever its size</b> (<see cref="AppendAll"/>): lock and read the counter row; read the
/// heads of every stream in the batch; decide each append in memory against those heads (in queue order, so an append
/// sees the ones before it); write every accepted event with one multi-row INSERT of column arrays and move the counter,
/// in one <see cref="NpgsqlBatch"/>; then the stats counters in one more, and COMMIT. Nothing can move a head in between:
/// every silo's writer takes the counter row's lock first. Only an event id already taken makes the INSERT fail; the
/// batch then rolls back to before it and writes its appends one at a time (<see cref="Append"/>: a savepoint each, so a
/// refused append fails alone). A batch of one append takes that path from the start: its plain statements cost the server
/// less than the array INSERT and the heads query (measured on W2).
/// </para>
/// <para>
/// The stats counters get the batch's committed events, summed in memory, at the end of the batch's transaction:
/// one update of <c>journal_totals</c> and one upsert per kind of type, after the head row's lock (so the silos'
/// writers also take the counter rows' locks one after another, in the same order).
/// </para>
/// </remarks>
internal sealed class PostgresBatchStore(NpgsqlDataSource writerSource, string location, TimeSpan lockTimeout) : IJournalBatchStore
{
    private readonly StatsDelta _stats = new();
    private NpgsqlConnection? _connection;
    private NpgsqlTransaction? _transaction;
    private NpgsqlCommand? _lockHead, _savepoint, _rollback, _release, _selectHead, _takePositions, _insert, _selectIdOwner;
    private NpgsqlCommand? _selectHeads;
    private NpgsqlBatch? _bulkInsert, _writeStats;
    private long _lastPosition;

    public string Location => location;

    public void Begin()
    {
        var connection = EnsureConnection();
        _transaction = connection.BeginTransaction();
        _stats.Clear();
        _lastPosition = (long)_lockHead!.ExecuteScalar()!;
    }

    public void Commit()
    {
        WriteStats();
        _transaction!.Commit();
        _transaction.Dispose();
        _transaction = null;
    }

    public void Abort()
    {
        _stats.Clear();
        CloseConnection(); // closing the connection rolls an open transaction back
    }

    public void Dispose() => CloseConnection();

    /// <summary>
    /// Writes the batch's appends in two round trips: the streams' heads, then every accepted event and the counter in one
    /// <see cref="NpgsqlBatch"/>. Writes them with <see cref="Append"/> one at a time instead when the batch holds one append,
    /// or when an event id repeats within the batch or the database holds one already (the only things the heads cannot tell).
    /// </summary>
    public IReadOnlyList<object> AppendAll(IReadOnlyList<StreamAppend> appends)
    {
        // A lone append (a sequential writer's batch) gains no round trip from the arrays: measured, its array INSERT
        // and heads query cost more on the server than the plain statements (W2 on PostgreSQL, session 5).
        if (appends.Count == 1) return OneAtATime(appends);
        var heads = ReadHeads(appends);
        var results = new object[appends.Count];
        var rows = new PostgresEventColumns();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var position = _lastPosition;
        for (var i = 0; i < appends.Count; i++)
        {
            var append = appends[i];
            var (headVersion, headType) = heads.TryGetValue(append.AggregateId, out var head) ? head : (0L, null);
            if (StreamAppendRules.Refusal(append, headVersion, headType) is { } refusal)
            {
                results[i] = refusal;
                continue;
            }
            var committed = new List<Events.EventEnvelope>(append.Events.Count);
            for (var e = 0; e < append.Events.Count; e++)
            {
                if (!ids.Add(append.Events[e].Id)) return OneAtATime(appends);
                rows.Add(append, append.Events[e], StreamAppendRules.VersionOf(append, e), ++position);
                committed.Add(StreamAppendRules.Committed(append, e, position));
            }
            heads[append.AggregateId] = (committed[^1].Version, append.AggregateType);
            results[i] = new AppendOutcome.Committed(committed);
        }
        if (rows.Count == 0) return results;

        rows.Bind(_bulkInsert!.BatchCommands[2].Parameters);
        _bulkInsert.BatchCommands[1].Parameters[0].Value = position;
        try
        {
            _bulkInsert.ExecuteNonQuery();
        }
        catch (PostgresException ex) when (ex.SqlState.StartsWith("23", StringComparison.Ordinal))
        {
            // An event id the database holds already: back to before the INSERT, and let each append find out alone.
            using (var back = new NpgsqlCommand(PostgresJournalSql.RollbackToBulkSavepoint + ";" + PostgresJournalSql.ReleaseBulkSavepoint, _connection, _transaction))
                back.ExecuteNonQuery();
            return OneAtATime(appends);
        }
        _lastPosition = position;
        foreach (var result in results)
            if (result is AppendOutcome.Committed done) _stats.Add(done.Events);
        return results;
    }

    private object[] OneAtATime(IReadOnlyList<StreamAppend> appends) => [.. appends.Select(Append)];

    /// <summary>The head (last version and aggregate type) of every stream the appends name that has events, in one round trip.</summary>
    private Dictionary<string, (long Version, string? AggregateType)> ReadHeads(IReadOnlyList<StreamAppend> appends)
    {
        _selectHeads!.Parameters[0].Value = appends.Select(a => a.AggregateId).Distinct(StringComparer.Ordinal).ToArray();
        var heads = new Dictionary<string, (long, string?)>(StringComparer.Ordinal);
        using var reader = _selectHeads.ExecuteReader();
        while (reader.Read()) heads[reader.GetString(0)] = (reader.GetInt64(1), reader.GetString(2));
        return heads;
    }

    /// <summary>
    /// Writes one stream's events inside a savepoint, so that they land together or not at all and a
    /// refusal leaves the transaction usable; returns an <see cref="AppendOutcome"/> or the exception that refused it.
    /// </summary>
    public object Append(StreamAppend append)
    {
        _savepoint!.ExecuteNonQuery();
        try
        {
            var (headVersion, headType) = ReadHead(append.AggregateId);
            if (StreamAppendRules.Refusal(append, headVersion, headType) is { } refusal)
            {
                _release!.ExecuteNonQuery();
                return refusal;
            }

            _takePositions!.Parameters[0].Value = (long)append.Events.Count;
            var firstPosition = (long)_takePositions.ExecuteScalar()! - append.Events.Count + 1;
            _lastPosition = firstPosition + append.Events.Count - 1;
            var committed = new List<Events.EventEnvelope>(append.Events.Count);
            for (var i = 0; i < append.Events.Count; i++)
            {
                Insert(append, append.Events[i], StreamAppendRules.VersionOf(append, i), firstPosition + i);
                committed.Add(StreamAppendRules.Committed(append, i, firstPosition + i));
            }
            _release!.ExecuteNonQuery();
            _stats.Add(committed);
            return new AppendOutcome.Committed(committed);
        }
        catch (PostgresException ex) when (ex.SqlState.StartsWith("23", StringComparison.Ordinal))
        {
            // A version taken by another writer (another silo), or an event id already used.
            _rollback!.ExecuteNonQuery();
            _release!.ExecuteNonQuery();
            return StreamAppendRules.AfterViolation(append, ReadHead(append.AggregateId).Version, FindOwner, ex.ConstraintName ?? ex.SqlState);
        }
    }

    public bool SaveSnapshot(Snapshot snapshot, SnapshotOwner owner)
    {
        using var command = new NpgsqlCommand(PostgresJournalSql.UpsertSnapshot(owner), _connection, _transaction);
        var p = command.Parameters;
        p.AddWithValue("aggregate_id", snapshot.AggregateId);
        p.AddWithValue("aggregate_type", snapshot.AggregateType);
        p.AddWithValue("version", snapshot.Version);
        p.AddWithValue("state", snapshot.State);
        p.AddWithValue("timestamp", snapshot.Timestamp);
        return command.ExecuteNonQuery() > 0;
    }

    /// <summary>One update of the totals and one upsert for each kind of type, in one round trip, whatever the batch's size.</summary>
    private void WriteStats()
    {
        if (_stats.Events == 0) return;
        var totals = _writeStats!.BatchCommands[0].Parameters;
        totals[0].Value = _stats.Events;
        totals[1].Value = _stats.Aggregates;
        totals[2].Value = _stats.OldestTimestamp;
        totals[3].Value = _stats.NewestTimestamp;
        SetCounts(_writeStats.BatchCommands[1].Parameters, _stats.ByType);
        SetCounts(_writeStats.BatchCommands[2].Parameters, _stats.ByAggregateType);
        _writeStats.ExecuteNonQuery();
    }

    private static void SetCounts(NpgsqlParameterCollection parameters, IReadOnlyDictionary<string, long> counts)
    {
        parameters[0].Value = counts.Keys.ToArray();
        parameters[1].Value = counts.Values.ToArray();
    }

    private (long Version, string? AggregateType) ReadHead(string aggregateId)
    {
        _selectHead!.Parameters[0].Value = aggregateId;
        using var reader = _selectHead.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetString(1)) : (0, null);
    }

    private void Insert(StreamAppend append, UnwrittenEvent pending, long version, long position)
    {
        var p = _insert!.Parameters;
        p["position"].Value = position;
        p["id"].Value = pending.Id;
        p["type"].Value = pending.Type;
        p["aggregate_id"].Value = append.AggregateId;
        p["aggregate_type"].Value = append.AggregateType;
        p["version"].Value = version;
        p["timestamp"].Value = pending.Timestamp;
        p["source"].Value = pending.Source;
        p["payload"].Value = pending.PayloadJson;
        p["metadata"].Value = (object?)pending.MetadataJson ?? DBNull.Value;
        p["causation_id"].Value = (object?)pending.CausationId ?? DBNull.Value;
        p["correlation_id"].Value = (object?)pending.CorrelationId ?? DBNull.Value;
        p["request"].Value = (object?)pending.Request ?? DBNull.Value;
        p["schema_version"].Value = pending.SchemaVersion;
        _insert.ExecuteNonQuery();
    }

    /// <summary>The aggregate and version of the event with this id, read in the batch's transaction.</summary>
    private (string AggregateId, long Version)? FindOwner(string id)
    {
        _selectIdOwner!.Parameters[0].Value = id;
        using var reader = _selectIdOwner.ExecuteReader();
        return reader.Read() ? (reader.GetString(1), reader.GetInt64(2)) : null;
    }

    private NpgsqlConnection EnsureConnection()
    {
        if (_connection is not null) return _connection;
        _connection = writerSource.OpenConnection();
        using (var session = new NpgsqlCommand(PostgresJournalSql.SetSynchronousCommit, _connection)) session.ExecuteNonQuery();
        using (var timeout = new NpgsqlCommand(PostgresJournalSql.SetLockTimeout, _connection))
        {
            timeout.Parameters.AddWithValue("milliseconds", ((long)lockTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
            timeout.ExecuteNonQuery();
        }

        _lockHead = Prepare(PostgresJournalSql.LockHead);
        _savepoint = Prepare(PostgresJournalSql.Savepoint);
        _rollback = Prepare(PostgresJournalSql.RollbackToSavepoint);
        _release = Prepare(PostgresJournalSql.ReleaseSavepoint);
        _selectHead = Prepare(PostgresJournalSql.SelectStreamHead, ("aggregate_id", NpgsqlDbType.Text));
        _takePositions = Prepare(PostgresJournalSql.TakePositions, ("count", NpgsqlDbType.Bigint));
        _selectIdOwner = Prepare(PostgresJournalSql.SelectIdOwner, ("id", NpgsqlDbType.Text));
        _insert = Prepare(PostgresJournalSql.InsertEvent,
            ("position", NpgsqlDbType.Bigint), ("id", NpgsqlDbType.Text), ("type", NpgsqlDbType.Text), ("aggregate_id", NpgsqlDbType.Text),
            ("aggregate_type", NpgsqlDbType.Text), ("version", NpgsqlDbType.Bigint), ("timestamp", NpgsqlDbType.Bigint), ("source", NpgsqlDbType.Text),
            ("payload", NpgsqlDbType.Text), ("metadata", NpgsqlDbType.Text), ("causation_id", NpgsqlDbType.Text), ("correlation_id", NpgsqlDbType.Text),
            ("request", NpgsqlDbType.Text), ("schema_version", NpgsqlDbType.Integer));
        _selectHeads = Prepare(PostgresJournalSql.SelectStreamHeads, ("ids", NpgsqlDbType.Array | NpgsqlDbType.Text));
        _bulkInsert = PrepareBatch(
            Statement(PostgresJournalSql.BulkSavepoint),
            Statement(PostgresJournalSql.SetHead, new NpgsqlParameter("position", NpgsqlDbType.Bigint)),
            Statement(PostgresJournalSql.InsertEvents, [.. PostgresEventColumns.Parameters()]),
            Statement(PostgresJournalSql.ReleaseBulkSavepoint));
        _writeStats = PrepareBatch(
            Statement(PostgresJournalSql.AddToTotals, new NpgsqlParameter("events", NpgsqlDbType.Bigint), new NpgsqlParameter("aggregates", NpgsqlDbType.Bigint),
                new NpgsqlParameter("oldest", NpgsqlDbType.Bigint), new NpgsqlParameter("newest", NpgsqlDbType.Bigint)),
            Statement(PostgresJournalSql.AddToEventTypeCounts, CountParameters()),
            Statement(PostgresJournalSql.AddToAggregateTypeCounts, CountParameters()));
        return _connection;
    }

    private static NpgsqlParameter[] CountParameters() =>
        [new("names", NpgsqlDbType.Array | NpgsqlDbType.Text), new("events", NpgsqlDbType.Array | NpgsqlDbType.Bigint)];

    private static NpgsqlBatchCommand Statement(string sql, params NpgsqlParameter[] parameters)
    {
        var statement = new NpgsqlBatchCommand(sql);
        statement.Parameters.AddRange(parameters);
        return statement;
    }

    /// <summary>Statements sent together in one round trip, prepared on the writer's connection; they join its transaction.</summary>
    private NpgsqlBatch PrepareBatch(params NpgsqlBatchCommand[] statements)
    {
        var batch = new NpgsqlBatch(_connection);
        foreach (var statement in statements) batch.BatchCommands.Add(statement);
        batch.Prepare();
        return batch;
    }

    /// <summary>A statement prepared on the writer's connection; it joins whatever transaction the connection is in.</summary>
    private NpgsqlCommand Prepare(string sql, params (string Name, NpgsqlDbType Type)[] parameters)
    {
        var command = new NpgsqlCommand(sql, _connection);
        foreach (var (name, type) in parameters) command.Parameters.Add(name, type);
        command.Prepare();
        return command;
    }

    private void CloseConnection()
    {
        foreach (var command in new[] { _lockHead, _savepoint, _rollback, _release, _selectHead, _takePositions, _insert, _selectIdOwner, _selectHeads })
            command?.Dispose();
        _bulkInsert?.Dispose();
        _writeStats?.Dispose();
        (_lockHead, _savepoint, _rollback, _release, _selectHead, _takePositions, _insert, _selectIdOwner) = (null, null, null, null, null, null, null, null);
        (_selectHeads, _bulkInsert, _writeStats) = (null, null, null);
        try
        {
            _transaction?.Dispose();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The connection is already broken; closing it below is all that is left to do.
        }
        _connection?.Dispose();
        (_transaction, _connection) = (null, null);
    }
}
