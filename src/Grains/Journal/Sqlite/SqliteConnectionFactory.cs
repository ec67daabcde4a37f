using Microsoft.Data.Sqlite;

namespace EventStore.Journal.Sqlite;

/// <summary>Opens connections to the journal file, configured for WAL and the chosen durability.</summary>
internal sealed class SqliteConnectionFactory
{
    private readonly string _connectionString;
    private readonly string _writerConnectionString;
    private readonly JournalDurability _durability;
    private readonly string _busyTimeoutPragma;

    public SqliteConnectionFactory(JournalOptions options)
    {
        DatabasePath = Path.GetFullPath(options.DatabasePath);
        _durability = options.Durability;
        _busyTimeoutPragma = $"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds};";
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        };
        _connectionString = builder.ToString();
        // The writer's connection never comes from the pool: SQLite silently opens a file it cannot write
        // read-only, and such a pooled handle would keep failing after the file became writable again.
        builder.Pooling = false;
        _writerConnectionString = builder.ToString();
    }

    /// <summary>Absolute path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Taken by this process's writers of the file (the journal's and the read models') before they write.</summary>
    public SqliteWriteLock WriteLock { get; } = new();

    /// <summary>A pooled connection for reading.</summary>
    /// <remarks>
    /// Each connection gets SQLite's own busy timeout: waiting for a lock then retries within
    /// milliseconds, where Microsoft.Data.Sqlite's own retry loop (its only one when busy_timeout is 0)
    /// sleeps 150 ms between tries.
    /// </remarks>
    public SqliteConnection OpenReader() => Open(_connectionString);

    /// <summary>
    /// A connection that never waits for a lock: a statement that meets one reports busy at once instead
    /// of holding its own locks meanwhile. Not pooled, so its setting never reaches another user.
    /// </summary>
    public SqliteConnection OpenNoWait()
    {
        var connection = new SqliteConnection(_writerConnectionString);
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout = 0;");
        return connection;
    }

    private SqliteConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        Execute(connection, _busyTimeoutPragma);
        return connection;
    }

    /// <summary>The writer's connection: WAL, and synchronous per the durability setting.</summary>
    public SqliteConnection OpenWriter() => OpenWriter(_durability);

    /// <summary>
    /// The read models' write connection: WAL and <c>synchronous = NORMAL</c> whatever the journal's durability. Read models
    /// are derived from the journal, and their records and checkpoint commit in one transaction: a power loss can take back
    /// only their last commits (not yet synced by a later journal commit, which syncs the shared WAL), which the projection
    /// then applies again from the journal. A read-model commit therefore never waits for the disk, and holds the file's
    /// write lock, which the journal's writer needs, for as short a time as possible.
    /// </summary>
    public SqliteConnection OpenReadModelWriter() => OpenWriter(JournalDurability.Normal);

    private SqliteConnection OpenWriter(JournalDurability durability)
    {
        var connection = Open(_writerConnectionString);
        Execute(connection, "PRAGMA journal_mode = WAL;");
        Execute(connection, durability == JournalDurability.Full ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;");
        return connection;
    }

    /// <summary>Creates the folder, the file and the schema if missing, and upgrades a file of an earlier schema.</summary>
    public void EnsureSchema()
    {
        if (Path.GetDirectoryName(DatabasePath) is { Length: > 0 } folder) Directory.CreateDirectory(folder);
        using var connection = OpenWriter();
        Execute(connection, SqliteJournalSql.CreateSchema);
        AddRequestColumn(connection);
        Execute(connection, SqliteJournalSql.CreateTimelineIndexes); // schema 5: run timelines
        AddSchemaVersionColumn(connection);
        RecordSchemaVersion(connection);
    }

    /// <summary>
    /// Below schema 4 the stats counters are computed from the rows, once, in the transaction that records the new
    /// version: a file is either still at the old version or has counters that agree with its rows, and of two
    /// processes opening it at once only the first recounts (the write lock is taken before the version is read).
    /// A file of schema 4 already has its counters (schema 5 only adds indexes and a column). A file of a newer schema keeps its version.
    /// </summary>
    private static void RecordSchemaVersion(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SqliteJournalSql.SelectSchemaVersion;
        var recorded = (long)command.ExecuteScalar()!;
        if (recorded >= SqliteJournalSql.SchemaVersion) return;
        command.CommandText = SqliteJournalSql.RecountStats;
        if (recorded < SqliteJournalSql.StatsSchemaVersion) command.ExecuteNonQuery();
        command.CommandText = SqliteJournalSql.RecordSchemaVersion;
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    /// <summary>Adds the column of schema 3 to a file made by an earlier schema; its old rows keep NULL there.</summary>
    private static void AddRequestColumn(SqliteConnection connection)
    {
        using var check = connection.CreateCommand();
        check.CommandText = SqliteJournalSql.HasRequestColumn;
        if ((long)check.ExecuteScalar()! > 0) return;
        try
        {
            Execute(connection, SqliteJournalSql.AddRequestColumn);
        }
        catch (SqliteException ex) when (ex.Message.Contains("duplicate column", StringComparison.OrdinalIgnoreCase))
        {
            // Another process on the same file added it first.
        }
    }

    /// <summary>Adds the column of schema 5 to a file made by an earlier schema; its old rows are at schema version 1.</summary>
    private static void AddSchemaVersionColumn(SqliteConnection connection)
    {
        using var check = connection.CreateCommand();
        check.CommandText = SqliteJournalSql.HasSchemaVersionColumn;
        if ((long)check.ExecuteScalar()! > 0) return;
        try
        {
            Execute(connection, SqliteJournalSql.AddSchemaVersionColumn);
        }
        catch (SqliteException ex) when (ex.Message.Contains("duplicate column", StringComparison.OrdinalIgnoreCase))
        {
            // Another process on the same file added it first.
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
