namespace EventStore.Journal.Postgres;

/// <summary>
/// Every SQL statement of the PostgreSQL journal, in one place. The tables and columns are those of the
/// SQLite journal (<c>SqliteJournalSql</c>), plus <c>journal_head</c>, the counter row that hands out
/// gapless positions in commit order (see <see cref="PostgresBatchStore"/>), and <c>journal_schema</c>,
/// the one row recording the schema version. Values are always parameters, never spliced into the text.
/// </summary>
internal static class PostgresJournalSql
{
    /// <summary>
    /// Numbered like the SQLite schema: 2 added <c>grain_snapshots</c>, 3 added <c>events.request</c>, 4 the stats
    /// counters (<c>journal_totals</c>, <c>event_type_counts</c>, <c>aggregate_type_counts</c>, and the snapshot tables' triggers),
    /// 5 the run timelines' indexes (<see cref="CreateTimelineIndexes"/>) and <c>events.schema_version</c> (see <see cref="AddSchemaVersionColumn"/>).
    /// </summary>
    public const int SchemaVersion = 5;

    /// <summary>The schema that added the stats counters: a database recorded below it is recounted once by the upgrade.</summary>
    public const int StatsSchemaVersion = 4;

    /// <summary>Held (for the schema transaction only) while one silo creates or upgrades the schema, so two silos starting at once take turns.</summary>
    public const long SchemaLockKey = 0x4576_656E_744A_726E; // "EventJrn"

    public const string LockSchema = "SELECT pg_advisory_xact_lock(@key)";

    /// <summary>The recorded schema version, or no row (and no table) in an empty database.</summary>
    public const string SchemaTableExists = "SELECT to_regclass('journal_schema') IS NOT NULL";

    public const string SelectSchemaVersion = "SELECT version FROM journal_schema";

    /// <summary>Every table and index of the current schema, created where missing; safe on any earlier version.</summary>
    public const string CreateSchema = """
        CREATE TABLE IF NOT EXISTS journal_schema (
            one_row boolean PRIMARY KEY DEFAULT true CHECK (one_row),
            version integer NOT NULL
        );
        CREATE TABLE IF NOT EXISTS events (
            position       bigint  PRIMARY KEY,
            id             text    NOT NULL UNIQUE,
            type           text    NOT NULL,
            aggregate_id   text    NOT NULL,
            aggregate_type text    NOT NULL,
            version        bigint  NOT NULL CHECK (version > 0),
            timestamp      bigint  NOT NULL,
            source         text    NOT NULL,
            payload        text    NOT NULL,
            metadata       text,
            causation_id   text,
            correlation_id text,
            request        text,
            UNIQUE (aggregate_id, version)
        );
        CREATE INDEX IF NOT EXISTS idx_events_aggregate_type ON events (aggregate_type);
        CREATE INDEX IF NOT EXISTS idx_events_type ON events (type);
        CREATE INDEX IF NOT EXISTS idx_events_timestamp ON events (timestamp);
        CREATE TABLE IF NOT EXISTS snapshots (
            aggregate_id   text    PRIMARY KEY,
            aggregate_type text    NOT NULL,
            version        bigint  NOT NULL,
            state          text    NOT NULL,
            timestamp      bigint  NOT NULL
        );
        CREATE TABLE IF NOT EXISTS grain_snapshots (
            aggregate_id   text    PRIMARY KEY,
            aggregate_type text    NOT NULL,
            version        bigint  NOT NULL,
            state          text    NOT NULL,
            timestamp      bigint  NOT NULL
        );
        CREATE TABLE IF NOT EXISTS journal_head (
            one_row  boolean PRIMARY KEY DEFAULT true CHECK (one_row),
            position bigint  NOT NULL
        );
        ALTER TABLE events ADD COLUMN IF NOT EXISTS request text;
        INSERT INTO journal_head (one_row, position) SELECT true, COALESCE(MAX(position), 0) FROM events
        ON CONFLICT (one_row) DO NOTHING;
        CREATE TABLE IF NOT EXISTS journal_totals (
            one_row          boolean PRIMARY KEY DEFAULT true CHECK (one_row),
            events           bigint  NOT NULL,
            aggregates       bigint  NOT NULL,
            oldest_timestamp bigint,
            newest_timestamp bigint,
            snapshots        bigint  NOT NULL,
            grain_snapshots  bigint  NOT NULL
        );
        CREATE TABLE IF NOT EXISTS event_type_counts (
            type   text   PRIMARY KEY,
            events bigint NOT NULL
        );
        CREATE TABLE IF NOT EXISTS aggregate_type_counts (
            aggregate_type text   PRIMARY KEY,
            events         bigint NOT NULL
        );
        CREATE OR REPLACE FUNCTION journal_count_snapshots() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            delta bigint := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
        BEGIN
            IF TG_TABLE_NAME = 'snapshots' THEN
                UPDATE journal_totals SET snapshots = snapshots + delta;
            ELSE
                UPDATE journal_totals SET grain_snapshots = grain_snapshots + delta;
            END IF;
            RETURN NULL;
        END
        $$;
        DROP TRIGGER IF EXISTS snapshots_counted ON snapshots;
        CREATE TRIGGER snapshots_counted AFTER INSERT OR DELETE ON snapshots FOR EACH ROW EXECUTE FUNCTION journal_count_snapshots();
        DROP TRIGGER IF EXISTS grain_snapshots_counted ON grain_snapshots;
        CREATE TRIGGER grain_snapshots_counted AFTER INSERT OR DELETE ON grain_snapshots FOR EACH ROW EXECUTE FUNCTION journal_count_snapshots();
        """;

    /// <summary>
    /// Computes every stats counter from the rows, replacing what was there: run once by the upgrade to schema 4, in
    /// its transaction after <see cref="LockHead"/> (so no batch commits meanwhile), and the statements a verify or
    /// import command would reuse. It reads every row.
    /// </summary>
    public const string RecountStats = """
        DELETE FROM journal_totals;
        DELETE FROM event_type_counts;
        DELETE FROM aggregate_type_counts;
        INSERT INTO journal_totals (one_row, events, aggregates, oldest_timestamp, newest_timestamp, snapshots, grain_snapshots)
        SELECT true, COUNT(*), COUNT(DISTINCT aggregate_id), MIN(timestamp), MAX(timestamp),
               (SELECT COUNT(*) FROM snapshots), (SELECT COUNT(*) FROM grain_snapshots)
        FROM events;
        INSERT INTO event_type_counts (type, events) SELECT type, COUNT(*) FROM events GROUP BY type;
        INSERT INTO aggregate_type_counts (aggregate_type, events) SELECT aggregate_type, COUNT(*) FROM events GROUP BY aggregate_type;
        """;

    /// <summary>
    /// Adds one batch's events to the totals, after the batch's appends (so after <see cref="LockHead"/>: the counter rows
    /// are only ever locked behind the head row). The snapshot counts are kept by the snapshot tables' triggers.
    /// </summary>
    public const string AddToTotals = """
        UPDATE journal_totals SET
            events = events + @events,
            aggregates = aggregates + @aggregates,
            oldest_timestamp = LEAST(oldest_timestamp, @oldest),
            newest_timestamp = GREATEST(newest_timestamp, @newest)
        """;

    /// <summary>Adds to the counts of several event types at once (@names and @events are arrays of one length).</summary>
    public const string AddToEventTypeCounts = """
        INSERT INTO event_type_counts (type, events) SELECT * FROM unnest(@names, @events)
        ON CONFLICT (type) DO UPDATE SET events = event_type_counts.events + excluded.events
        """;

    /// <summary>Adds to the counts of several aggregate types at once (@names and @events are arrays of one length).</summary>
    public const string AddToAggregateTypeCounts = """
        INSERT INTO aggregate_type_counts (aggregate_type, events) SELECT * FROM unnest(@names, @events)
        ON CONFLICT (aggregate_type) DO UPDATE SET events = aggregate_type_counts.events + excluded.events
        """;

    public const string RecordSchemaVersion = """
        INSERT INTO journal_schema (one_row, version) VALUES (true, @version)
        ON CONFLICT (one_row) DO UPDATE SET version = excluded.version
        """;

    /// <summary>Makes every statement of the writer's session wait at most this long for a lock (milliseconds as text).</summary>
    public const string SetLockTimeout = "SELECT set_config('lock_timeout', @milliseconds, false)";

    /// <summary>Acknowledged means flushed to disk on the server, whatever the server's default is.</summary>
    public const string SetSynchronousCommit = "SET synchronous_commit = on";

    /// <summary>Taken first in every batch: the counter row's lock orders the batches of every silo, and nothing else is locked before it.</summary>
    public const string LockHead = "SELECT position FROM journal_head FOR UPDATE";

    /// <summary>Hands out the next <c>@count</c> positions; returns the last of them. Rolled back with the append's savepoint.</summary>
    public const string TakePositions = "UPDATE journal_head SET position = position + @count RETURNING position";

    /// <summary>
    /// The heads of many streams in one round trip (@ids a text array): one index probe of <c>UNIQUE(aggregate_id, version)</c>
    /// per stream, newest version first; a stream with no event has no row.
    /// </summary>
    public const string SelectStreamHeads = """
        SELECT ids.id, head.version, head.aggregate_type FROM unnest(@ids) AS ids(id)
        CROSS JOIN LATERAL (SELECT version, aggregate_type FROM events WHERE aggregate_id = ids.id ORDER BY version DESC LIMIT 1) head
        """;

    /// <summary>Sets the counter to the last position the batch's write took (the head row is locked by the batch since <see cref="LockHead"/>).</summary>
    public const string SetHead = "UPDATE journal_head SET position = @position";

    /// <summary>Every event of a batch in one statement: one array per column, all of one length, rows in position order.</summary>
    public const string InsertEvents = """
        INSERT INTO events (position, id, type, aggregate_id, aggregate_type, version, timestamp, source, payload, metadata, causation_id, correlation_id, request, schema_version)
        SELECT * FROM unnest(@position, @id, @type, @aggregate_id, @aggregate_type, @version, @timestamp, @source, @payload, @metadata, @causation_id, @correlation_id, @request, @schema_version)
        """;

    public const string BulkSavepoint = "SAVEPOINT bulk";

    public const string RollbackToBulkSavepoint = "ROLLBACK TO SAVEPOINT bulk";

    public const string ReleaseBulkSavepoint = "RELEASE SAVEPOINT bulk";

    public const string Savepoint = "SAVEPOINT append";

    public const string RollbackToSavepoint = "ROLLBACK TO SAVEPOINT append";

    public const string ReleaseSavepoint = "RELEASE SAVEPOINT append";

    /// <summary>The columns every read of events selects, in the order <c>EventRowReader</c> reads them (schema_version: schema 5).</summary>
    public const string Columns =
        "position, id, type, aggregate_id, aggregate_type, version, timestamp, source, payload, metadata, causation_id, correlation_id, schema_version";

    /// <summary>The stream's head: its last version and its aggregate type.</summary>
    public const string SelectStreamHead =
        "SELECT version, aggregate_type FROM events WHERE aggregate_id = @aggregate_id ORDER BY version DESC LIMIT 1";

    public const string SelectStreamVersion = "SELECT COALESCE(MAX(version), 0) FROM events WHERE aggregate_id = @aggregate_id";

    public const string InsertEvent = """
        INSERT INTO events (position, id, type, aggregate_id, aggregate_type, version, timestamp, source, payload, metadata, causation_id, correlation_id, request, schema_version)
        VALUES (@position, @id, @type, @aggregate_id, @aggregate_type, @version, @timestamp, @source, @payload, @metadata, @causation_id, @correlation_id, @request, @schema_version)
        """;

    public const string SelectStream =
        $"SELECT {Columns} FROM events WHERE aggregate_id = @aggregate_id AND version > @after_version AND version <= @to_version ORDER BY version";

    /// <summary>Who holds an event id: its aggregate and version.</summary>
    public const string SelectIdOwner = "SELECT id, aggregate_id, version FROM events WHERE id = @id";

    public const string SelectById = $"SELECT {Columns} FROM events WHERE id = @id";

    /// <summary>The event with an id, and the fingerprint of the request that wrote it (the column after <see cref="Columns"/>).</summary>
    public const string SelectStoredById = $"SELECT {Columns}, request FROM events WHERE id = @id";

    /// <summary>Rows as stored from @from, with <c>request</c> after the event columns (see <see cref="StoredRow"/>).</summary>
    public const string SelectRowsFrom = $"SELECT {Columns}, request FROM events WHERE position >= @from ORDER BY position LIMIT @limit";

    public const string SelectAllFrom = $"SELECT {Columns} FROM events WHERE position >= @from ORDER BY position LIMIT @limit";

    // --- Verification: what the unique indexes should make impossible, and the snapshots' heads. ---

    /// <summary>Ids held by more than one row at positions up to @to, with how many, first held first.</summary>
    public const string SelectDuplicateIds =
        "SELECT id, COUNT(*) FROM events WHERE position <= @to GROUP BY id HAVING COUNT(*) > 1 ORDER BY MIN(position) LIMIT @limit";

    /// <summary>The snapshot counters and the snapshot tables' row counts, in one statement (one snapshot of the database).</summary>
    public const string CountSnapshots =
        "SELECT snapshots, grain_snapshots, (SELECT COUNT(*) FROM snapshots), (SELECT COUNT(*) FROM grain_snapshots) FROM journal_totals";

    /// <summary>A page of the snapshots of <paramref name="owner"/>'s table after the aggregate id @after: id, aggregate type, version.</summary>
    public static string SelectSnapshotHeads(SnapshotOwner owner) =>
        $"SELECT aggregate_id, aggregate_type, version FROM {(owner == SnapshotOwner.Grain ? "grain_snapshots" : "snapshots")} WHERE aggregate_id > @after ORDER BY aggregate_id LIMIT @limit";

    public const string SelectByTypeFrom = $"SELECT {Columns} FROM events WHERE type = @type AND position >= @from ORDER BY position LIMIT @limit";

    /// <summary>Events of the given aggregate types (a text array) with positions in [@from, @to], in position order.</summary>
    public const string SelectRangeOfAggregateTypes =
        $"SELECT {Columns} FROM events WHERE position >= @from AND position <= @to AND aggregate_type = ANY(@aggregate_types) ORDER BY position LIMIT @limit";

    /// <summary>The aggregate's snapshot in the table of <paramref name="owner"/>.</summary>
    public static string SelectSnapshot(SnapshotOwner owner) => owner == SnapshotOwner.Grain ? SelectGrainSnapshot : SelectStoreSnapshot;

    /// <summary>Stores a snapshot in the table of <paramref name="owner"/> unless a newer one is already there: the latest version wins.</summary>
    public static string UpsertSnapshot(SnapshotOwner owner) => owner == SnapshotOwner.Grain ? UpsertGrainSnapshot : UpsertStoreSnapshot;

    private const string SelectStoreSnapshot = "SELECT aggregate_id, aggregate_type, version, state, timestamp FROM snapshots WHERE aggregate_id = @aggregate_id";

    private const string SelectGrainSnapshot = "SELECT aggregate_id, aggregate_type, version, state, timestamp FROM grain_snapshots WHERE aggregate_id = @aggregate_id";

    private const string UpsertStoreSnapshot = """
        INSERT INTO snapshots (aggregate_id, aggregate_type, version, state, timestamp)
        VALUES (@aggregate_id, @aggregate_type, @version, @state, @timestamp)
        ON CONFLICT (aggregate_id) DO UPDATE SET
            aggregate_type = excluded.aggregate_type, version = excluded.version, state = excluded.state, timestamp = excluded.timestamp
        WHERE excluded.version >= snapshots.version
        """;

    private const string UpsertGrainSnapshot = """
        INSERT INTO grain_snapshots (aggregate_id, aggregate_type, version, state, timestamp)
        VALUES (@aggregate_id, @aggregate_type, @version, @state, @timestamp)
        ON CONFLICT (aggregate_id) DO UPDATE SET
            aggregate_type = excluded.aggregate_type, version = excluded.version, state = excluded.state, timestamp = excluded.timestamp
        WHERE excluded.version >= grain_snapshots.version
        """;

    /// <summary>Makes the stats transaction (REPEATABLE READ) read-only: one snapshot for every count.</summary>
    public const string ReadOnly = "SET TRANSACTION READ ONLY";

    /// <summary>The counters kept as the journal grows, and the head; none of the stats statements reads the events' rows.</summary>
    public const string StatsTotals = """
        SELECT t.events, t.aggregates, t.oldest_timestamp, t.newest_timestamp, t.snapshots, t.grain_snapshots, h.position
        FROM journal_totals t CROSS JOIN journal_head h
        """;

    public const string StatsByType = "SELECT type, events FROM event_type_counts";

    public const string StatsByAggregateType = "SELECT aggregate_type, events FROM aggregate_type_counts";

    public const string HeadPosition = "SELECT COALESCE(MAX(position), 0) FROM events";

    public const string SelectTimestampAt = "SELECT timestamp FROM events WHERE position >= @position ORDER BY position LIMIT 1";

    /// <summary>Bytes of every table of the journal with its indexes and TOAST data.</summary>
    public const string SizeBytes = """
        SELECT (pg_total_relation_size('events') + pg_total_relation_size('snapshots') + pg_total_relation_size('grain_snapshots')
              + pg_total_relation_size('journal_head') + pg_total_relation_size('journal_schema'))::bigint
        """;

    /// <summary>
    /// A filtered query in global order. Only conditions are composed; every value is bound as a
    /// parameter (lists as text arrays). A NULL @limit means no limit.
    /// </summary>
    public static string Query(bool aggregateIds, bool aggregateTypes, bool eventTypes, bool after, bool before, bool fromVersion)
    {
        var conditions = new List<string>();
        if (aggregateIds) conditions.Add("aggregate_id = ANY(@aggregate_ids)");
        if (aggregateTypes) conditions.Add("aggregate_type = ANY(@aggregate_types)");
        if (eventTypes) conditions.Add("type = ANY(@types)");
        if (after) conditions.Add("timestamp >= @after");
        if (before) conditions.Add("timestamp < @before");
        if (fromVersion) conditions.Add("version >= @from_version");
        var where = conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
        return $"SELECT {Columns} FROM events{where} ORDER BY position LIMIT @limit OFFSET @offset";
    }

    // ---- Schema 5: run timelines (correlation and causation) ----

    /// <summary>
    /// Schema 5, run timelines: a correlation id's events in commit order are one range of <c>idx_events_correlation</c>,
    /// and the events an event caused are one lookup in <c>idx_events_causation</c>. Partial: events without the id cost
    /// nothing. Run by the upgrade in its transaction (building them reads the events once and holds off appends meanwhile).
    /// </summary>
    public const string CreateTimelineIndexes = """
        CREATE INDEX IF NOT EXISTS idx_events_correlation ON events (correlation_id, position) WHERE correlation_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS idx_events_causation ON events (causation_id) WHERE causation_id IS NOT NULL;
        """;

    /// <summary>Up to @limit events of one correlation id from position @from, in commit order: a range scan of <c>idx_events_correlation</c>.</summary>
    public const string SelectCorrelationFrom =
        $"SELECT {Columns} FROM events WHERE correlation_id = @correlation_id AND position >= @from ORDER BY position LIMIT @limit";

    /// <summary>
    /// The event @event_id and every event it caused, transitively (an event's causation_id is the id of its cause), each
    /// with its depth below it (column <c>depth</c>, after <see cref="Columns"/>), in commit order, at most @limit of them. A
    /// recursive query yields its levels in turn (the root, what it caused, what those caused…) and is evaluated only as
    /// far as its rows are read, so the LIMIT stops the walk: a cut-off tree is its top, whole levels then part of the
    /// next, every event's cause included. It ends on any data: each event has one cause, so it is reached at most once,
    /// except the root (a cycle can only lead back to it), which the recursion never enters again; and the LIMIT stops it
    /// in any case. Each step is one lookup in <c>idx_events_causation</c> per event of the level.
    /// </summary>
    public const string SelectCausationTree = $"""
        WITH RECURSIVE tree(node_id, node_position, depth) AS (
            SELECT id, position, 0 FROM events WHERE id = @event_id
            UNION ALL
            SELECT e.id, e.position, tree.depth + 1 FROM tree JOIN events e ON e.causation_id = tree.node_id
            WHERE e.causation_id IS NOT NULL AND e.id <> @event_id
        )
        SELECT {Columns}, walked.depth FROM (SELECT node_position, depth FROM tree LIMIT @limit) walked
        JOIN events ON events.position = walked.node_position ORDER BY position
        """;

    // --- Live subscriptions (issue 12) ---

    /// <summary>
    /// A subscription's page: events in (@after, @to], in position order, of the given aggregate types and event types
    /// (text arrays; no condition when absent).
    /// </summary>
    public static string SelectMatchingAfter(bool aggregateTypes, bool eventTypes)
    {
        var conditions = "position > @after AND position <= @to";
        if (aggregateTypes) conditions += " AND aggregate_type = ANY(@aggregate_types)";
        if (eventTypes) conditions += " AND type = ANY(@types)";
        return $"SELECT {Columns} FROM events WHERE {conditions} ORDER BY position LIMIT @limit";
    }

    // --- Schema 5, upcasting: the schema version of each row's payload, and reads by type under several stored names. ---

    /// <summary>
    /// Schema 5: the schema version of each row's payload; older rows (and rows inserted without it) are at version 1.
    /// Run by the upgrade after <see cref="CreateSchema"/>; a constant default makes it a change of the catalog only.
    /// </summary>
    public const string AddSchemaVersionColumn = "ALTER TABLE events ADD COLUMN IF NOT EXISTS schema_version integer NOT NULL DEFAULT 1";

    /// <summary>Events stored under any of the names in @types (a text array: one type and its former names) from @from, in position order.</summary>
    public const string SelectByTypesFrom = $"SELECT {Columns} FROM events WHERE type = ANY(@types) AND position >= @from ORDER BY position LIMIT @limit";
}
