using EventStore.Reminders;

namespace EventStore.Journal.Postgres;

/// <summary>
/// Every SQL statement of the Orleans reminder table in the journal's PostgreSQL database (<see cref="JournalReminderTable"/>).
/// The table is not part of the journal's schema version: it is created, if missing, when the reminder service starts.
/// Times and periods are .NET ticks (UTC), so that a reminder's schedule reads back exactly as it was written; the grain
/// hash is the unsigned 32-bit value as a bigint. The table is created under an advisory lock (concurrent
/// <c>CREATE TABLE IF NOT EXISTS</c> fails with a duplicate <c>pg_type</c> row) and only when missing.
/// </summary>
internal static class PostgresReminderSql
{
    /// <summary>Held (for the creating transaction only) while one silo creates the table, so silos starting at once take turns.</summary>
    public const long SchemaLockKey = 0x4576_656E_7452_656D; // "EventRem"

    public static readonly string LockSchema = $"SELECT pg_advisory_xact_lock({SchemaLockKey})";

    public const string TableExists = "SELECT to_regclass('orleans_reminders') IS NOT NULL";

    public const string CreateTable = """
        CREATE TABLE IF NOT EXISTS orleans_reminders (
            service_id    text   NOT NULL,
            grain_id      text   NOT NULL,
            reminder_name text   NOT NULL,
            grain_hash    bigint NOT NULL,
            start_at      bigint NOT NULL,
            period        bigint NOT NULL,
            etag          text   NOT NULL,
            PRIMARY KEY (service_id, grain_id, reminder_name)
        );
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
        LockSchema, TableExists, CreateTable, SelectByGrain, SelectRow, SelectInRange, SelectOutsideRange, Upsert, Delete, DeleteAll);
}
