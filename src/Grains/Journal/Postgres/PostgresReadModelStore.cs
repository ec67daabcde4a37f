using EventStore.Projections;
using Npgsql;
using NpgsqlTypes;

namespace EventStore.Journal.Postgres;

/// <summary>
/// Read models in the journal's PostgreSQL database, on the readers' pooled connections. A commit is one
/// batch (<c>synchronous_commit = off</c> for it, the checkpoint's move, then one array statement per table and kind of
/// change) and a COMMIT: two round trips whatever its size, and no wait for the WAL flush (read models are derived). Silos change a projection's generations in turn, under an advisory
/// lock on the projection's name, and every DDL statement is <c>IF NOT EXISTS</c>/<c>IF EXISTS</c>, so two
/// silos creating the same generation at once both succeed and make it once.
/// </summary>
internal sealed class PostgresReadModelStore(NpgsqlDataSource connections) : IReadModelStore
{
    private const string UndefinedTable = "42P01";
    private readonly SemaphoreSlim _catalogGate = new(1, 1);
    private volatile bool _catalogReady;

    public async Task<IReadOnlyList<ProjectionGeneration>> LoadGenerationsAsync(string projection)
    {
        await EnsureCatalogAsync();
        await using var command = connections.CreateCommand(PostgresReadModelSql.SelectGenerations);
        return await ReadGenerationsAsync(command, projection);
    }

    public async Task<IReadModelSnapshot> OpenSnapshotAsync()
    {
        await EnsureCatalogAsync();
        var connection = await connections.OpenConnectionAsync();
        try
        {
            var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
            await using (var readOnly = new NpgsqlCommand(PostgresJournalSql.ReadOnly, connection, transaction)) await readOnly.ExecuteNonQueryAsync();
            return new Snapshot(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task<IReadOnlyList<ProjectionGeneration>> ReadGenerationsAsync(NpgsqlCommand command, string projection)
    {
        command.Parameters.AddWithValue("projection", projection);
        await using var reader = await command.ExecuteReaderAsync();
        var generations = new List<ProjectionGeneration>();
        while (await reader.ReadAsync())
            generations.Add(new ProjectionGeneration(projection, reader.GetInt32(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetBoolean(3), reader.GetString(4)));
        return generations;
    }

    public async Task CreateGenerationAsync(ProjectionGeneration generation, IReadOnlyList<RecordTable> tables)
    {
        var refs = ReadModelLayout.TablesOf(generation, tables);
        await EnsureCatalogAsync();
        await using var connection = await connections.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Statement(PostgresReadModelSql.LockProjection, generation.Projection));
        foreach (var table in refs)
        {
            batch.BatchCommands.Add(Statement(PostgresReadModelSql.CreateTable(table.Name, table.Table.Columns)));
            for (var i = 0; i < table.Table.Columns.Count; i++)
                batch.BatchCommands.Add(Statement(PostgresReadModelSql.CreateIndex(table.Name, i, table.Table.Columns[i])));
        }
        batch.BatchCommands.Add(Statement(PostgresReadModelSql.InsertGeneration,
            generation.Projection, generation.Number, generation.ShapeVersion, generation.Checkpoint, generation.IsActive, ReadModelLayout.JoinTables(refs)));
        await batch.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    public async Task<IReadOnlyDictionary<string, string>> LoadAsync(TableRef table, IReadOnlyCollection<string> keys)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        if (keys.Count == 0) return found;
        await using var command = connections.CreateCommand(PostgresReadModelSql.SelectByKeys(table.Name));
        command.Parameters.Add(new NpgsqlParameter<string[]>("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. keys] });
        await using var reader = await ReadTableAsync(command, table.Name);
        while (await reader.ReadAsync()) found[reader.GetString(0)] = reader.GetString(1);
        return found;
    }

    public async Task CommitAsync(ProjectionGeneration generation, long from, long to, IReadOnlyList<RecordChange> changes)
    {
        var grouped = ReadModelLayout.Group(changes);
        await EnsureCatalogAsync();
        await using var connection = await connections.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Statement(PostgresReadModelSql.CommitWithoutWaitingForDisk));
        batch.BatchCommands.Add(Statement(PostgresReadModelSql.MoveCheckpoint, generation.Projection, generation.Number, from, to));
        var tableOf = new List<string> { "synchronous_commit", "projection_generations" };
        foreach (var (table, records) in grouped)
        {
            var name = generation.TableOf(table);
            var upserts = records.Where(r => r.Json is not null).ToList();
            var deletes = records.Where(r => r.Json is null).Select(r => r.Key).ToArray();
            if (upserts.Count > 0)
            {
                batch.BatchCommands.Add(Upsert(name, table, upserts));
                tableOf.Add(name);
            }
            if (deletes.Length > 0)
            {
                batch.BatchCommands.Add(Statement(PostgresReadModelSql.Delete(name), (object)deletes));
                tableOf.Add(name);
            }
        }
        try
        {
            await batch.ExecuteNonQueryAsync();
        }
        catch (PostgresException ex) when (ex.SqlState == UndefinedTable && ex.BatchCommand is { } failed)
        {
            throw new ReadModelTableMissingException(tableOf[batch.BatchCommands.IndexOf(failed)], ex);
        }
        if (batch.BatchCommands[1].RecordsAffected == 0) throw new ProjectionFencedException(generation.Projection, generation.Number, from);
        await transaction.CommitAsync();
    }

    public async Task ActivateAsync(ProjectionGeneration generation, IReadOnlyList<RecordTable> tables)
    {
        await EnsureCatalogAsync();
        await using var connection = await connections.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await LockAsync(connection, transaction, generation.Projection);
        if (await ListedTablesAsync(connection, transaction, generation) is null) throw ReadModelLayout.NoSuchGeneration(generation);
        await using (var activate = Command(connection, transaction, PostgresReadModelSql.Activate, generation)) await activate.ExecuteNonQueryAsync();
        var others = new List<(int Number, string Tables)>();
        await using (var select = Command(connection, transaction, PostgresReadModelSql.SelectOtherGenerations, generation))
        await using (var reader = await select.ExecuteReaderAsync())
            while (await reader.ReadAsync()) others.Add((reader.GetInt32(0), reader.GetString(1)));
        foreach (var (number, listed) in others) await DropAsync(connection, transaction, generation with { Number = number }, listed, tables);
        await transaction.CommitAsync();
    }

    public async Task DropAsync(ProjectionGeneration generation, IReadOnlyList<RecordTable> tables)
    {
        await EnsureCatalogAsync();
        await using var connection = await connections.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await LockAsync(connection, transaction, generation.Projection);
        await DropAsync(connection, transaction, generation, await ListedTablesAsync(connection, transaction, generation), tables);
        await transaction.CommitAsync();
    }

    public async Task<IReadOnlyList<KeyValuePair<string, string>>> QueryAsync(TableRef table, RecordQuery query)
    {
        ReadModelLayout.CheckQuery(table, query);
        await using var command = connections.CreateCommand(PostgresReadModelSql.Query(table.Name, query));
        return await ReadQueryAsync(command, table, query);
    }

    private static async Task<IReadOnlyList<KeyValuePair<string, string>>> ReadQueryAsync(NpgsqlCommand command, TableRef table, RecordQuery query)
    {
        for (var i = 0; i < query.Conditions.Count; i++) command.Parameters.AddWithValue($"v{i}", query.Conditions[i].Value);
        if (query.After is not null) command.Parameters.AddWithValue("after", query.After);
        command.Parameters.AddWithValue("limit", query.Limit);
        await using var reader = await ReadTableAsync(command, table.Name);
        var records = new List<KeyValuePair<string, string>>();
        while (await reader.ReadAsync()) records.Add(new KeyValuePair<string, string>(reader.GetString(0), reader.GetString(1)));
        return records;
    }

    /// <summary>Reads in one REPEATABLE READ, read-only transaction: one snapshot of the database for all of them.</summary>
    private sealed class Snapshot(NpgsqlConnection connection, NpgsqlTransaction transaction) : IReadModelSnapshot
    {
        public async Task<IReadOnlyList<ProjectionGeneration>> LoadGenerationsAsync(string projection)
        {
            await using var command = new NpgsqlCommand(PostgresReadModelSql.SelectGenerations, connection, transaction);
            return await ReadGenerationsAsync(command, projection);
        }

        public async Task<IReadOnlyList<KeyValuePair<string, string>>> QueryAsync(TableRef table, RecordQuery query)
        {
            ReadModelLayout.CheckQuery(table, query);
            await using var command = new NpgsqlCommand(PostgresReadModelSql.Query(table.Name, query), connection, transaction);
            return await ReadQueryAsync(command, table, query);
        }

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    /// <summary>One array statement writing every record of <paramref name="records"/> into <paramref name="name"/>.</summary>
    private static NpgsqlBatchCommand Upsert(string name, RecordTable table, IReadOnlyList<RecordChange> records)
    {
        var command = Statement(PostgresReadModelSql.Upsert(name, table.Columns),
            records.Select(r => r.Key).ToArray(), records.Select(r => r.Json!).ToArray());
        for (var i = 0; i < table.Columns.Count; i++)
        {
            var column = i;
            command.Parameters.Add(table.Columns[i].Kind == ColumnKind.Text
                ? new NpgsqlParameter<string?[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = records.Select(r => (string?)r.Columns![column]).ToArray() }
                : new NpgsqlParameter<long?[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = records.Select(r => (long?)r.Columns![column]).ToArray() });
        }
        return command;
    }

    private static async Task DropAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ProjectionGeneration generation, string? listed, IReadOnlyList<RecordTable> declared)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var table in ReadModelLayout.TablesToDrop(listed, generation, declared)) batch.BatchCommands.Add(Statement(PostgresReadModelSql.DropTable(table)));
        var delete = new NpgsqlBatchCommand(PostgresReadModelSql.DeleteGeneration);
        delete.Parameters.AddWithValue("projection", generation.Projection);
        delete.Parameters.AddWithValue("generation", generation.Number);
        batch.BatchCommands.Add(delete);
        await batch.ExecuteNonQueryAsync();
    }

    private static async Task<string?> ListedTablesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ProjectionGeneration generation)
    {
        await using var select = Command(connection, transaction, PostgresReadModelSql.SelectTables, generation);
        return await select.ExecuteScalarAsync() as string;
    }

    private static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string projection)
    {
        await using var command = new NpgsqlCommand(PostgresReadModelSql.LockProjection, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = projection });
        await command.ExecuteNonQueryAsync();
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, ProjectionGeneration generation)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("projection", generation.Projection);
        command.Parameters.AddWithValue("generation", generation.Number);
        return command;
    }

    /// <summary>A statement of a batch with positional parameters $1, $2… of these values.</summary>
    private static NpgsqlBatchCommand Statement(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }

    /// <summary>Runs a reader on <paramref name="command"/>, turning "undefined table" into <see cref="ReadModelTableMissingException"/>.</summary>
    private static async Task<NpgsqlDataReader> ReadTableAsync(NpgsqlCommand command, string table)
    {
        try
        {
            return await command.ExecuteReaderAsync();
        }
        catch (PostgresException ex) when (ex.SqlState == UndefinedTable)
        {
            throw new ReadModelTableMissingException(table, ex);
        }
    }

    /// <summary>
    /// Creates the catalog table on this store's first use, under an advisory lock so that silos starting at
    /// once take turns (concurrent <c>CREATE TABLE IF NOT EXISTS</c> can fail); when it exists, no DDL is run.
    /// A failed attempt is tried again next time.
    /// </summary>
    private async Task EnsureCatalogAsync()
    {
        if (_catalogReady) return;
        await _catalogGate.WaitAsync();
        try
        {
            if (_catalogReady) return;
            await using var connection = await connections.OpenConnectionAsync();
            await using (var exists = new NpgsqlCommand(PostgresReadModelSql.CatalogExists, connection))
                if ((bool)(await exists.ExecuteScalarAsync())!)
                {
                    _catalogReady = true;
                    return;
                }
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var lockCatalog = new NpgsqlCommand(PostgresReadModelSql.LockCatalog, connection, transaction))
            {
                lockCatalog.Parameters.AddWithValue("key", PostgresReadModelSql.CatalogLockKey);
                await lockCatalog.ExecuteNonQueryAsync();
            }
            await using (var create = new NpgsqlCommand(PostgresReadModelSql.CreateCatalog, connection, transaction)) await create.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
            _catalogReady = true;
        }
        finally
        {
            _catalogGate.Release();
        }
    }

    /// <summary>Nothing to close: every call takes a pooled connection of the backend's data source and gives it back.</summary>
    public void Dispose() { }
}
