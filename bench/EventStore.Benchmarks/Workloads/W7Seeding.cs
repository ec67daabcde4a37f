using EventStore.Benchmarks.Baselines;
using EventStore.Benchmarks.Hosting;
using EventStore.Journal;
using EventStore.Journal.Postgres;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace EventStore.Benchmarks.Workloads;

/// <summary>
/// Writes W7's journal straight into the product's schema, without grains: on SQLite with a prepared INSERT,
/// 50,000 rows per transaction; on PostgreSQL with a binary COPY and the <c>journal_head</c> counter row set to
/// the last position. The schema version is left unrecorded, so that the silo's start upgrades it like an older
/// journal's: the product computes its stats counters from the rows then (its own recount, in its own transaction).
/// </summary>
internal static class W7Seeding
{
    private const int RowsPerTransaction = 50_000;

    private const string SqliteInsert = """
        INSERT INTO events (position, id, type, aggregate_id, aggregate_type, version, timestamp, source, payload)
        VALUES ($position, $id, $type, $aggregate_id, $aggregate_type, $version, $timestamp, $source, $payload)
        """;

    private const string PostgresCopy =
        "COPY events (position, id, type, aggregate_id, aggregate_type, version, timestamp, source, payload) FROM STDIN (FORMAT BINARY)";

    private const string SetHead = "UPDATE journal_head SET position = @position";

    /// <summary>Writes every row of <paramref name="journal"/>; returns the last position.</summary>
    public static Task<long> SeedAsync(BenchDatabase database, W7Journal journal) =>
        database.IsPostgres ? Postgres(database.Postgres, journal) : Task.Run(() => Sqlite(database.Path, journal));

    private static long Sqlite(string path, W7Journal journal)
    {
        using var connection = RawSqlite.Create(path, JournalDurability.Normal);
        using var command = connection.CreateCommand();
        command.CommandText = SqliteInsert;
        var names = new[] { "$position", "$id", "$type", "$aggregate_id", "$aggregate_type", "$version", "$timestamp", "$source", "$payload" };
        var parameters = names.Select(n => command.Parameters.Add(n, n is "$position" or "$version" or "$timestamp" ? SqliteType.Integer : SqliteType.Text)).ToArray();
        command.Prepare();
        long last = 0;
        var transaction = connection.BeginTransaction(deferred: false);
        command.Transaction = transaction;
        foreach (var row in journal.Rows())
        {
            parameters[0].Value = row.Position;
            parameters[1].Value = row.Id;
            parameters[2].Value = row.Type;
            parameters[3].Value = row.AggregateId;
            parameters[4].Value = row.AggregateType;
            parameters[5].Value = row.Version;
            parameters[6].Value = row.Timestamp;
            parameters[7].Value = JournalRow.Source;
            parameters[8].Value = row.Payload;
            command.ExecuteNonQuery();
            last = row.Position;
            if (last % RowsPerTransaction != 0) continue;
            transaction.Commit();
            transaction.Dispose();
            transaction = connection.BeginTransaction(deferred: false);
            command.Transaction = transaction;
        }
        transaction.Commit();
        transaction.Dispose();
        RawSqlite.Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
        return last;
    }

    private static async Task<long> Postgres(string connectionString, W7Journal journal)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand(PostgresJournalSql.CreateSchema, connection)) await create.ExecuteNonQueryAsync();
        long last = 0;
        await using (var copy = await connection.BeginBinaryImportAsync(PostgresCopy))
        {
            foreach (var row in journal.Rows())
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(row.Position, NpgsqlDbType.Bigint);
                await copy.WriteAsync(row.Id, NpgsqlDbType.Text);
                await copy.WriteAsync(row.Type, NpgsqlDbType.Text);
                await copy.WriteAsync(row.AggregateId, NpgsqlDbType.Text);
                await copy.WriteAsync(row.AggregateType, NpgsqlDbType.Text);
                await copy.WriteAsync(row.Version, NpgsqlDbType.Bigint);
                await copy.WriteAsync(row.Timestamp, NpgsqlDbType.Bigint);
                await copy.WriteAsync(JournalRow.Source, NpgsqlDbType.Text);
                await copy.WriteAsync(row.Payload, NpgsqlDbType.Text);
                last = row.Position;
            }
            await copy.CompleteAsync();
        }
        await using (var head = new NpgsqlCommand(SetHead, connection))
        {
            head.Parameters.AddWithValue("position", last);
            await head.ExecuteNonQueryAsync();
        }
        await using (var analyze = new NpgsqlCommand("VACUUM ANALYZE events", connection)) await analyze.ExecuteNonQueryAsync();
        return last;
    }
}
