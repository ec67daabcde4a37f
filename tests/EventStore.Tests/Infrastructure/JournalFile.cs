using EventStore.Journal;
using Microsoft.Data.Sqlite;

namespace EventStore.Tests.Infrastructure;

/// <summary>One row of the <c>events</c> table, read with plain SQL.</summary>
public sealed record JournalRow(
    long Position, string Id, string Type, string AggregateId, string AggregateType, long Version,
    long Timestamp, string Source, string Payload, string? Metadata, string? CausationId, string? CorrelationId)
{
    /// <summary>The row under the reader, selected with the journal's columns in their usual order (either database).</summary>
    public static JournalRow Read(System.Data.Common.DbDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.GetInt64(5), reader.GetInt64(6), reader.GetString(7), reader.GetString(8),
            reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11));
}

/// <summary>Reads and writes the journal file with plain SQL, as any SQLite tool (or another process) would.</summary>
public sealed class JournalFile(string path) : IJournalRows
{
    /// <inheritdoc />
    public JournalProvider Provider => JournalProvider.Sqlite;

    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();

    /// <inheritdoc />
    public ISet<string> Tables()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        using var reader = command.ExecuteReader();
        var tables = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read()) tables.Add(reader.GetString(0));
        return tables;
    }

    /// <inheritdoc />
    public long? Long(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <inheritdoc />
    public int Execute(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public long SizeBytes() => FileSize(path) + FileSize(path + "-wal");

    /// <inheritdoc />
    public long GrainSnapshotRows() => Scalar("SELECT COUNT(*) FROM grain_snapshots", null);

    private static long FileSize(string file) => File.Exists(file) ? new FileInfo(file).Length : 0;

    /// <summary>Rows in the events table.</summary>
    public long Count(string? aggregateId = null) =>
        Scalar(aggregateId is null ? "SELECT COUNT(*) FROM events" : "SELECT COUNT(*) FROM events WHERE aggregate_id = $a", aggregateId);

    /// <summary>Rows of one aggregate (all rows if null), in position order.</summary>
    public IReadOnlyList<JournalRow> Rows(string? aggregateId = null)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT position, id, type, aggregate_id, aggregate_type, version, timestamp, source, payload, metadata, causation_id, correlation_id FROM events"
            + (aggregateId is null ? "" : " WHERE aggregate_id = $a") + " ORDER BY position";
        if (aggregateId is not null) command.Parameters.AddWithValue("$a", aggregateId);
        using var reader = command.ExecuteReader();
        var rows = new List<JournalRow>();
        while (reader.Read())
            rows.Add(JournalRow.Read(reader));
        return rows;
    }

    /// <summary>Inserts a row the way a writer outside the silo would.</summary>
    public void InsertOutside(string aggregateId, string aggregateType, long version, string type, string payload)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO events (id, type, aggregate_id, aggregate_type, version, timestamp, source, payload)
            VALUES ($id, $type, $a, $at, $v, $ts, 'outside-writer', $p)
            """;
        command.Parameters.AddWithValue("$id", Guid.NewGuid().ToString());
        command.Parameters.AddWithValue("$type", type);
        command.Parameters.AddWithValue("$a", aggregateId);
        command.Parameters.AddWithValue("$at", aggregateType);
        command.Parameters.AddWithValue("$v", version);
        command.Parameters.AddWithValue("$ts", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$p", payload);
        command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public long MaxPosition() => Scalar("SELECT COALESCE(MAX(position), 0) FROM events", null);

    /// <inheritdoc />
    public int SetPayload(long position, string payload)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE events SET payload = $p WHERE position = $pos";
        command.Parameters.AddWithValue("$p", payload);
        command.Parameters.AddWithValue("$pos", position);
        return command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public long SnapshotRows(string? aggregateTypePrefix = null)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = aggregateTypePrefix is null
            ? "SELECT COUNT(*) FROM snapshots"
            : "SELECT COUNT(*) FROM snapshots WHERE substr(aggregate_type, 1, length($prefix)) = $prefix";
        if (aggregateTypePrefix is not null) command.Parameters.AddWithValue("$prefix", aggregateTypePrefix);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>The snapshot a grain took of itself (its row in <c>grain_snapshots</c>), if any.</summary>
    public (string AggregateType, long Version, string State)? GrainSnapshot(string aggregateId) => Snapshot("grain_snapshots", aggregateId);

    /// <inheritdoc />
    public (string AggregateType, long Version, string State)? StoreSnapshot(string aggregateId) => Snapshot("snapshots", aggregateId);

    private (string AggregateType, long Version, string State)? Snapshot(string table, string aggregateId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT aggregate_type, version, state FROM {table} WHERE aggregate_id = $a";
        command.Parameters.AddWithValue("$a", aggregateId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.GetInt64(1), reader.GetString(2)) : null;
    }

    /// <summary>Clears the request fingerprints of an aggregate's rows, as rows written before schema 3 have none; returns the rows changed.</summary>
    public int ForgetRequests(string aggregateId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE events SET request = NULL WHERE aggregate_id = $a";
        command.Parameters.AddWithValue("$a", aggregateId);
        return command.ExecuteNonQuery();
    }

    /// <summary>Overwrites a grain's own snapshot row, as a bug or a bad disk could; returns the rows changed.</summary>
    public int OverwriteSnapshot(string aggregateId, string state, long? version = null)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE grain_snapshots SET state = $state, version = COALESCE($version, version) WHERE aggregate_id = $a";
        command.Parameters.AddWithValue("$a", aggregateId);
        command.Parameters.AddWithValue("$state", state);
        command.Parameters.AddWithValue("$version", (object?)version ?? DBNull.Value);
        return command.ExecuteNonQuery();
    }

    private long Scalar(string sql, string? aggregateId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (aggregateId is not null) command.Parameters.AddWithValue("$a", aggregateId);
        return (long)command.ExecuteScalar()!;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        return connection;
    }
}
