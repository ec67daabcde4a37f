using System.Data;
using EventStore.Events;
using EventStore.Store;
using Npgsql;
using NpgsqlTypes;

namespace EventStore.Journal.Postgres;

/// <summary>
/// Every read of the PostgreSQL journal, each on a pooled connection of its own beside the writer (READ
/// COMMITTED: it sees committed events only, and never blocks the writer). Npgsql's reads are truly
/// asynchronous, so nothing here holds a thread while the server works.
/// </summary>
internal sealed class PostgresJournalReader(NpgsqlDataSource source, EventRowReader rows) : IJournalReader
{
    /// <summary>The stream's events with <paramref name="afterVersion"/> &lt; version ≤ <paramref name="toVersion"/>, in version order.</summary>
    public Task<IReadOnlyList<EventEnvelope>> ReadStreamAsync(string aggregateId, long afterVersion, long toVersion = long.MaxValue) =>
        ReadEventsAsync(PostgresJournalSql.SelectStream, p =>
        {
            p.AddWithValue("aggregate_id", aggregateId);
            p.AddWithValue("after_version", afterVersion);
            p.AddWithValue("to_version", toVersion);
        });

    /// <summary>Up to <paramref name="limit"/> events from <paramref name="fromPosition"/>, optionally of one type only.</summary>
    public Task<IReadOnlyList<EventEnvelope>> ReadFromPositionAsync(long fromPosition, int limit, string? eventType = null) =>
        ReadEventsAsync(eventType is null ? PostgresJournalSql.SelectAllFrom : PostgresJournalSql.SelectByTypeFrom, p =>
        {
            p.AddWithValue("from", fromPosition);
            p.AddWithValue("limit", (long)limit);
            if (eventType is not null) p.AddWithValue("type", eventType);
        });

    /// <summary>Up to <paramref name="limit"/> events of the given aggregate types with positions in [<paramref name="fromPosition"/>, <paramref name="toPosition"/>].</summary>
    public Task<IReadOnlyList<EventEnvelope>> ReadRangeAsync(long fromPosition, long toPosition, IReadOnlyList<string> aggregateTypes, int limit) =>
        ReadEventsAsync(PostgresJournalSql.SelectRangeOfAggregateTypes, p =>
        {
            p.AddWithValue("from", fromPosition);
            p.AddWithValue("to", toPosition);
            p.AddWithValue("limit", (long)limit);
            p.Add(TextArray("aggregate_types", aggregateTypes));
        });

    /// <summary>The position of the last committed event, 0 when the journal is empty.</summary>
    public async Task<long> GetHeadPositionAsync()
    {
        await using var command = source.CreateCommand(PostgresJournalSql.HeadPosition);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The timestamp of the first event at or after <paramref name="position"/>, if any.</summary>
    public async Task<long?> GetTimestampAtAsync(long position)
    {
        await using var command = source.CreateCommand(PostgresJournalSql.SelectTimestampAt);
        command.Parameters.AddWithValue("position", position);
        return await command.ExecuteScalarAsync() is long timestamp ? timestamp : null;
    }

    /// <summary>Events matching a validated filter; <paramref name="limit"/> -1 for none.</summary>
    public Task<IReadOnlyList<EventEnvelope>> QueryAsync(EventFilter filter, long limit)
    {
        var (ids, types, eventTypes) = (filter.AggregateIds ?? [], filter.AggregateTypes ?? [], filter.EventTypes ?? []);
        var sql = PostgresJournalSql.Query(ids.Count > 0, types.Count > 0, eventTypes.Count > 0, filter.After is not null, filter.Before is not null, filter.FromVersion is not null);
        return ReadEventsAsync(sql, p =>
        {
            if (ids.Count > 0) p.Add(TextArray("aggregate_ids", ids));
            if (types.Count > 0) p.Add(TextArray("aggregate_types", types));
            if (eventTypes.Count > 0) p.Add(TextArray("types", eventTypes));
            if (filter.After is { } after) p.AddWithValue("after", after);
            if (filter.Before is { } before) p.AddWithValue("before", before);
            if (filter.FromVersion is { } fromVersion) p.AddWithValue("from_version", fromVersion);
            p.Add(new NpgsqlParameter("limit", NpgsqlDbType.Bigint) { Value = limit < 0 ? DBNull.Value : limit }); // LIMIT NULL: no limit
            p.AddWithValue("offset", (long)(filter.Offset ?? 0));
        });
    }

    /// <summary>The stream's last version, 0 if it has no event.</summary>
    public async Task<long> GetStreamVersionAsync(string aggregateId)
    {
        await using var command = source.CreateCommand(PostgresJournalSql.SelectStreamVersion);
        command.Parameters.AddWithValue("aggregate_id", aggregateId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The event with this id, if any.</summary>
    public async Task<EventEnvelope?> FindEventAsync(string eventId) =>
        (await ReadEventsAsync(PostgresJournalSql.SelectById, p => p.AddWithValue("id", eventId))).SingleOrDefault();

    /// <summary>The event with this id as stored, with its payload JSON and request fingerprint, if any.</summary>
    public async Task<StoredEvent?> FindStoredEventAsync(string eventId)
    {
        await using var command = source.CreateCommand(PostgresJournalSql.SelectStoredById);
        command.Parameters.AddWithValue("id", eventId);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? rows.ReadStored(reader) : null;
    }

    /// <summary>The aggregate's snapshot in the table of <paramref name="owner"/>, if any.</summary>
    public async Task<Snapshot?> GetSnapshotAsync(string aggregateId, SnapshotOwner owner)
    {
        await using var command = source.CreateCommand(PostgresJournalSql.SelectSnapshot(owner));
        command.Parameters.AddWithValue("aggregate_id", aggregateId);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new Snapshot(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetInt64(4))
            : null;
    }

    /// <summary>
    /// Counts of the journal, read in one REPEATABLE READ, read-only transaction so they agree with each other: from
    /// the counters the writers keep in each batch's transaction, so the cost grows with the number of types, not of events.
    /// </summary>
    public async Task<EventStoreStats> GetStatsAsync(long sizeBytes)
    {
        await using var connection = await source.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        await using (var readOnly = new NpgsqlCommand(PostgresJournalSql.ReadOnly, connection, transaction)) await readOnly.ExecuteNonQueryAsync();
        long total, aggregates, snapshots, grainSnapshots, head;
        long? oldest, newest;
        await using (var totals = new NpgsqlCommand(PostgresJournalSql.StatsTotals, connection, transaction))
        await using (var reader = await totals.ExecuteReaderAsync())
        {
            if (!await reader.ReadAsync()) throw new InvalidOperationException("The journal has no stats counters (table journal_totals is empty).");
            (total, aggregates, snapshots, grainSnapshots, head) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6));
            oldest = reader.IsDBNull(2) ? null : reader.GetInt64(2);
            newest = reader.IsDBNull(3) ? null : reader.GetInt64(3);
        }
        var stats = new EventStoreStats
        {
            TotalEvents = total,
            AggregateCount = aggregates,
            OldestTimestamp = oldest,
            NewestTimestamp = newest,
            HeadPosition = head,
            EventsByType = await CountsAsync(connection, transaction, PostgresJournalSql.StatsByType),
            EventsByAggregateType = await CountsAsync(connection, transaction, PostgresJournalSql.StatsByAggregateType),
            SnapshotCount = snapshots,
            AggregateSnapshotCount = grainSnapshots,
            JournalSizeBytes = sizeBytes,
        };
        await transaction.CommitAsync();
        return stats;
    }

    // ---- Run timelines: correlation and causation ----

    /// <summary>Up to <paramref name="limit"/> events with this correlation id from <paramref name="fromPosition"/>, in position order.</summary>
    public Task<IReadOnlyList<EventEnvelope>> ReadCorrelationAsync(string correlationId, long fromPosition, int limit) =>
        ReadEventsAsync(PostgresJournalSql.SelectCorrelationFrom, p =>
        {
            p.AddWithValue("correlation_id", correlationId);
            p.AddWithValue("from", fromPosition);
            p.AddWithValue("limit", (long)limit);
        });

    /// <summary>The event with this id and, breadth first, what it caused: at most <paramref name="limit"/>, in position order.</summary>
    public async Task<IReadOnlyList<TreeEvent>> ReadCausationTreeAsync(string eventId, int limit)
    {
        await using var command = source.CreateCommand(PostgresJournalSql.SelectCausationTree);
        command.Parameters.AddWithValue("event_id", eventId);
        command.Parameters.AddWithValue("limit", (long)limit);
        await using var reader = await command.ExecuteReaderAsync();
        var depth = reader.GetOrdinal("depth"); // by name: the column after the event's, however many those are
        var events = new List<TreeEvent>();
        while (await reader.ReadAsync()) events.Add(new TreeEvent(rows.Read(reader), reader.GetInt32(depth)));
        return events;
    }

    // --- Live subscriptions (issue 12) ---

    /// <summary>Up to <paramref name="limit"/> events in (<paramref name="afterPosition"/>, <paramref name="toPosition"/>] of the given aggregate and event types (null: any).</summary>
    public Task<IReadOnlyList<EventEnvelope>> ReadMatchingAsync(long afterPosition, long toPosition, IReadOnlyList<string>? aggregateTypes,
        IReadOnlyList<string>? eventTypes, int limit) =>
        ReadEventsAsync(PostgresJournalSql.SelectMatchingAfter(aggregateTypes is not null, eventTypes is not null), p =>
        {
            p.AddWithValue("after", afterPosition);
            p.AddWithValue("to", toPosition);
            p.AddWithValue("limit", (long)limit);
            if (aggregateTypes is not null) p.Add(TextArray("aggregate_types", aggregateTypes));
            if (eventTypes is not null) p.Add(TextArray("types", eventTypes));
        });

    /// <summary>Up to <paramref name="limit"/> rows from <paramref name="fromPosition"/>, exactly as stored.</summary>
    public async Task<IReadOnlyList<StoredRow>> ReadRowsAsync(long fromPosition, int limit)
    {
        await using var command = source.CreateCommand(PostgresJournalSql.SelectRowsFrom);
        command.Parameters.AddWithValue("from", fromPosition);
        command.Parameters.AddWithValue("limit", (long)limit);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<StoredRow>();
        while (await reader.ReadAsync()) rows.Add(StoredRow.Read(reader));
        return rows;
    }

    private async Task<IReadOnlyList<EventEnvelope>> ReadEventsAsync(string sql, Action<NpgsqlParameterCollection> bind)
    {
        await using var command = source.CreateCommand(sql);
        bind(command.Parameters);
        await using var reader = await command.ExecuteReaderAsync();
        var events = new List<EventEnvelope>();
        while (await reader.ReadAsync()) events.Add(rows.Read(reader));
        return events;
    }

    private static async Task<Dictionary<string, long>> CountsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync()) counts[reader.GetString(0)] = reader.GetInt64(1);
        return counts;
    }

    private static NpgsqlParameter TextArray(string name, IReadOnlyList<string> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.ToArray() };

    // --- Upcasting (schema 5) ---

    /// <summary>Up to <paramref name="limit"/> events from <paramref name="fromPosition"/> stored under any of <paramref name="storedTypes"/>.</summary>
    public Task<IReadOnlyList<EventEnvelope>> ReadTypesFromPositionAsync(long fromPosition, int limit, IReadOnlyList<string> storedTypes) =>
        ReadEventsAsync(PostgresJournalSql.SelectByTypesFrom, p =>
        {
            p.AddWithValue("from", fromPosition);
            p.AddWithValue("limit", (long)limit);
            p.Add(TextArray("types", storedTypes));
        });

    // --- Verification ---

    public async Task<IReadOnlyList<DuplicateId>> FindDuplicateIdsAsync(long toPosition, int limit)
    {
        await using var command = source.CreateCommand(PostgresJournalSql.SelectDuplicateIds);
        command.Parameters.AddWithValue("to", toPosition);
        command.Parameters.AddWithValue("limit", (long)limit);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<DuplicateId>();
        while (await reader.ReadAsync()) ids.Add(new DuplicateId(reader.GetString(0), reader.GetInt64(1)));
        return ids;
    }

    public async Task<SnapshotCounts> CountSnapshotsAsync()
    {
        await using var command = source.CreateCommand(PostgresJournalSql.CountSnapshots);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) throw new InvalidOperationException("The journal has no stats counters (table journal_totals is empty).");
        return new SnapshotCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    public async Task<IReadOnlyList<SnapshotHead>> ReadSnapshotHeadsAsync(SnapshotOwner owner, string after, int limit)
    {
        await using var command = source.CreateCommand(PostgresJournalSql.SelectSnapshotHeads(owner));
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("limit", (long)limit);
        await using var reader = await command.ExecuteReaderAsync();
        var heads = new List<SnapshotHead>();
        while (await reader.ReadAsync()) heads.Add(new SnapshotHead(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        return heads;
    }
}
