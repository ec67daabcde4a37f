using Npgsql;

namespace EventStore.Journal.Postgres;

/// <summary>
/// Installs the tables, functions and <c>OrleansQuery</c> rows of Orleans' ADO.NET clustering
/// (<see cref="PostgresClusterSql"/>) in a PostgreSQL database. Silos run it at start, before Orleans' membership
/// table reads its queries.
/// </summary>
internal static class PostgresClusterSchema
{
    /// <summary>
    /// Installs what is missing or different, in one transaction holding an advisory lock, so silos starting at once
    /// take turns and each finds the whole script or nothing. A database whose query rows already carry this
    /// <see cref="PostgresClusterSql.SchemaVersion"/> is left alone. Returns whether anything was written.
    /// </summary>
    public static async Task<bool> InstallAsync(string connectionString, CancellationToken cancellation)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        await connection.OpenAsync(cancellation);
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        await using (var lockSchema = new NpgsqlCommand(PostgresClusterSql.LockSchema, connection, transaction))
        {
            lockSchema.Parameters.AddWithValue("key", PostgresClusterSql.SchemaLockKey);
            await lockSchema.ExecuteNonQueryAsync(cancellation);
        }
        if (await IsInstalledAsync(connection, transaction, cancellation)) return false;

        await using (var create = new NpgsqlCommand(PostgresClusterSql.CreateSchema, connection, transaction))
            await create.ExecuteNonQueryAsync(cancellation);
        foreach (var (key, text) in PostgresClusterSql.Queries)
        {
            await using var upsert = new NpgsqlCommand(PostgresClusterSql.UpsertQuery, connection, transaction);
            upsert.Parameters.AddWithValue("key", key);
            upsert.Parameters.AddWithValue("text", PostgresClusterSql.Stored(text));
            await upsert.ExecuteNonQueryAsync(cancellation);
        }
        await transaction.CommitAsync(cancellation);
        return true;
    }

    private static async Task<bool> IsInstalledAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellation)
    {
        await using (var exists = new NpgsqlCommand(PostgresClusterSql.QueryTableExists, connection, transaction))
            if (!(bool)(await exists.ExecuteScalarAsync(cancellation))!) return false;
        await using var count = new NpgsqlCommand(PostgresClusterSql.CountInstalledQueries, connection, transaction);
        count.Parameters.AddWithValue("keys", PostgresClusterSql.Queries.Select(q => q.Key).ToArray());
        count.Parameters.AddWithValue("texts", PostgresClusterSql.Queries.Select(q => PostgresClusterSql.Stored(q.Text)).ToArray());
        return (int)(await count.ExecuteScalarAsync(cancellation))! == PostgresClusterSql.Queries.Count;
    }
}
