using System.Diagnostics;
using EventStore.Benchmarks.Measuring;
using EventStore.Benchmarks.Reporting;
using EventStore.Benchmarks.Workloads;
using Microsoft.Data.Sqlite;

namespace EventStore.Benchmarks.Baselines;

/// <summary>
/// Raw SQLite reads of a file the event store wrote, with plain Microsoft.Data.Sqlite: every column read
/// (strings materialized), payloads left as JSON text (the product also deserializes them).
/// </summary>
internal static class RawRead
{
    private const string System = "raw-sqlite";

    /// <summary>W4's raw rate: one SELECT over the whole table in position order.</summary>
    public static void All(BenchContext bench, string path)
    {
        BenchContext.Progress("W4 raw-sqlite: SELECT of the whole table in position order");
        using var connection = OpenReader(path);
        Scan(connection, $"SELECT {RawSqlite.Columns} FROM events ORDER BY position LIMIT 100000"); // warm the cache and the code
        var cpu = CpuMeter.Start();
        var start = Stopwatch.GetTimestamp();
        var rows = Scan(connection, $"SELECT {RawSqlite.Columns} FROM events ORDER BY position");
        var seconds = Latencies.Seconds(start, Stopwatch.GetTimestamp());
        bench.Add(Result.Rate(System, "select-all", "W4", bench.Sync, rows, seconds, null, null) with
        {
            CpuUsPerEvent = cpu.PerEvent(rows),
            Note = "one statement, no JSON deserialization",
        });
    }

    /// <summary>The version of the snapshot the aggregate's grain took of itself (the grains' own table), 0 if none.</summary>
    public static long GrainSnapshotVersion(string path, string aggregateId)
    {
        using var connection = OpenReader(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM grain_snapshots WHERE aggregate_id = $id";
        command.Parameters.AddWithValue("$id", aggregateId);
        return command.ExecuteScalar() is long version ? version : 0;
    }

    /// <summary>W3's scale: the aggregate's events read by index, repeated.</summary>
    public static void Stream(BenchContext bench, string path, string aggregateId, int events)
    {
        using var connection = OpenReader(path);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {RawSqlite.Columns} FROM events WHERE aggregate_id = $id AND version > 0 ORDER BY version";
        command.Parameters.AddWithValue("$id", aggregateId);
        Read(command);
        var latencies = new Latencies(bench.Scale.W3Repeats);
        for (var i = 0; i < bench.Scale.W3Repeats; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var rows = Read(command);
            latencies.AddSince(start);
            if (rows != events) throw new InvalidOperationException($"W3 raw: read {rows} rows, expected {events}");
        }
        W3Recovery.AddLine(bench, System, "read-stream", events, latencies, "the aggregate's rows by index, no JSON deserialization");
    }

    /// <summary>W6's scale: the same page query the store runs (100 rows and one more), repeated.</summary>
    public static void ByType(BenchContext bench, string path, string type, long fromPosition, string variant)
    {
        using var connection = OpenReader(path);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {RawSqlite.Columns} FROM events WHERE type = $type AND position >= $from ORDER BY position LIMIT 101";
        command.Parameters.AddWithValue("$type", type);
        command.Parameters.AddWithValue("$from", fromPosition);
        var calls = bench.Scale.W6Calls;
        var latencies = new Latencies(calls);
        Read(command);
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            Read(command);
            latencies.AddSince(start);
        }
        bench.Add(new Result(System, variant, "W6", bench.Sync, 100, Result.Round((latencies.Percentile(50) ?? 0) / 1000, 6), null,
            Result.Round(latencies.Percentile(50)), Result.Round(latencies.Percentile(99))) with { Note = $"{calls} queries of 100 rows" });
    }

    private static SqliteConnection OpenReader(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static long Scan(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Read(command);
    }

    /// <summary>Reads every column of every row, as the product's row reader does (less the JSON).</summary>
    private static long Read(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        return RowScan.ReadAll(reader);
    }
}
