using Microsoft.Data.Sqlite;

namespace EventStore.Benchmarks.Baselines;

/// <summary>What <see cref="AkkaJournal.Verify"/> found in the plugin's journal table.</summary>
internal sealed record AkkaJournalRows(long Rows, int PersistenceIds, double MessageBytes)
{
    public string Describe() => $"journal checked: {Rows} rows, {PersistenceIds} persistence ids each numbered 1..n without a gap; message {MessageBytes:0} B";
}

/// <summary>
/// Reads Akka.Persistence.Sql's journal table back after a run (the plugin's default mapping: table <c>journal</c>,
/// columns <c>persistence_id</c>, <c>sequence_number</c>, <c>message</c>) and throws unless it holds exactly the
/// events the run sent: every persistence id with rows 1..n, n its events, no duplicate and no gap. A misconfigured
/// plugin (writes lost, batched away or to another file) cannot report a rate.
/// </summary>
internal static class AkkaJournal
{
    private const string PerPersistenceId = """
        SELECT persistence_id, COUNT(*), COUNT(DISTINCT sequence_number), MIN(sequence_number), MAX(sequence_number), SUM(LENGTH(message))
        FROM journal GROUP BY persistence_id
        """;

    public static AkkaJournalRows Verify(string path, IReadOnlyDictionary<string, long> expected)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = PerPersistenceId;
        using var reader = command.ExecuteReader();
        long rows = 0, bytes = 0;
        var seen = 0;
        while (reader.Read())
        {
            var id = reader.GetString(0);
            var (count, distinct, min, max) = (reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
            if (!expected.TryGetValue(id, out var events))
                throw new InvalidOperationException($"akka: the journal has rows for '{id}', which the run never wrote to");
            if (count != events || distinct != events || min != 1 || max != events)
                throw new InvalidOperationException($"akka: '{id}' has {count} rows ({distinct} distinct sequence numbers, {min}..{max}), expected 1..{events}");
            rows += count;
            bytes += reader.GetInt64(5);
            seen++;
        }
        if (seen != expected.Count)
            throw new InvalidOperationException($"akka: the journal has rows for {seen} persistence ids, the run wrote to {expected.Count}");
        return new(rows, seen, rows == 0 ? 0 : bytes / (double)rows);
    }
}
