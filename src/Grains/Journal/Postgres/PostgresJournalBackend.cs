using EventStore.Errors;
using EventStore.Projections;
using EventStore.Reminders;
using EventStore.Store;
using Npgsql;

namespace EventStore.Journal.Postgres;

/// <summary>
/// The journal in a PostgreSQL database, shared by every silo of a cluster: one writer connection per silo
/// for its group-commit writer (positions handed out gaplessly in commit order, see
/// <see cref="PostgresBatchStore"/>), pooled asynchronous readers beside it, and the schema created or
/// upgraded under an advisory lock at start.
/// </summary>
/// <remarks>
/// Backups are the server's business (<c>pg_dump</c>, <c>pg_basebackup</c>), so <see cref="BackupAsync"/>
/// refuses. PostgreSQL checkpoints by itself (<c>checkpoint_timeout</c>, <c>max_wal_size</c>) and a
/// checkpoint is not needed for durability or to bound anything the journal keeps, so
/// <see cref="CheckpointAsync"/> does nothing and says so: not busy, 0 frames.
/// </remarks>
internal sealed class PostgresJournalBackend : IJournalBackend, IDisposable
{
    /// <summary>How the writers' connections name themselves to the server (<c>pg_stat_activity.application_name</c>).</summary>
    public const string WriterApplicationName = "event-journal-writer";

    private readonly NpgsqlDataSource _readers;
    private readonly NpgsqlDataSource _writer;
    private readonly TimeSpan _lockTimeout;

    public PostgresJournalBackend(JournalOptions options, EventPayloadSerializer serializer)
    {
        var connectionString = options.ConnectionString
                               ?? throw new ArgumentException("EventStore:Journal:ConnectionString is required for the PostgreSQL journal.");
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Description = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database} (synchronous_commit on)";
        // A pooled connection is reset with DISCARD ALL when reused, which drops cached plans; readers skip it.
        _readers = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ToString()).Build();
        // The writer keeps one connection for its lifetime, with its prepared statements, never from the pool.
        _writer = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = WriterApplicationName }.ToString()).Build();
        _lockTimeout = options.BusyTimeout;
        Reader = new PostgresJournalReader(_readers, new EventRowReader(serializer));
    }

    /// <summary>Server and database, never the password.</summary>
    public string Description { get; }

    public IJournalReader Reader { get; }

    /// <summary>
    /// Creates the schema if missing and upgrades it from any earlier version, in one transaction holding an
    /// advisory lock, so silos starting at once take turns; records <see cref="PostgresJournalSql.SchemaVersion"/>.
    /// A database already at this version is left alone (even <c>IF NOT EXISTS</c> DDL would take locks that
    /// queue behind, and then block, the other silos' appends and reads); one recorded by a newer version is refused.
    /// An upgrade computes the stats counters from the rows once, in the same transaction, holding the head row's
    /// lock (so no batch commits between the count and the new version: the counters agree with the rows).
    /// An upgrade from schema 4 only builds the run timelines' indexes (schema 5); appends wait for them.
    /// </summary>
    public void EnsureSchema()
    {
        using var connection = _writer.OpenConnection();
        using var transaction = connection.BeginTransaction();
        using (var lockSchema = new NpgsqlCommand(PostgresJournalSql.LockSchema, connection, transaction))
        {
            lockSchema.Parameters.AddWithValue("key", PostgresJournalSql.SchemaLockKey);
            lockSchema.ExecuteNonQuery();
        }
        var recorded = RecordedSchemaVersion(connection, transaction);
        if (recorded > PostgresJournalSql.SchemaVersion)
            throw new InvalidOperationException(
                $"The journal in {Description} has schema version {recorded}, newer than this silo's {PostgresJournalSql.SchemaVersion}; upgrade the silo.");
        if (recorded == PostgresJournalSql.SchemaVersion) return; // DDL would lock tables that running silos use
        using (var create = new NpgsqlCommand(PostgresJournalSql.CreateSchema, connection, transaction)) create.ExecuteNonQuery();
        using (var indexes = new NpgsqlCommand(PostgresJournalSql.CreateTimelineIndexes, connection, transaction)) indexes.ExecuteNonQuery(); // schema 5: run timelines
        using (var addColumn = new NpgsqlCommand(PostgresJournalSql.AddSchemaVersionColumn, connection, transaction)) addColumn.ExecuteNonQuery(); // schema 5
        using (var lockHead = new NpgsqlCommand(PostgresJournalSql.LockHead, connection, transaction)) lockHead.ExecuteNonQuery();
        if (recorded is null or < PostgresJournalSql.StatsSchemaVersion) // schema 4 has its counters already
            using (var recount = new NpgsqlCommand(PostgresJournalSql.RecountStats, connection, transaction)) recount.ExecuteNonQuery();
        using (var record = new NpgsqlCommand(PostgresJournalSql.RecordSchemaVersion, connection, transaction))
        {
            record.Parameters.AddWithValue("version", PostgresJournalSql.SchemaVersion);
            record.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private static int? RecordedSchemaVersion(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        using (var exists = new NpgsqlCommand(PostgresJournalSql.SchemaTableExists, connection, transaction))
            if (!(bool)exists.ExecuteScalar()!) return null;
        using var select = new NpgsqlCommand(PostgresJournalSql.SelectSchemaVersion, connection, transaction);
        return select.ExecuteScalar() is int version ? version : null;
    }

    public IJournalBatchStore CreateBatchStore() => new PostgresBatchStore(_writer, Description, _lockTimeout);

    /// <summary>Read models on the readers' pooled connections (a commit is one transaction on one of them).</summary>
    public IReadModelStore CreateReadModelStore() => new PostgresReadModelStore(_readers);

    /// <summary>Bytes of the journal's tables with their indexes (<c>pg_total_relation_size</c>).</summary>
    public async Task<long> GetSizeBytesAsync()
    {
        await using var command = _readers.CreateCommand(PostgresJournalSql.SizeBytes);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Refuses: a copy of a server database is taken with the server's own tools.</summary>
    public Task<BackupResult> BackupAsync(string fileName) =>
        Task.FromException<BackupResult>(new InvalidCommandException("fileName",
            $"the journal is in {Description}; back it up with pg_dump (a logical copy) or pg_basebackup (a physical copy with point-in-time recovery), not through the event store"));

    /// <summary>Does nothing: PostgreSQL checkpoints by itself, and nothing waits on it. Reports not busy, 0 frames.</summary>
    public Task<CheckpointResult> CheckpointAsync() => Task.FromResult(new CheckpointResult(Busy: false, WalFrames: 0, CheckpointedFrames: 0));

    public void Dispose()
    {
        _readers.Dispose();
        _writer.Dispose();
    }

    // Reminders (memory time to live).

    /// <summary>The reminder table on the readers' pooled connections.</summary>
    public IReminderDatabase CreateReminderDatabase() => new PostgresReminderDatabase(_readers);
}
