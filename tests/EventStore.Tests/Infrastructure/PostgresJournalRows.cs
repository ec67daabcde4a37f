using EventStore.Journal;
using Npgsql;

namespace EventStore.Tests.Infrastructure;

/// <summary>
/// Reads and writes the journal's tables in a PostgreSQL database with plain Npgsql, as any client of the server would:
/// the twin of <see cref="JournalFile"/>.
/// </summary>
public sealed class PostgresJournalRows(string connectionString) : IJournalRows
{
    private const string Columns = "position, id, type, aggregate_id, aggregate_type, version, timestamp, source, payload, metadata, causation_id, correlation_id";

    /// <inheritdoc />
    public JournalProvider Provider => JournalProvider.Postgres;

    /// <inheritdoc />
    public ISet<string> Tables()
    {
        using var connection = Open();
        using var command = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()", connection);
        using var reader = command.ExecuteReader();
        var tables = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read()) tables.Add(reader.GetString(0));
        return tables;
    }

    /// <inheritdoc />
    public long? Long(string sql)
    {
        using var connection = Open();
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar() is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <inheritdoc />
    public int Execute(string sql) => Execute(sql, []);

    /// <inheritdoc />
    public long SizeBytes() => Scalar("""
        SELECT (pg_total_relation_size('events') + pg_total_relation_size('snapshots') + pg_total_relation_size('grain_snapshots')
              + pg_total_relation_size('journal_head') + pg_total_relation_size('journal_schema'))::bigint
        """);

    /// <inheritdoc />
    public long GrainSnapshotRows() => Scalar("SELECT COUNT(*) FROM grain_snapshots");

    /// <inheritdoc />
    public long Count(string? aggregateId = null) =>
        Scalar(aggregateId is null ? "SELECT COUNT(*) FROM events" : "SELECT COUNT(*) FROM events WHERE aggregate_id = @a", ("a", aggregateId));

    /// <inheritdoc />
    public IReadOnlyList<JournalRow> Rows(string? aggregateId = null)
    {
        using var connection = Open();
        using var command = new NpgsqlCommand($"SELECT {Columns} FROM events" + (aggregateId is null ? "" : " WHERE aggregate_id = @a") + " ORDER BY position", connection);
        if (aggregateId is not null) command.Parameters.AddWithValue("a", aggregateId);
        using var reader = command.ExecuteReader();
        var rows = new List<JournalRow>();
        while (reader.Read())
            rows.Add(JournalRow.Read(reader));
        return rows;
    }

    /// <inheritdoc />
    public long MaxPosition() => Scalar("SELECT COALESCE(MAX(position), 0) FROM events");

    /// <summary>Takes the next position from the counter row, as every writer of a PostgreSQL journal must, and inserts the row in the same transaction.</summary>
    public void InsertOutside(string aggregateId, string aggregateType, long version, string type, string payload)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var command = new NpgsqlCommand("""
            WITH next AS (UPDATE journal_head SET position = position + 1 RETURNING position)
            INSERT INTO events (position, id, type, aggregate_id, aggregate_type, version, timestamp, source, payload)
            SELECT next.position, @id, @type, @a, @at, @v, @ts, 'outside-writer', @p FROM next
            """, connection, transaction);
        command.Parameters.AddWithValue("id", Guid.NewGuid().ToString());
        command.Parameters.AddWithValue("type", type);
        command.Parameters.AddWithValue("a", aggregateId);
        command.Parameters.AddWithValue("at", aggregateType);
        command.Parameters.AddWithValue("v", version);
        command.Parameters.AddWithValue("ts", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("p", payload);
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    /// <inheritdoc />
    public int SetPayload(long position, string payload) =>
        Execute("UPDATE events SET payload = @p WHERE position = @pos", ("p", payload), ("pos", position));

    /// <inheritdoc />
    public int ForgetRequests(string aggregateId) => Execute("UPDATE events SET request = NULL WHERE aggregate_id = @a", ("a", aggregateId));

    /// <inheritdoc />
    public (string AggregateType, long Version, string State)? GrainSnapshot(string aggregateId) => Snapshot("grain_snapshots", aggregateId);

    /// <inheritdoc />
    public (string AggregateType, long Version, string State)? StoreSnapshot(string aggregateId) => Snapshot("snapshots", aggregateId);

    /// <inheritdoc />
    public long SnapshotRows(string? aggregateTypePrefix = null) =>
        aggregateTypePrefix is null
            ? Scalar("SELECT COUNT(*) FROM snapshots")
            : Scalar("SELECT COUNT(*) FROM snapshots WHERE starts_with(aggregate_type, @prefix)", ("prefix", aggregateTypePrefix));

    /// <inheritdoc />
    public int OverwriteSnapshot(string aggregateId, string state, long? version = null) =>
        Execute("UPDATE grain_snapshots SET state = @state, version = COALESCE(@version::bigint, version) WHERE aggregate_id = @a",
            ("a", aggregateId), ("state", state), ("version", (object?)version ?? DBNull.Value));

    private (string AggregateType, long Version, string State)? Snapshot(string table, string aggregateId)
    {
        using var connection = Open();
        using var command = new NpgsqlCommand($"SELECT aggregate_type, version, state FROM {table} WHERE aggregate_id = @a", connection);
        command.Parameters.AddWithValue("a", aggregateId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.GetInt64(1), reader.GetString(2)) : null;
    }

    private long Scalar(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = Open();
        using var command = Command(sql, connection, parameters);
        return (long)command.ExecuteScalar()!;
    }

    private int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = Open();
        using var command = Command(sql, connection, parameters);
        return command.ExecuteNonQuery();
    }

    private static NpgsqlCommand Command(string sql, NpgsqlConnection connection, (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            if (value is not null) command.Parameters.AddWithValue(name, value);
        return command;
    }

    private NpgsqlConnection Open()
    {
        var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        return connection;
    }
}
