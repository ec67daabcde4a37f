using EventStore.Journal;
using EventStore.Journal.Postgres;
using EventStore.Journal.Sqlite;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EventStore.Tests.Timeline;

/// <summary>
/// A journal of schema 4 (before the run timelines' indexes), with correlated and caused rows, opens at schema 5 with
/// both indexes; the timeline and causation tree read its old rows; and the database's planner reads both through
/// their indexes (the queries' plans name them).
/// </summary>
public abstract class TimelineSchemaTests(JournalCluster upgraded)
{
    /// <summary>The rows of the schema-4 journal: run 'old-run' is r1, r2, r3 (r4 is caused by r1 in another run); x1, x2 are uncorrelated.</summary>
    internal const string Schema4Rows = """
        INSERT INTO events (position, id, type, aggregate_id, aggregate_type, version, timestamp, source, payload, causation_id, correlation_id) VALUES
            (1, 'r1', 'test:note', 'old-1', 'ledger', 1, 100, 'test', '{"text":"1"}', NULL, 'old-run'),
            (2, 'r2', 'test:note', 'old-2', 'ledger', 1, 200, 'test', '{"text":"2"}', 'r1', 'old-run'),
            (3, 'x1', 'test:note', 'old-3', 'ledger', 1, 300, 'test', '{"text":"3"}', NULL, NULL),
            (4, 'r3', 'test:note', 'old-1', 'ledger', 2, 400, 'test', '{"text":"4"}', 'r2', 'old-run'),
            (5, 'r4', 'test:note', 'old-2', 'ledger', 2, 500, 'test', '{"text":"5"}', 'r1', 'other-run'),
            (6, 'x2', 'test:note', 'old-3', 'ledger', 2, 600, 'test', '{"text":"6"}', NULL, NULL);
        INSERT INTO journal_totals (one_row, events, aggregates, oldest_timestamp, newest_timestamp, snapshots, grain_snapshots)
            VALUES (true, 6, 3, 100, 600, 0, 0);
        INSERT INTO event_type_counts VALUES ('test:note', 6);
        INSERT INTO aggregate_type_counts VALUES ('ledger', 6);
        """;

    /// <summary>The recorded schema version and the names of the events table's indexes, read with plain SQL.</summary>
    protected abstract (long Version, ISet<string> Indexes) Schema(JournalCluster target);

    /// <summary>The plan the database makes for the journal's own statement, with these parameter values, as text.</summary>
    protected abstract string Plan(JournalCluster target, string sql, params (string Name, object Value)[] parameters);

    /// <summary>The journal's statement reading a page of a timeline.</summary>
    protected abstract string TimelineSql { get; }

    /// <summary>The journal's statement reading a causation tree.</summary>
    protected abstract string CausationTreeSql { get; }

    [Fact]
    public async Task A_schema_4_journal_opens_at_schema_5_with_the_indexes_and_its_old_rows_in_timelines_and_trees()
    {
        var (version, indexes) = Schema(upgraded);
        Assert.Equal(5, version);
        Assert.Contains("idx_events_correlation", indexes);
        Assert.Contains("idx_events_causation", indexes);

        var store = upgraded.Client.GetEventStore();
        Assert.Equal(new[] { "r1", "r2", "r3" }, (await store.GetTimeline("old-run")).Events.Select(e => e.Id));
        var tree = await store.GetCausationTree("r1");
        Assert.Equal(new[] { ("r1", 0), ("r2", 1), ("r3", 2), ("r4", 1) }, tree.Events.Select(e => (e.Event.Id, e.Depth)));

        // Written after the upgrade: in the same timeline and tree, and counted on top of the schema-4 counters (no recount).
        await store.Append("old-2", "ledger", [new NewEvent(new NoteAdded("new")) { Id = "r5", CausationId = "r3", CorrelationId = "old-run" }], expectedVersion: 2);
        Assert.Equal(new[] { "r1", "r2", "r3", "r5" }, (await store.GetTimeline("old-run")).Events.Select(e => e.Id));
        Assert.Equal(("r5", 3), (await store.GetCausationTree("r1")).Events.Select(e => (e.Event.Id, e.Depth)).Last());
        Assert.Equal(7, (await store.GetStats()).TotalEvents);
    }

    [Fact]
    public void The_timeline_and_the_causation_tree_are_read_through_their_indexes()
    {
        var timeline = Plan(upgraded, TimelineSql, ("correlation_id", "old-run"), ("from", 0L), ("limit", 1001L));
        var tree = Plan(upgraded, CausationTreeSql, ("event_id", "r1"), ("limit", 1001L));

        Assert.Contains("idx_events_correlation", timeline);
        Assert.Contains("idx_events_causation", tree);
    }

}

/// <summary>A cluster of its own on a journal of schema 4 laid down by plain SQL before its first silo starts.</summary>
public abstract class Schema4Cluster : JournalCluster
{
    /// <summary>Lays down schema 4 as the backend had it, with <see cref="TimelineSchemaTests.Schema4Rows"/>.</summary>
    protected abstract void LayDownSchema4();

    /// <inheritdoc />
    protected override void Prepare() => LayDownSchema4();
}

/// <summary>A SQLite journal file of schema 4.</summary>
public sealed class SqliteSchema4Cluster : Schema4Cluster
{
    /// <summary>Schema 4 as SQLite files had it: the tables and their indexes, the counters and their triggers, no timeline indexes.</summary>
    protected override void LayDownSchema4()
    {
        using var connection = TimelineSchemaTests_Sqlite.Open(this);
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            CREATE TABLE events (
                position INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, aggregate_id TEXT NOT NULL,
                aggregate_type TEXT NOT NULL, version INTEGER NOT NULL CHECK (version > 0), timestamp INTEGER NOT NULL, source TEXT NOT NULL,
                payload TEXT NOT NULL, metadata TEXT, causation_id TEXT, correlation_id TEXT, request TEXT, UNIQUE (aggregate_id, version));
            CREATE INDEX idx_events_aggregate_type ON events (aggregate_type);
            CREATE INDEX idx_events_type ON events (type);
            CREATE INDEX idx_events_timestamp ON events (timestamp);
            CREATE TABLE snapshots (aggregate_id TEXT PRIMARY KEY, aggregate_type TEXT NOT NULL, version INTEGER NOT NULL, state TEXT NOT NULL, timestamp INTEGER NOT NULL);
            CREATE TABLE grain_snapshots (aggregate_id TEXT PRIMARY KEY, aggregate_type TEXT NOT NULL, version INTEGER NOT NULL, state TEXT NOT NULL, timestamp INTEGER NOT NULL);
            CREATE TABLE journal_totals (one_row INTEGER PRIMARY KEY CHECK (one_row = 1), events INTEGER NOT NULL, aggregates INTEGER NOT NULL,
                oldest_timestamp INTEGER, newest_timestamp INTEGER, snapshots INTEGER NOT NULL, grain_snapshots INTEGER NOT NULL);
            CREATE TABLE event_type_counts (type TEXT PRIMARY KEY, events INTEGER NOT NULL);
            CREATE TABLE aggregate_type_counts (aggregate_type TEXT PRIMARY KEY, events INTEGER NOT NULL);
            CREATE TRIGGER snapshots_inserted AFTER INSERT ON snapshots BEGIN UPDATE journal_totals SET snapshots = snapshots + 1; END;
            CREATE TRIGGER snapshots_deleted AFTER DELETE ON snapshots BEGIN UPDATE journal_totals SET snapshots = snapshots - 1; END;
            CREATE TRIGGER grain_snapshots_inserted AFTER INSERT ON grain_snapshots BEGIN UPDATE journal_totals SET grain_snapshots = grain_snapshots + 1; END;
            CREATE TRIGGER grain_snapshots_deleted AFTER DELETE ON grain_snapshots BEGIN UPDATE journal_totals SET grain_snapshots = grain_snapshots - 1; END;
            {TimelineSchemaTests.Schema4Rows}
            PRAGMA user_version = 4;
            """;
        command.ExecuteNonQuery();
    }
}

/// <summary>A PostgreSQL journal of schema 4.</summary>
public sealed class PostgresSchema4Cluster : Schema4Cluster
{
    /// <inheritdoc />
    public override JournalProvider Provider => JournalProvider.Postgres;

    /// <summary>Schema 4 as PostgreSQL journals had it: the tables and their indexes, the head row, the counters and the recorded version.</summary>
    protected override void LayDownSchema4()
    {
        using var connection = TimelineSchemaTests_Postgres.Open(this);
        using var command = new NpgsqlCommand($"""
            CREATE TABLE journal_schema (one_row boolean PRIMARY KEY DEFAULT true CHECK (one_row), version integer NOT NULL);
            CREATE TABLE events (
                position bigint PRIMARY KEY, id text NOT NULL UNIQUE, type text NOT NULL, aggregate_id text NOT NULL, aggregate_type text NOT NULL,
                version bigint NOT NULL CHECK (version > 0), timestamp bigint NOT NULL, source text NOT NULL, payload text NOT NULL,
                metadata text, causation_id text, correlation_id text, request text, UNIQUE (aggregate_id, version));
            CREATE INDEX idx_events_aggregate_type ON events (aggregate_type);
            CREATE INDEX idx_events_type ON events (type);
            CREATE INDEX idx_events_timestamp ON events (timestamp);
            CREATE TABLE snapshots (aggregate_id text PRIMARY KEY, aggregate_type text NOT NULL, version bigint NOT NULL, state text NOT NULL, timestamp bigint NOT NULL);
            CREATE TABLE grain_snapshots (aggregate_id text PRIMARY KEY, aggregate_type text NOT NULL, version bigint NOT NULL, state text NOT NULL, timestamp bigint NOT NULL);
            CREATE TABLE journal_head (one_row boolean PRIMARY KEY DEFAULT true CHECK (one_row), position bigint NOT NULL);
            CREATE TABLE journal_totals (one_row boolean PRIMARY KEY DEFAULT true CHECK (one_row), events bigint NOT NULL, aggregates bigint NOT NULL,
                oldest_timestamp bigint, newest_timestamp bigint, snapshots bigint NOT NULL, grain_snapshots bigint NOT NULL);
            CREATE TABLE event_type_counts (type text PRIMARY KEY, events bigint NOT NULL);
            CREATE TABLE aggregate_type_counts (aggregate_type text PRIMARY KEY, events bigint NOT NULL);
            {TimelineSchemaTests.Schema4Rows}
            INSERT INTO journal_head VALUES (true, 6);
            INSERT INTO journal_schema VALUES (true, 4);
            """, connection);
        command.ExecuteNonQuery();
    }
}

public sealed class TimelineSchemaTests_Sqlite(SqliteSchema4Cluster cluster) : TimelineSchemaTests(cluster), IClassFixture<SqliteSchema4Cluster>
{
    protected override string TimelineSql => SqliteJournalSql.SelectCorrelationFrom;

    protected override string CausationTreeSql => SqliteJournalSql.SelectCausationTree;

    protected override (long Version, ISet<string> Indexes) Schema(JournalCluster target)
    {
        using var connection = Open(target);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        var version = (long)command.ExecuteScalar()!;
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'";
        using var reader = command.ExecuteReader();
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read()) names.Add(reader.GetString(0));
        return (version, names);
    }

    /// <summary>EXPLAIN QUERY PLAN's details, one line each.</summary>
    protected override string Plan(JournalCluster target, string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = Open(target);
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue("$" + name, value);
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read()) lines.Add(reader.GetString(3));
        return string.Join(Environment.NewLine, lines);
    }

    internal static SqliteConnection Open(JournalCluster target)
    {
        var connection = new SqliteConnection($"Data Source={target.DatabasePath};Pooling=False");
        connection.Open();
        return connection;
    }
}

public sealed class TimelineSchemaTests_Postgres(PostgresSchema4Cluster cluster) : TimelineSchemaTests(cluster), IClassFixture<PostgresSchema4Cluster>
{
    protected override string TimelineSql => PostgresJournalSql.SelectCorrelationFrom;

    protected override string CausationTreeSql => PostgresJournalSql.SelectCausationTree;

    protected override (long Version, ISet<string> Indexes) Schema(JournalCluster target)
    {
        using var connection = Open(target);
        using var version = new NpgsqlCommand("SELECT version FROM journal_schema", connection);
        var recorded = (int)version.ExecuteScalar()!;
        using var indexes = new NpgsqlCommand("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'events'", connection);
        using var reader = indexes.ExecuteReader();
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read()) names.Add(reader.GetString(0));
        return (recorded, names);
    }

    /// <summary>
    /// EXPLAIN's lines, with sequential scans priced out: this journal holds a handful of rows, which the planner would
    /// rather read whole; on a large journal the indexes win on their own. This shows the indexes apply to the
    /// statements as written (their partial-index conditions included).
    /// </summary>
    protected override string Plan(JournalCluster target, string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = Open(target);
        using (var off = new NpgsqlCommand("SET enable_seqscan = off", connection)) off.ExecuteNonQuery();
        using var command = new NpgsqlCommand("EXPLAIN " + sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read()) lines.Add(reader.GetString(0));
        return string.Join(Environment.NewLine, lines);
    }

    internal static NpgsqlConnection Open(JournalCluster target)
    {
        var connection = new NpgsqlConnection(target.ConnectionString);
        connection.Open();
        return connection;
    }
}
