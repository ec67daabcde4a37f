namespace EventStore.Journal.Sqlite;

/// <summary>Every SQL statement of the SQLite journal, in one place: the dialect seam for other databases.</summary>
internal static class SqliteJournalSql
{
    /// <summary>
    /// 2: grains keep their own snapshots in <c>grain_snapshots</c>; 3: <c>events.request</c>; 4: the stats counters
    /// (<c>journal_totals</c>, <c>event_type_counts</c>, <c>aggregate_type_counts</c>); 5: the run timelines' indexes
    /// (<see cref="CreateTimelineIndexes"/>) and <c>events.schema_version</c> (see <see cref="AddSchemaVersionColumn"/>). All are added to older files on open.
    /// </summary>
    public const int SchemaVersion = 5;

    /// <summary>The schema that added the stats counters: a file recorded below it is recounted once on open.</summary>
    public const int StatsSchemaVersion = 4;

    public const string CreateSchema = """
        CREATE TABLE IF NOT EXISTS events (
            position       INTEGER PRIMARY KEY AUTOINCREMENT,
            id             TEXT    NOT NULL UNIQUE,
            type           TEXT    NOT NULL,
            aggregate_id   TEXT    NOT NULL,
            aggregate_type TEXT    NOT NULL,
            version        INTEGER NOT NULL CHECK (version > 0),
            timestamp      INTEGER NOT NULL,
            source         TEXT    NOT NULL,
            payload        TEXT    NOT NULL,
            metadata       TEXT,
            causation_id   TEXT,
            correlation_id TEXT,
            request        TEXT,
            UNIQUE (aggregate_id, version)
        );
        CREATE INDEX IF NOT EXISTS idx_events_aggregate_type ON events (aggregate_type);
        CREATE INDEX IF NOT EXISTS idx_events_type ON events (type);
        CREATE INDEX IF NOT EXISTS idx_events_timestamp ON events (timestamp);
        CREATE TABLE IF NOT EXISTS snapshots (
            aggregate_id   TEXT    PRIMARY KEY,
            aggregate_type TEXT    NOT NULL,
            version        INTEGER NOT NULL,
            state          TEXT    NOT NULL,
            timestamp      INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS grain_snapshots (
            aggregate_id   TEXT    PRIMARY KEY,
            aggregate_type TEXT    NOT NULL,
            version        INTEGER NOT NULL,
            state          TEXT    NOT NULL,
            timestamp      INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS journal_totals (
            one_row          INTEGER PRIMARY KEY CHECK (one_row = 1),
            events           INTEGER NOT NULL,
            aggregates       INTEGER NOT NULL,
            oldest_timestamp INTEGER,
            newest_timestamp INTEGER,
            snapshots        INTEGER NOT NULL,
            grain_snapshots  INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS event_type_counts (
            type   TEXT    PRIMARY KEY,
            events INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS aggregate_type_counts (
            aggregate_type TEXT    PRIMARY KEY,
            events         INTEGER NOT NULL
        );
        CREATE TRIGGER IF NOT EXISTS snapshots_inserted AFTER INSERT ON snapshots
            BEGIN UPDATE journal_totals SET snapshots = snapshots + 1; END;
        CREATE TRIGGER IF NOT EXISTS snapshots_deleted AFTER DELETE ON snapshots
            BEGIN UPDATE journal_totals SET snapshots = snapshots - 1; END;
        CREATE TRIGGER IF NOT EXISTS grain_snapshots_inserted AFTER INSERT ON grain_snapshots
            BEGIN UPDATE journal_totals SET grain_snapshots = grain_snapshots + 1; END;
        CREATE TRIGGER IF NOT EXISTS grain_snapshots_deleted AFTER DELETE ON grain_snapshots
            BEGIN UPDATE journal_totals SET grain_snapshots = grain_snapshots - 1; END;
        """;

    public const string SelectSchemaVersion = "PRAGMA user_version";

    /// <summary>Records the schema version (inside the upgrade's transaction: it is part of the file's header).</summary>
    public static string RecordSchemaVersion => $"PRAGMA user_version = {SchemaVersion}";

    /// <summary>
    /// Computes every stats counter from the rows, replacing what was there: run once by the upgrade to schema 4,
    /// in its transaction, and the statements a verify or import command would reuse. It reads every row.
    /// </summary>
    public const string RecountStats = """
        DELETE FROM journal_totals;
        DELETE FROM event_type_counts;
        DELETE FROM aggregate_type_counts;
        INSERT INTO journal_totals (one_row, events, aggregates, oldest_timestamp, newest_timestamp, snapshots, grain_snapshots)
        SELECT 1, COUNT(*), COUNT(DISTINCT aggregate_id), MIN(timestamp), MAX(timestamp),
               (SELECT COUNT(*) FROM snapshots), (SELECT COUNT(*) FROM grain_snapshots)
        FROM events;
        INSERT INTO event_type_counts (type, events) SELECT type, COUNT(*) FROM events GROUP BY type;
        INSERT INTO aggregate_type_counts (aggregate_type, events) SELECT aggregate_type, COUNT(*) FROM events GROUP BY aggregate_type;
        """;

    /// <summary>Adds one batch's events to the totals; the snapshot counts are kept by the snapshot tables' triggers.</summary>
    public const string AddToTotals = """
        UPDATE journal_totals SET
            events = events + $events,
            aggregates = aggregates + $aggregates,
            oldest_timestamp = COALESCE(MIN(oldest_timestamp, $oldest), $oldest),
            newest_timestamp = COALESCE(MAX(newest_timestamp, $newest), $newest)
        """;

    public const string AddToEventTypeCount = """
        INSERT INTO event_type_counts (type, events) VALUES ($name, $events)
        ON CONFLICT (type) DO UPDATE SET events = event_type_counts.events + excluded.events
        """;

    public const string AddToAggregateTypeCount = """
        INSERT INTO aggregate_type_counts (aggregate_type, events) VALUES ($name, $events)
        ON CONFLICT (aggregate_type) DO UPDATE SET events = aggregate_type_counts.events + excluded.events
        """;

    /// <summary>Schema 3 added <c>events.request</c> (the fingerprint of the request that wrote the event); older files get it here.</summary>
    public const string HasRequestColumn = "SELECT COUNT(*) FROM pragma_table_info('events') WHERE name = 'request'";

    public const string AddRequestColumn = "ALTER TABLE events ADD COLUMN request TEXT";

    /// <summary>The columns every read of events selects, in the order <c>EventRowReader</c> reads them (schema_version: schema 5).</summary>
    public const string Columns =
        "position, id, type, aggregate_id, aggregate_type, version, timestamp, source, payload, metadata, causation_id, correlation_id, schema_version";

    /// <summary>The stream's head: its last version and its aggregate type.</summary>
    public const string SelectStreamHead =
        "SELECT version, aggregate_type FROM events WHERE aggregate_id = $aggregate_id ORDER BY version DESC LIMIT 1";

    public const string SelectStreamVersion = "SELECT COALESCE(MAX(version), 0) FROM events WHERE aggregate_id = $aggregate_id";

    public const string InsertEvent = """
        INSERT INTO events (id, type, aggregate_id, aggregate_type, version, timestamp, source, payload, metadata, causation_id, correlation_id, request, schema_version)
        VALUES ($id, $type, $aggregate_id, $aggregate_type, $version, $timestamp, $source, $payload, $metadata, $causation_id, $correlation_id, $request, $schema_version)
        RETURNING position
        """;

    public const string SelectStream =
        $"SELECT {Columns} FROM events WHERE aggregate_id = $aggregate_id AND version > $after_version AND version <= $to_version ORDER BY version";

    /// <summary>Who holds an event id: its aggregate and version.</summary>
    public const string SelectIdOwner = "SELECT id, aggregate_id, version FROM events WHERE id = $id";

    public const string SelectById = $"SELECT {Columns} FROM events WHERE id = $id";

    /// <summary>The event with an id, and the fingerprint of the request that wrote it (the column after <see cref="Columns"/>).</summary>
    public const string SelectStoredById = $"SELECT {Columns}, request FROM events WHERE id = $id";

    /// <summary>Rows as stored from $from, with <c>request</c> after the event columns (see <see cref="StoredRow"/>).</summary>
    public const string SelectRowsFrom = $"SELECT {Columns}, request FROM events WHERE position >= $from ORDER BY position LIMIT $limit";

    public const string SelectAllFrom = $"SELECT {Columns} FROM events WHERE position >= $from ORDER BY position LIMIT $limit";

    // --- Verification: what the unique indexes should make impossible, and the snapshots' heads. ---

    /// <summary>Ids held by more than one row at positions up to $to, with how many, first held first.</summary>
    public const string SelectDuplicateIds =
        "SELECT id, COUNT(*) FROM events WHERE position <= $to GROUP BY id HAVING COUNT(*) > 1 ORDER BY MIN(position) LIMIT $limit";

    /// <summary>The snapshot counters and the snapshot tables' row counts, in one statement (one read of the database).</summary>
    public const string CountSnapshots =
        "SELECT snapshots, grain_snapshots, (SELECT COUNT(*) FROM snapshots), (SELECT COUNT(*) FROM grain_snapshots) FROM journal_totals";

    /// <summary>A page of the snapshots of <paramref name="owner"/>'s table after the aggregate id $after: id, aggregate type, version.</summary>
    public static string SelectSnapshotHeads(SnapshotOwner owner) =>
        $"SELECT aggregate_id, aggregate_type, version FROM {(owner == SnapshotOwner.Grain ? "grain_snapshots" : "snapshots")} WHERE aggregate_id > $after ORDER BY aggregate_id LIMIT $limit";

    public const string SelectByTypeFrom = $"SELECT {Columns} FROM events WHERE type = $type AND position >= $from ORDER BY position LIMIT $limit";

    /// <summary>The aggregate's snapshot in the table of <paramref name="owner"/>.</summary>
    public static string SelectSnapshot(SnapshotOwner owner) => owner == SnapshotOwner.Grain ? SelectGrainSnapshot : SelectStoreSnapshot;

    /// <summary>Stores a snapshot in the table of <paramref name="owner"/> unless a newer one is already there: the latest version wins.</summary>
    public static string UpsertSnapshot(SnapshotOwner owner) => owner == SnapshotOwner.Grain ? UpsertGrainSnapshot : UpsertStoreSnapshot;

    private const string SelectStoreSnapshot = "SELECT aggregate_id, aggregate_type, version, state, timestamp FROM snapshots WHERE aggregate_id = $aggregate_id";

    private const string SelectGrainSnapshot = "SELECT aggregate_id, aggregate_type, version, state, timestamp FROM grain_snapshots WHERE aggregate_id = $aggregate_id";

    private const string UpsertStoreSnapshot = """
        INSERT INTO snapshots (aggregate_id, aggregate_type, version, state, timestamp)
        VALUES ($aggregate_id, $aggregate_type, $version, $state, $timestamp)
        ON CONFLICT (aggregate_id) DO UPDATE SET
            aggregate_type = excluded.aggregate_type, version = excluded.version, state = excluded.state, timestamp = excluded.timestamp
        WHERE excluded.version >= snapshots.version
        """;

    private const string UpsertGrainSnapshot = """
        INSERT INTO grain_snapshots (aggregate_id, aggregate_type, version, state, timestamp)
        VALUES ($aggregate_id, $aggregate_type, $version, $state, $timestamp)
        ON CONFLICT (aggregate_id) DO UPDATE SET
            aggregate_type = excluded.aggregate_type, version = excluded.version, state = excluded.state, timestamp = excluded.timestamp
        WHERE excluded.version >= grain_snapshots.version
        """;

    /// <summary>The counters kept as the journal grows; none of the stats statements reads the events' rows.</summary>
    public const string StatsTotals =
        "SELECT events, aggregates, oldest_timestamp, newest_timestamp, snapshots, grain_snapshots FROM journal_totals";

    public const string StatsByType = "SELECT type, events FROM event_type_counts";

    public const string StatsByAggregateType = "SELECT aggregate_type, events FROM aggregate_type_counts";

    /// <summary>The largest key of the events' table: one seek to the end of its B-tree, whatever its size.</summary>
    public const string HeadPosition = "SELECT COALESCE(MAX(position), 0) FROM events";

    /// <summary>Makes a backup copy a database that opens on its own, without a WAL.</summary>
    public const string JournalModeDelete = "PRAGMA journal_mode = DELETE";

    /// <summary>Copies what it can without waiting; its result counts the WAL's frames (TRUNCATE resets them to 0).</summary>
    public const string CheckpointPassive = "PRAGMA wal_checkpoint(PASSIVE)";

    /// <summary>Copies the rest and truncates the WAL; on a connection with busy_timeout 0 it reports busy at once instead of holding the write lock while it waits for readers.</summary>
    public const string CheckpointTruncate = "PRAGMA wal_checkpoint(TRUNCATE)";

    public const string SelectTimestampAt = "SELECT timestamp FROM events WHERE position >= $position ORDER BY position LIMIT 1";

    /// <summary>Events of the given aggregate types with positions in [$from, $to], in position order.</summary>
    public static string SelectRangeOfAggregateTypes(int aggregateTypes) =>
        $"SELECT {Columns} FROM events WHERE position >= $from AND position <= $to AND aggregate_type IN ({Parameters("$aggregate_type", aggregateTypes)}) ORDER BY position LIMIT $limit";

    /// <summary>
    /// A filtered query in global order. Only parameter names are spliced into the text; every value
    /// is bound as a parameter. A $limit of -1 means no limit (SQLite needs a LIMIT for OFFSET).
    /// </summary>
    public static string Query(int aggregateIds, int aggregateTypes, int eventTypes, bool after, bool before, bool fromVersion)
    {
        var conditions = new List<string>();
        if (aggregateIds > 0) conditions.Add($"aggregate_id IN ({Parameters("$aggregate_id", aggregateIds)})");
        if (aggregateTypes > 0) conditions.Add($"aggregate_type IN ({Parameters("$aggregate_type", aggregateTypes)})");
        if (eventTypes > 0) conditions.Add($"type IN ({Parameters("$type", eventTypes)})");
        if (after) conditions.Add("timestamp >= $after");
        if (before) conditions.Add("timestamp < $before");
        if (fromVersion) conditions.Add("version >= $from_version");
        var where = conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
        return $"SELECT {Columns} FROM events{where} ORDER BY position LIMIT $limit OFFSET $offset";
    }

    // --- Live subscriptions (issue 12) ---

    /// <summary>
    /// A subscription's page: events in ($after, $to], in position order, of the given aggregate types and event types
    /// (no condition for a count of 0). Only parameter names are spliced into the text.
    /// </summary>
    public static string SelectMatchingAfter(int aggregateTypes, int eventTypes)
    {
        var conditions = "position > $after AND position <= $to";
        if (aggregateTypes > 0) conditions += $" AND aggregate_type IN ({Parameters("$aggregate_type", aggregateTypes)})";
        if (eventTypes > 0) conditions += $" AND type IN ({Parameters("$type", eventTypes)})";
        return $"SELECT {Columns} FROM events WHERE {conditions} ORDER BY position LIMIT $limit";
    }

    // --- Schema 5, upcasting: the schema version of each row's payload, and reads by type under several stored names. ---

    /// <summary>Schema 5 added <c>events.schema_version</c>; older files get it here, their rows (and rows inserted without it) at version 1.</summary>
    public const string HasSchemaVersionColumn = "SELECT COUNT(*) FROM pragma_table_info('events') WHERE name = 'schema_version'";

    public const string AddSchemaVersionColumn = "ALTER TABLE events ADD COLUMN schema_version INTEGER NOT NULL DEFAULT 1";

    /// <summary>Events stored under any of <paramref name="types"/> names (one type and its former names) from $from, in position order.</summary>
    public static string SelectByTypesFrom(int types) =>
        $"SELECT {Columns} FROM events WHERE type IN ({Parameters("$type", types)}) AND position >= $from ORDER BY position LIMIT $limit";

    private static string Parameters(string prefix, int count) => string.Join(", ", Enumerable.Range(0, count).Select(i => $"{prefix}{i}"));

    // ---- Schema 5: run timelines (correlation and causation) ----

    /// <summary>
    /// Schema 5, run timelines: a correlation id's events in commit order are one range of
    /// <c>idx_events_correlation</c>, and the events an event caused are one lookup in <c>idx_events_causation</c>.
    /// Partial: events without the id cost nothing. Run on every open, so older files get them (building them reads the
    /// events once).
    /// </summary>
    public const string CreateTimelineIndexes = """
        CREATE INDEX IF NOT EXISTS idx_events_correlation ON events (correlation_id, position) WHERE correlation_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS idx_events_causation ON events (causation_id) WHERE causation_id IS NOT NULL;
        """;

    /// <summary>Up to $limit events of one correlation id from position $from, in commit order: a range scan of <c>idx_events_correlation</c>.</summary>
    public const string SelectCorrelationFrom =
        $"SELECT {Columns} FROM events WHERE correlation_id = $correlation_id AND position >= $from ORDER BY position LIMIT $limit";

    /// <summary>
    /// The event $event_id and every event it caused, transitively (an event's causation_id is the id of its cause), each
    /// with its depth below it (column <c>depth</c>, after <see cref="Columns"/>), in commit order, at most $limit of them. The walk
    /// is breadth first (a priority queue on depth) and stops after $limit events, so a cut-off tree is its top: whole
    /// levels, then part of the next, every event's cause included. It ends on any data: each event has one cause, so it
    /// is reached at most once, except the root (a cycle can only lead back to it), which the recursion never enters
    /// again; and the LIMIT stops it in any case. Each step is one lookup in <c>idx_events_causation</c>.
    /// </summary>
    public const string SelectCausationTree = $"""
        WITH RECURSIVE tree(node_id, node_position, depth) AS (
            SELECT id, position, 0 FROM events WHERE id = $event_id
            UNION ALL
            SELECT e.id, e.position, tree.depth + 1 FROM tree JOIN events e ON e.causation_id = tree.node_id
            WHERE e.causation_id IS NOT NULL AND e.id <> $event_id
            ORDER BY 3
            LIMIT $limit
        )
        SELECT {Columns}, depth FROM tree JOIN events ON events.position = tree.node_position ORDER BY position
        """;
}
