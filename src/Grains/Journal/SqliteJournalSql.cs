namespace EventStore.Journal;

/// <summary>Every SQL statement of the SQLite journal, in one place: the dialect seam for other databases.</summary>
internal static class SqliteJournalSql
{
    public const int SchemaVersion = 1;

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
        """;

    public const string Columns =
        "position, id, type, aggregate_id, aggregate_type, version, timestamp, source, payload, metadata, causation_id, correlation_id";

    /// <summary>The stream's head: its last version and its aggregate type.</summary>
    public const string SelectStreamHead =
        "SELECT version, aggregate_type FROM events WHERE aggregate_id = $aggregate_id ORDER BY version DESC LIMIT 1";

    public const string InsertEvent = """
        INSERT INTO events (id, type, aggregate_id, aggregate_type, version, timestamp, source, payload, metadata, causation_id, correlation_id)
        VALUES ($id, $type, $aggregate_id, $aggregate_type, $version, $timestamp, $source, $payload, $metadata, $causation_id, $correlation_id)
        RETURNING position
        """;

    public const string SelectStream =
        $"SELECT {Columns} FROM events WHERE aggregate_id = $aggregate_id AND version > $after_version AND version <= $to_version ORDER BY version";

    public const string SelectById = $"SELECT {Columns} FROM events WHERE id = $id";
}
