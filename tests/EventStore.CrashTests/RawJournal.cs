using Microsoft.Data.Sqlite;

namespace EventStore.CrashTests;

/// <summary>One row of the <c>events</c> table.</summary>
internal sealed record Row(long Position, string Id, string Type, string AggregateId, string AggregateType, long Version);

/// <summary>The journal file read with plain SQL (read-only), independent of the code under test.</summary>
internal static class RawJournal
{
    /// <summary>Every row, in position order.</summary>
    public static List<Row> Rows(string path)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT position, id, type, aggregate_id, aggregate_type, version FROM events ORDER BY position";
        using var reader = command.ExecuteReader();
        var rows = new List<Row>();
        while (reader.Read())
            rows.Add(new Row(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt64(5)));
        return rows;
    }

    /// <summary>Every snapshot a grain took of itself: its aggregate, type and version, and the head version of its stream (0 if none).</summary>
    public static List<(string AggregateId, string AggregateType, long Version, long StreamHead)> Snapshots(string path)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT s.aggregate_id, s.aggregate_type, s.version, COALESCE((SELECT MAX(e.version) FROM events e WHERE e.aggregate_id = s.aggregate_id), 0)
            FROM grain_snapshots s ORDER BY s.aggregate_id
            """;
        using var reader = command.ExecuteReader();
        var snapshots = new List<(string, string, long, long)>();
        while (reader.Read()) snapshots.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
        return snapshots;
    }

    /// <summary>SQLite's own check of the file: "ok" when intact.</summary>
    public static string IntegrityCheck(string path)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read()) lines.Add(reader.GetString(0));
        return string.Join("; ", lines);
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        return connection;
    }
}
