using Microsoft.Data.Sqlite;

namespace EventStore.Benchmarks.Hosting;

/// <summary>Facts read straight from a journal file after a run, with plain SQL.</summary>
internal static class JournalFile
{
    /// <summary>"payload N B" (and "+ metadata M B" when there is metadata): the average sizes of the measured rows of one aggregate type (warm-up rows left out).</summary>
    public static string DescribeRows(string path, string aggregateType)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT AVG(LENGTH(payload)), AVG(COALESCE(LENGTH(metadata), 0)) FROM events WHERE aggregate_type = $type AND aggregate_id NOT LIKE 'warmup-%'";
        command.Parameters.AddWithValue("$type", aggregateType);
        using var reader = command.ExecuteReader();
        if (!reader.Read() || reader.IsDBNull(0)) return "no rows";
        var (payload, metadata) = (reader.GetDouble(0), reader.GetDouble(1));
        return metadata > 0 ? $"payload {payload:0} B + metadata {metadata:0} B" : $"payload {payload:0} B";
    }
}
