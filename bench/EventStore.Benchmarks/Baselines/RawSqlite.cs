using EventStore.Benchmarks.Grains;
using EventStore.Journal;
using EventStore.Journal.Sqlite;
using Microsoft.Data.Sqlite;

namespace EventStore.Benchmarks.Baselines;

/// <summary>
/// The raw SQLite baselines' access to the journal's schema, through Microsoft.Data.Sqlite and nothing else.
/// The schema is the product's own (<see cref="SqliteJournalSql.CreateSchema"/>), so that the baselines write
/// exactly the table the product writes.
/// </summary>
internal static class RawSqlite
{
    public const string CreateSchema = SqliteJournalSql.CreateSchema;

    public const string Columns = SqliteJournalSql.Columns;

    private const string Insert = """
        INSERT INTO events (id, type, aggregate_id, aggregate_type, version, timestamp, source, payload, metadata, causation_id, correlation_id)
        VALUES ($id, 'bench:appended', $aggregate_id, 'bench-aggregate', $version, $timestamp, 'bench', $payload, NULL, NULL, NULL)
        """;

    /// <summary>
    /// A connection in WAL mode at the run's synchronous setting. Waits for the write lock use SQLite's own
    /// busy handler (<c>busy_timeout</c>, short sleeps from 1 ms up), not Microsoft.Data.Sqlite's retry
    /// loop, which sleeps 150 ms per try and would make the concurrent baseline look worse than SQLite is.
    /// </summary>
    public static SqliteConnection Open(string path, JournalDurability durability)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA journal_mode = WAL;");
        Execute(connection, durability == JournalDurability.Full ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;");
        Execute(connection, "PRAGMA busy_timeout = 30000;");
        return connection;
    }

    /// <summary>Opens the file and creates the schema.</summary>
    public static SqliteConnection Create(string path, JournalDurability durability)
    {
        var connection = Open(path, durability);
        Execute(connection, CreateSchema);
        return connection;
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>A prepared insert of one event row; call <see cref="InsertCommand.Run"/> per row.</summary>
    public static InsertCommand PrepareInsert(SqliteConnection connection) => new(connection);

    internal sealed class InsertCommand : IDisposable
    {
        private readonly SqliteCommand _command;
        private readonly SqliteParameter _id, _aggregateId, _version, _timestamp, _payload;

        public InsertCommand(SqliteConnection connection)
        {
            _command = connection.CreateCommand();
            _command.CommandText = Insert;
            _id = _command.Parameters.Add("$id", SqliteType.Text);
            _aggregateId = _command.Parameters.Add("$aggregate_id", SqliteType.Text);
            _version = _command.Parameters.Add("$version", SqliteType.Integer);
            _timestamp = _command.Parameters.Add("$timestamp", SqliteType.Integer);
            _payload = _command.Parameters.Add("$payload", SqliteType.Text);
            _command.Prepare();
        }

        public SqliteTransaction? Transaction { set => _command.Transaction = value; }

        /// <summary>Inserts event <paramref name="seq"/> of aggregate <paramref name="aggregate"/> with the same payload the product would store.</summary>
        public void Run(int aggregate, long seq)
        {
            var aggregateId = Payloads.AggregateId(aggregate);
            _id.Value = Guid.CreateVersion7().ToString();
            _aggregateId.Value = aggregateId;
            _version.Value = seq;
            _timestamp.Value = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            _payload.Value = Payloads.Json(aggregateId, seq);
            _command.ExecuteNonQuery();
        }

        public void Dispose() => _command.Dispose();
    }
}
