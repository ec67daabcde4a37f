using EventStore.Events;
using EventStore.Store;
using Microsoft.Data.Sqlite;

namespace EventStore.Journal.Sqlite;

/// <summary>
/// Every read of the SQLite journal, each on its own pooled connection beside the writer (WAL readers see
/// the last committed state and never block it), and each on the thread pool, off the Orleans scheduler.
/// </summary>
internal sealed class SqliteJournalReader(SqliteConnectionFactory connections, EventRowReader rows) : IJournalReader
{
    /// <summary>The stream's events with <paramref name="afterVersion"/> &lt; version ≤ <paramref name="toVersion"/>, in version order.</summary>
    public Task<IReadOnlyList<EventEnvelope>> ReadStreamAsync(string aggregateId, long afterVersion, long toVersion = long.MaxValue) =>
        ReadEventsAsync(SqliteJournalSql.SelectStream, p =>
        {
            p.AddWithValue("$aggregate_id", aggregateId);
            p.AddWithValue("$after_version", afterVersion);
            p.AddWithValue("$to_version", toVersion);
        });

    /// <summary>Up to <paramref name="limit"/> events from <paramref name="fromPosition"/>, optionally of one type only.</summary>
    public Task<IReadOnlyList<EventEnvelope>> ReadFromPositionAsync(long fromPosition, int limit, string? eventType = null) =>
        ReadEventsAsync(eventType is null ? SqliteJournalSql.SelectAllFrom : SqliteJournalSql.SelectByTypeFrom, p =>
        {
            p.AddWithValue("$from", fromPosition);
            p.AddWithValue("$limit", limit);
            if (eventType is not null) p.AddWithValue("$type", eventType);
        });

    /// <summary>Up to <paramref name="limit"/> events of the given aggregate types with positions in [<paramref name="fromPosition"/>, <paramref name="toPosition"/>].</summary>
    public Task<IReadOnlyList<EventEnvelope>> ReadRangeAsync(long fromPosition, long toPosition, IReadOnlyList<string> aggregateTypes, int limit) =>
        ReadEventsAsync(SqliteJournalSql.SelectRangeOfAggregateTypes(aggregateTypes.Count), p =>
        {
            p.AddWithValue("$from", fromPosition);
            p.AddWithValue("$to", toPosition);
            p.AddWithValue("$limit", limit);
            for (var i = 0; i < aggregateTypes.Count; i++) p.AddWithValue($"$aggregate_type{i}", aggregateTypes[i]);
        });

    /// <summary>The position of the last committed event, 0 when the journal is empty.</summary>
    public Task<long> GetHeadPositionAsync() => Run(connection =>
    {
        using var command = Command(connection, SqliteJournalSql.HeadPosition);
        return (long)command.ExecuteScalar()!;
    });

    /// <summary>The timestamp of the first event at or after <paramref name="position"/>, if any.</summary>
    public Task<long?> GetTimestampAtAsync(long position) => Run(connection =>
    {
        using var command = Command(connection, SqliteJournalSql.SelectTimestampAt);
        command.Parameters.AddWithValue("$position", position);
        return command.ExecuteScalar() is long timestamp ? timestamp : (long?)null;
    });

    /// <summary>Events matching a validated filter; <paramref name="limit"/> -1 for none.</summary>
    public Task<IReadOnlyList<EventEnvelope>> QueryAsync(EventFilter filter, long limit)
    {
        var (ids, types, eventTypes) = (filter.AggregateIds ?? [], filter.AggregateTypes ?? [], filter.EventTypes ?? []);
        var sql = SqliteJournalSql.Query(ids.Count, types.Count, eventTypes.Count, filter.After is not null, filter.Before is not null, filter.FromVersion is not null);
        return ReadEventsAsync(sql, p =>
        {
            for (var i = 0; i < ids.Count; i++) p.AddWithValue($"$aggregate_id{i}", ids[i]);
            for (var i = 0; i < types.Count; i++) p.AddWithValue($"$aggregate_type{i}", types[i]);
            for (var i = 0; i < eventTypes.Count; i++) p.AddWithValue($"$type{i}", eventTypes[i]);
            if (filter.After is { } after) p.AddWithValue("$after", after);
            if (filter.Before is { } before) p.AddWithValue("$before", before);
            if (filter.FromVersion is { } fromVersion) p.AddWithValue("$from_version", fromVersion);
            p.AddWithValue("$limit", limit);
            p.AddWithValue("$offset", filter.Offset ?? 0);
        });
    }

    /// <summary>The stream's last version, 0 if it has no event.</summary>
    public Task<long> GetStreamVersionAsync(string aggregateId) => Run(connection =>
    {
        using var command = Command(connection, SqliteJournalSql.SelectStreamVersion);
        command.Parameters.AddWithValue("$aggregate_id", aggregateId);
        return (long)command.ExecuteScalar()!;
    });

    /// <summary>The event with this id, if any.</summary>
    public async Task<EventEnvelope?> FindEventAsync(string eventId) =>
        (await ReadEventsAsync(SqliteJournalSql.SelectById, p => p.AddWithValue("$id", eventId))).SingleOrDefault();

    /// <summary>The event with this id as stored, with its payload JSON and request fingerprint, if any.</summary>
    public Task<StoredEvent?> FindStoredEventAsync(string eventId) => Run<StoredEvent?>(connection =>
    {
        using var command = Command(connection, SqliteJournalSql.SelectStoredById);
        command.Parameters.AddWithValue("$id", eventId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? rows.ReadStored(reader) : null;
    });

    /// <summary>The aggregate's snapshot in the table of <paramref name="owner"/>, if any.</summary>
    public Task<Snapshot?> GetSnapshotAsync(string aggregateId, SnapshotOwner owner) => Run(connection =>
    {
        using var command = Command(connection, SqliteJournalSql.SelectSnapshot(owner));
        command.Parameters.AddWithValue("$aggregate_id", aggregateId);
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new Snapshot(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetInt64(4))
            : null;
    });

    /// <summary>
    /// Counts of the journal, read in one read transaction so they agree with each other: from the counters the
    /// writer keeps in each batch's transaction, so the cost grows with the number of types, not of events.
    /// </summary>
    public Task<EventStoreStats> GetStatsAsync(long sizeBytes) => Run(connection =>
    {
        using var transaction = connection.BeginTransaction(deferred: true);
        using var totals = Command(connection, SqliteJournalSql.StatsTotals, transaction);
        using var reader = totals.ExecuteReader();
        if (!reader.Read()) throw new InvalidOperationException($"The journal {connections.DatabasePath} has no stats counters (table journal_totals is empty).");
        using var head = Command(connection, SqliteJournalSql.HeadPosition, transaction);
        return new EventStoreStats
        {
            TotalEvents = reader.GetInt64(0),
            AggregateCount = reader.GetInt64(1),
            OldestTimestamp = reader.IsDBNull(2) ? null : reader.GetInt64(2),
            NewestTimestamp = reader.IsDBNull(3) ? null : reader.GetInt64(3),
            HeadPosition = (long)head.ExecuteScalar()!,
            EventsByType = Counts(connection, SqliteJournalSql.StatsByType, transaction),
            EventsByAggregateType = Counts(connection, SqliteJournalSql.StatsByAggregateType, transaction),
            SnapshotCount = reader.GetInt64(4),
            AggregateSnapshotCount = reader.GetInt64(5),
            JournalSizeBytes = sizeBytes,
        };
    });

    // ---- Run timelines: correlation and causation ----

    /// <summary>Up to <paramref name="limit"/> events with this correlation id from <paramref name="fromPosition"/>, in position order.</summary>
    public Task<IReadOnlyList<EventEnvelope>> ReadCorrelationAsync(string correlationId, long fromPosition, int limit) =>
        ReadEventsAsync(SqliteJournalSql.SelectCorrelationFrom, p =>
        {
            p.AddWithValue("$correlation_id", correlationId);
            p.AddWithValue("$from", fromPosition);
            p.AddWithValue("$limit", limit);
        });

    /// <summary>The event with this id and, breadth first, what it caused: at most <paramref name="limit"/>, in position order.</summary>
    public Task<IReadOnlyList<TreeEvent>> ReadCausationTreeAsync(string eventId, int limit) => Run<IReadOnlyList<TreeEvent>>(connection =>
    {
        using var command = Command(connection, SqliteJournalSql.SelectCausationTree);
        command.Parameters.AddWithValue("$event_id", eventId);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var depth = reader.GetOrdinal("depth"); // by name: the column after the event's, however many those are
        var events = new List<TreeEvent>();
        while (reader.Read()) events.Add(new TreeEvent(rows.Read(reader), reader.GetInt32(depth)));
        return events;
    });

    // --- Live subscriptions (issue 12) ---

    /// <summary>Up to <paramref name="limit"/> events in (<paramref name="afterPosition"/>, <paramref name="toPosition"/>] of the given aggregate and event types (null: any).</summary>
    public Task<IReadOnlyList<EventEnvelope>> ReadMatchingAsync(long afterPosition, long toPosition, IReadOnlyList<string>? aggregateTypes,
        IReadOnlyList<string>? eventTypes, int limit)
    {
        var (types, eventTypeNames) = (aggregateTypes ?? [], eventTypes ?? []);
        return ReadEventsAsync(SqliteJournalSql.SelectMatchingAfter(types.Count, eventTypeNames.Count), p =>
        {
            p.AddWithValue("$after", afterPosition);
            p.AddWithValue("$to", toPosition);
            p.AddWithValue("$limit", limit);
            for (var i = 0; i < types.Count; i++) p.AddWithValue($"$aggregate_type{i}", types[i]);
            for (var i = 0; i < eventTypeNames.Count; i++) p.AddWithValue($"$type{i}", eventTypeNames[i]);
        });
    }

    private Task<IReadOnlyList<EventEnvelope>> ReadEventsAsync(string sql, Action<SqliteParameterCollection> bind) => Run<IReadOnlyList<EventEnvelope>>(connection =>
    {
        using var command = Command(connection, sql);
        bind(command.Parameters);
        using var reader = command.ExecuteReader();
        var events = new List<EventEnvelope>();
        while (reader.Read()) events.Add(rows.Read(reader));
        return events;
    });

    private static Dictionary<string, long> Counts(SqliteConnection connection, string sql, SqliteTransaction transaction)
    {
        using var command = Command(connection, sql, transaction);
        using var reader = command.ExecuteReader();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (reader.Read()) counts[reader.GetString(0)] = reader.GetInt64(1);
        return counts;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private Task<T> Run<T>(Func<SqliteConnection, T> read) => Task.Run(() =>
    {
        using var connection = connections.OpenReader();
        return read(connection);
    });

    /// <summary>Up to <paramref name="limit"/> rows from <paramref name="fromPosition"/>, exactly as stored.</summary>
    public Task<IReadOnlyList<StoredRow>> ReadRowsAsync(long fromPosition, int limit) => Run<IReadOnlyList<StoredRow>>(connection =>
    {
        using var command = Command(connection, SqliteJournalSql.SelectRowsFrom);
        command.Parameters.AddWithValue("$from", fromPosition);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var rows = new List<StoredRow>();
        while (reader.Read()) rows.Add(StoredRow.Read(reader));
        return rows;
    });

    // --- Verification ---

    public Task<IReadOnlyList<DuplicateId>> FindDuplicateIdsAsync(long toPosition, int limit) => Run<IReadOnlyList<DuplicateId>>(connection =>
    {
        using var command = Command(connection, SqliteJournalSql.SelectDuplicateIds);
        command.Parameters.AddWithValue("$to", toPosition);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var ids = new List<DuplicateId>();
        while (reader.Read()) ids.Add(new DuplicateId(reader.GetString(0), reader.GetInt64(1)));
        return ids;
    });

    public Task<SnapshotCounts> CountSnapshotsAsync() => Run(connection =>
    {
        using var command = Command(connection, SqliteJournalSql.CountSnapshots);
        using var reader = command.ExecuteReader();
        if (!reader.Read()) throw new InvalidOperationException($"The journal {connections.DatabasePath} has no stats counters (table journal_totals is empty).");
        return new SnapshotCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    });

    public Task<IReadOnlyList<SnapshotHead>> ReadSnapshotHeadsAsync(SnapshotOwner owner, string after, int limit) => Run<IReadOnlyList<SnapshotHead>>(connection =>
    {
        using var command = Command(connection, SqliteJournalSql.SelectSnapshotHeads(owner));
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var heads = new List<SnapshotHead>();
        while (reader.Read()) heads.Add(new SnapshotHead(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        return heads;
    });

    // --- Upcasting (schema 5) ---

    /// <summary>Up to <paramref name="limit"/> events from <paramref name="fromPosition"/> stored under any of <paramref name="storedTypes"/>.</summary>
    public Task<IReadOnlyList<EventEnvelope>> ReadTypesFromPositionAsync(long fromPosition, int limit, IReadOnlyList<string> storedTypes) =>
        ReadEventsAsync(SqliteJournalSql.SelectByTypesFrom(storedTypes.Count), p =>
        {
            p.AddWithValue("$from", fromPosition);
            p.AddWithValue("$limit", limit);
            for (var i = 0; i < storedTypes.Count; i++) p.AddWithValue($"$type{i}", storedTypes[i]);
        });
}
