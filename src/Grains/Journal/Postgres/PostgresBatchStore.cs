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
/// come from one counter row instead: the batch locks and reads it first, numbers its accepted events from there and
/// sets it to the last one inside its savepoint (an append written alone, after a taken id, moves it with
/// <c>UPDATE journal_head SET position = position + n RETURNING position</c> inside its own savepoint). The row's
/// lock is held until COMMIT, so the batches of every silo commit one after another in position order; a
/// refused write rolls its savepoint back and with it its positions. Positions therefore rise strictly
/// in commit order with no holes, and a reader following <c>position &gt; checkpoint</c> can never skip
/// a transaction that commits late: there is none. The price is that commits are serialized across the
/// cluster; group commit amortizes it over the whole batch (see DESIGN.md for the figures).
/// </para>
/// <para>
/// The counter row is locked first in every batch (<see cref="PostgresJournalSql.LockHead"/>), before any
/// snapshot row, so that two silos' writers always take their locks in the same order and never deadlock.
/// </para>
/// <para>
/// Stream heads are read from the database in every batch, after the counter row's lock, never remembered: other
/// silos write too. <c>UNIQUE(aggregate_id, version)</c> and <c>UNIQUE(id)</c> settle every race; a violation (SQLSTATE
/// 23505) rolls the savepoint back, and an append written alone reads its head again to tell a version conflict from a
/// taken event id.
/// </para>
/// <para>
/// <b>A batch in three round trips, whatever its size</b> (<see cref="AppendAll"/>): BEGIN, lock and read the counter row
/// and read the heads of every stream in the batch, in one <see cref="NpgsqlBatch"/> (inside the transaction its statements
/// run in turn, so the lock is held before the heads are read); decide each append in memory against those heads (in
/// queue order, so an append sees the ones before it); write every accepted event (one plain INSERT for a lone event, one
/// multi-row INSERT of column arrays otherwise), move the counter and add to the stats counters in one more batch, inside a
/// savepoint; COMMIT. Nothing can move a head in between: every silo's writer takes the counter row's lock first. Only an
/// event id already taken makes the write fail; the batch then rolls back to its savepoint (the counter and the stats
/// with it) and writes its appends one at a time (<see cref="Append"/>: a savepoint each, so a refused append fails alone).
/// </para>
/// <para>
/// The stats counters get the batch's committed events, summed in memory: one update of <c>journal_totals</c> and one
/// upsert per kind of type, after the head row's lock (so the silos' writers also take the counter rows' locks one after
/// another, in the same order). A batch with snapshots and no appends takes the head row's lock before its first snapshot
/// (the snapshot tables' triggers update <c>journal_totals</c>).
/// </para>
/// </remarks>
internal sealed class PostgresBatchStore(NpgsqlDataSource writerSource, string location, TimeSpan lockTimeout) : IJournalBatchStore
{
    private readonly StatsDelta _stats = new(), _written = new();
    private NpgsqlConnection? _connection;
    private PostgresWriterStatements? _sql;
    private NpgsqlTransaction? _transaction;
    private bool _locked;
    private long _lastPosition;

    public string Location => location;

    private PostgresWriterStatements Sql => _sql!;

    /// <summary>Starts the transaction; Npgsql sends its BEGIN with the batch's first statement, which locks the counter row.</summary>
    public void Begin()
    {
        var connection = EnsureConnection();
        _transaction = connection.BeginTransaction();
        _stats.Clear();
        _locked = false;
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
    /// Writes the batch's appends in two round trips: lock the counter row and read the streams' heads, then every accepted
    /// event, the counter and the stats counters in one <see cref="NpgsqlBatch"/> (one plain INSERT for a lone event, one
    /// array INSERT otherwise). Writes them with <see cref="Append"/> one at a time instead when an event id repeats within
    /// the batch or the database holds one already (the only things the heads cannot tell).
    /// </summary>
    public IReadOnlyList<object> AppendAll(IReadOnlyList<StreamAppend> appends)
    {
        if (appends.Count == 0) return [];
        var heads = LockAndReadHeads(appends);
        var results = new object[appends.Count];
        var rows = new PostgresEventColumns();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var position = _lastPosition;
        StreamAppend? accepted = null;
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
            accepted = append;
            results[i] = new AppendOutcome.Committed(committed);
        }
        if (rows.Count == 0) return results;

        _written.Clear();
        foreach (var result in results)
            if (result is AppendOutcome.Committed done) _written.Add(done.Events);
        var write = rows.Count == 1 ? Sql.WriteOne : Sql.WriteMany;
        if (rows.Count == 1) BindRow(write.BatchCommands[2].Parameters, accepted!, accepted!.Events[0], StreamAppendRules.VersionOf(accepted, 0), position);
        else rows.Bind(write.BatchCommands[2].Parameters);
        write.BatchCommands[1].Parameters[0].Value = position;
        BindStats(write, PostgresWriterStatements.StatsAt, _written);
        try
        {
            write.ExecuteNonQuery();
        }
        catch (PostgresException ex) when (ex.SqlState.StartsWith("23", StringComparison.Ordinal))
        {
            // An event id the database holds already: back to before the write (its counter and stats too), and let each
            // append find out alone.
            Sql.RollbackWrite.ExecuteNonQuery();
            Sql.ReleaseWrite.ExecuteNonQuery();
            return OneAtATime(appends);
        }
        _lastPosition = position;
        return results;
    }

    private object[] OneAtATime(IReadOnlyList<StreamAppend> appends) => [.. appends.Select(Append)];

    /// <summary>
    /// Locks the counter row (again, if this transaction holds it already: that costs nothing and reads the counter as the
    /// transaction left it) and reads the head (last version and aggregate type) of every stream the appends name that has
    /// events, in one round trip. The lock is taken by the first statement, before the heads are read.
    /// </summary>
    private Dictionary<string, (long Version, string? AggregateType)> LockAndReadHeads(IReadOnlyList<StreamAppend> appends)
    {
        var streams = appends.Select(a => a.AggregateId).Distinct(StringComparer.Ordinal).ToArray();
        // One stream: the plain head query costs the server less than the array one (measured on W2, session 5).
        var batch = streams.Length == 1 ? Sql.LockAndReadHead : Sql.LockAndReadHeads;
        batch.BatchCommands[1].Parameters[0].Value = streams.Length == 1 ? streams[0] : streams;
        var heads = new Dictionary<string, (long, string?)>(StringComparer.Ordinal);
        using var reader = batch.ExecuteReader();
        reader.Read();
        _lastPosition = reader.GetInt64(0);
        _locked = true;
        reader.NextResult();
        if (streams.Length == 1)
        {
            if (reader.Read()) heads[streams[0]] = (reader.GetInt64(0), reader.GetString(1));
        }
        else
            while (reader.Read()) heads[reader.GetString(0)] = (reader.GetInt64(1), reader.GetString(2));
        return heads;
    }

    /// <summary>Takes the counter row's lock if this batch holds it not yet: before anything else is locked or written.</summary>
    private void EnsureLocked()
    {
        if (_locked) return;
        _lastPosition = (long)Sql.LockHead.ExecuteScalar()!;
        _locked = true;
    }

    /// <summary>
    /// Writes one stream's events inside a savepoint, so that they land together or not at all and a
    /// refusal leaves the transaction usable; returns an <see cref="AppendOutcome"/> or the exception that refused it.
    /// </summary>
    public object Append(StreamAppend append)
    {
        EnsureLocked();
        Sql.Savepoint.ExecuteNonQuery();
        try
        {
            var (headVersion, headType) = ReadHead(append.AggregateId);
            if (StreamAppendRules.Refusal(append, headVersion, headType) is { } refusal)
            {
                Sql.Release.ExecuteNonQuery();
                return refusal;
            }

            Sql.TakePositions.Parameters[0].Value = (long)append.Events.Count;
            var firstPosition = (long)Sql.TakePositions.ExecuteScalar()! - append.Events.Count + 1;
            _lastPosition = firstPosition + append.Events.Count - 1;
            var committed = new List<Events.EventEnvelope>(append.Events.Count);
            for (var i = 0; i < append.Events.Count; i++)
            {
                BindRow(Sql.Insert.Parameters, append, append.Events[i], StreamAppendRules.VersionOf(append, i), firstPosition + i);
                Sql.Insert.ExecuteNonQuery();
                committed.Add(StreamAppendRules.Committed(append, i, firstPosition + i));
            }
            Sql.Release.ExecuteNonQuery();
            _stats.Add(committed);
            return new AppendOutcome.Committed(committed);
        }
        catch (PostgresException ex) when (ex.SqlState.StartsWith("23", StringComparison.Ordinal))
        {
            // A version taken by another writer (another silo), or an event id already used.
            Sql.Rollback.ExecuteNonQuery();
            Sql.Release.ExecuteNonQuery();
            return StreamAppendRules.AfterViolation(append, ReadHead(append.AggregateId).Version, FindOwner, ex.ConstraintName ?? ex.SqlState);
        }
    }

    public bool SaveSnapshot(Snapshot snapshot, SnapshotOwner owner)
    {
        EnsureLocked(); // the snapshot tables' triggers update journal_totals: only ever locked behind the counter row
        using var command = new NpgsqlCommand(PostgresJournalSql.UpsertSnapshot(owner), _connection, _transaction);
        var p = command.Parameters;
        p.AddWithValue("aggregate_id", snapshot.AggregateId);
        p.AddWithValue("aggregate_type", snapshot.AggregateType);
        p.AddWithValue("version", snapshot.Version);
        p.AddWithValue("state", snapshot.State);
        p.AddWithValue("timestamp", snapshot.Timestamp);
        return command.ExecuteNonQuery() > 0;
    }

    /// <summary>
    /// The stats of the events <see cref="Append"/> wrote (<see cref="AppendAll"/> writes its own with its events): one update
    /// of the totals and one upsert for each kind of type, in one round trip, whatever the batch's size.
    /// </summary>
    private void WriteStats()
    {
        if (_stats.Events == 0) return;
        BindStats(Sql.WriteStats, 0, _stats);
        Sql.WriteStats.ExecuteNonQuery();
    }

    /// <summary>Binds the three stats statements of <paramref name="batch"/> from index <paramref name="at"/> to <paramref name="stats"/>.</summary>
    private static void BindStats(NpgsqlBatch batch, int at, StatsDelta stats)
    {
        var totals = batch.BatchCommands[at].Parameters;
        totals[0].Value = stats.Events;
        totals[1].Value = stats.Aggregates;
        totals[2].Value = stats.OldestTimestamp;
        totals[3].Value = stats.NewestTimestamp;
        SetCounts(batch.BatchCommands[at + 1].Parameters, stats.ByType);
        SetCounts(batch.BatchCommands[at + 2].Parameters, stats.ByAggregateType);
    }

    private static void SetCounts(NpgsqlParameterCollection parameters, IReadOnlyDictionary<string, long> counts)
    {
        parameters[0].Value = counts.Keys.ToArray();
        parameters[1].Value = counts.Values.ToArray();
    }

    private (long Version, string? AggregateType) ReadHead(string aggregateId)
    {
        Sql.SelectHead.Parameters[0].Value = aggregateId;
        using var reader = Sql.SelectHead.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetString(1)) : (0, null);
    }

    /// <summary>Sets the parameters of <see cref="PostgresJournalSql.InsertEvent"/> to one event's row.</summary>
    private static void BindRow(NpgsqlParameterCollection p, StreamAppend append, UnwrittenEvent pending, long version, long position)
    {
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
    }

    /// <summary>The aggregate and version of the event with this id, read in the batch's transaction.</summary>
    private (string AggregateId, long Version)? FindOwner(string id)
    {
        Sql.SelectIdOwner.Parameters[0].Value = id;
        using var reader = Sql.SelectIdOwner.ExecuteReader();
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
        _sql = new PostgresWriterStatements(_connection);
        return _connection;
    }

    private void CloseConnection()
    {
        _sql?.Dispose();
        _sql = null;
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
