namespace EventStore.Journal.Sqlite;

/// <summary>Every SQL statement of the SQLite journal, in one place: the dialect seam for other databases.</summary>
internal static class SqliteJournalSql
{
    /// <summary>2: grains keep their own snapshots in <c>grain_snapshots</c>; 3: <c>events.request</c>. Both are added to older files on open.</summary>
    public const int SchemaVersion = 3;

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
        """;

    /// <summary>Schema 3 added <c>events.request</c> (the fingerprint of the request that wrote the event); older files get it here.</summary>
    public const string HasRequestColumn = "SELECT COUNT(*) FROM pragma_table_info('events') WHERE name = 'request'";

    public const string AddRequestColumn = "ALTER TABLE events ADD COLUMN request TEXT";

    public const string Columns =
        "position, id, type, aggregate_id, aggregate_type, version, timestamp, source, payload, metadata, causation_id, correlation_id";

    /// <summary>The stream's head: its last version and its aggregate type.</summary>
    public const string SelectStreamHead =
        "SELECT version, aggregate_type FROM events WHERE aggregate_id = $aggregate_id ORDER BY version DESC LIMIT 1";

    public const string SelectStreamVersion = "SELECT COALESCE(MAX(version), 0) FROM events WHERE aggregate_id = $aggregate_id";

    public const string InsertEvent = """
        INSERT INTO events (id, type, aggregate_id, aggregate_type, version, timestamp, source, payload, metadata, causation_id, correlation_id, request)
        VALUES ($id, $type, $aggregate_id, $aggregate_type, $version, $timestamp, $source, $payload, $metadata, $causation_id, $correlation_id, $request)
        RETURNING position
        """;

    public const string SelectStream =
        $"SELECT {Columns} FROM events WHERE aggregate_id = $aggregate_id AND version > $after_version AND version <= $to_version ORDER BY version";

    /// <summary>Who holds an event id: its aggregate and version.</summary>
    public const string SelectIdOwner = "SELECT id, aggregate_id, version FROM events WHERE id = $id";

    public const string SelectById = $"SELECT {Columns} FROM events WHERE id = $id";

    /// <summary>The event with an id, and the fingerprint of the request that wrote it (the column after <see cref="Columns"/>).</summary>
    public const string SelectStoredById = $"SELECT {Columns}, request FROM events WHERE id = $id";

    public const string SelectAllFrom = $"SELECT {Columns} FROM events WHERE position >= $from ORDER BY position LIMIT $limit";

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

    public const string StatsTotals =
        "SELECT COUNT(*), COUNT(DISTINCT aggregate_id), MIN(timestamp), MAX(timestamp), COALESCE(MAX(position), 0) FROM events";

    public const string StatsByType = "SELECT type, COUNT(*) FROM events GROUP BY type";

    public const string StatsByAggregateType = "SELECT aggregate_type, COUNT(*) FROM events GROUP BY aggregate_type";

    public const string SnapshotCount = "SELECT COUNT(*) FROM snapshots";

    public const string GrainSnapshotCount = "SELECT COUNT(*) FROM grain_snapshots";

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

    private static string Parameters(string prefix, int count) => string.Join(", ", Enumerable.Range(0, count).Select(i => $"{prefix}{i}"));
}
