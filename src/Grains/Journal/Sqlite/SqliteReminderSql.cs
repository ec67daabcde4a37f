using EventStore.Reminders;

namespace EventStore.Journal.Sqlite;

/// <summary>
/// Every SQL statement of the Orleans reminder table in the journal's SQLite file (<see cref="JournalReminderTable"/>).
/// The table is not part of the journal's schema version: it is created, if missing, when the reminder service starts.
/// Times and periods are .NET ticks (UTC), so that a reminder's schedule reads back exactly as it was written; the grain
/// hash is the unsigned 32-bit value as an integer.
/// </summary>
internal static class SqliteReminderSql
{
    public const string TableExists = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'orleans_reminders'";

    public const string CreateTable = """
        CREATE TABLE IF NOT EXISTS orleans_reminders (
            service_id    TEXT    NOT NULL,
            grain_id      TEXT    NOT NULL,
            reminder_name TEXT    NOT NULL,
            grain_hash    INTEGER NOT NULL,
            start_at      INTEGER NOT NULL,
            period        INTEGER NOT NULL,
            etag          TEXT    NOT NULL,
            PRIMARY KEY (service_id, grain_id, reminder_name)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS orleans_reminders_by_hash ON orleans_reminders (service_id, grain_hash);
        """;

    public const string SelectByGrain = """
        SELECT grain_id, reminder_name, start_at, period, etag FROM orleans_reminders
        WHERE service_id = @service_id AND grain_id = @grain_id
        """;

    public const string SelectRow = """
        SELECT grain_id, reminder_name, start_at, period, etag FROM orleans_reminders
        WHERE service_id = @service_id AND grain_id = @grain_id AND reminder_name = @reminder_name
        """;

    /// <summary>Hashes in (begin, end], for begin &lt; end.</summary>
    public const string SelectInRange = """
        SELECT grain_id, reminder_name, start_at, period, etag FROM orleans_reminders
        WHERE service_id = @service_id AND grain_hash > @begin AND grain_hash <= @end
        """;

    /// <summary>Hashes above begin or at most end: the range that wraps around the ring, for begin &gt;= end.</summary>
    public const string SelectOutsideRange = """
        SELECT grain_id, reminder_name, start_at, period, etag FROM orleans_reminders
        WHERE service_id = @service_id AND (grain_hash > @begin OR grain_hash <= @end)
        """;

    /// <summary>Writes the row whole, with the caller's new ETag: the last of concurrent upserts wins with its own ETag.</summary>
    public const string Upsert = """
        INSERT INTO orleans_reminders (service_id, grain_id, reminder_name, grain_hash, start_at, period, etag)
        VALUES (@service_id, @grain_id, @reminder_name, @grain_hash, @start_at, @period, @etag)
        ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE SET
            grain_hash = excluded.grain_hash, start_at = excluded.start_at, period = excluded.period, etag = excluded.etag
        """;

    /// <summary>Deletes the row only if it still carries the given ETag.</summary>
    public const string Delete = """
        DELETE FROM orleans_reminders
        WHERE service_id = @service_id AND grain_id = @grain_id AND reminder_name = @reminder_name AND etag = @etag
        """;

    public const string DeleteAll = "DELETE FROM orleans_reminders WHERE service_id = @service_id";

    /// <summary>The statements, for the backend-neutral table.</summary>
    public static ReminderStatements Statements { get; } = new(
        LockSchema: null, TableExists, CreateTable, SelectByGrain, SelectRow, SelectInRange, SelectOutsideRange, Upsert, Delete, DeleteAll);
}
