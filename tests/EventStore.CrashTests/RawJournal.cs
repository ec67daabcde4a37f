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

    /// <summary>
    /// What <c>GetStats</c> reports (the size aside), counted from the rows in one read: total, aggregates, oldest and
    /// newest timestamps, head, snapshots of each kind, and the events per event type and per aggregate type.
    /// </summary>
    public static string FullCount(string path)
    {
        using var connection = Open(path);
        using var transaction = connection.BeginTransaction(deferred: true);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            SELECT COUNT(*) || ' events, ' || COUNT(DISTINCT aggregate_id) || ' aggregates, timestamps ' || COALESCE(MIN(timestamp), '-') || '..' || COALESCE(MAX(timestamp), '-')
                || ', head ' || COALESCE(MAX(position), 0) || ', snapshots ' || (SELECT COUNT(*) FROM snapshots) || '/' || (SELECT COUNT(*) FROM grain_snapshots)
            FROM events
            UNION ALL SELECT * FROM (SELECT 'type ' || type || '=' || COUNT(*) FROM events GROUP BY type ORDER BY type)
            UNION ALL SELECT * FROM (SELECT 'aggregate type ' || aggregate_type || '=' || COUNT(*) FROM events GROUP BY aggregate_type ORDER BY aggregate_type)
            """;
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read()) lines.Add(reader.GetString(0));
        return string.Join("; ", lines);
    }

    /// <summary>The same figures as <see cref="FullCount"/>, as <c>GetStats</c> reported them.</summary>
    public static string Of(EventStore.Store.EventStoreStats s) =>
        string.Join("; ", new[] { $"{s.TotalEvents} events, {s.AggregateCount} aggregates, timestamps {s.OldestTimestamp?.ToString() ?? "-"}..{s.NewestTimestamp?.ToString() ?? "-"}, head {s.HeadPosition}, snapshots {s.SnapshotCount}/{s.AggregateSnapshotCount}" }
            .Concat(s.EventsByType.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"type {kv.Key}={kv.Value}"))
            .Concat(s.EventsByAggregateType.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"aggregate type {kv.Key}={kv.Value}")));

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
