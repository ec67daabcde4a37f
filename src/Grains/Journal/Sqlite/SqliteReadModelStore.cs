using System.Text.Json;
using EventStore.Projections;
using Microsoft.Data.Sqlite;

namespace EventStore.Journal.Sqlite;

/// <summary>
/// Read models in the journal's SQLite file, on the thread pool (off the Orleans scheduler): reads on pooled
/// connections, writes one at a time under the file's <see cref="SqliteConnectionFactory.WriteLock"/>, on the store's own
/// write connection (<see cref="SqliteConnectionFactory.OpenReadModelWriter"/>:
/// never pooled, since SQLite opens a file it cannot write read-only and a pooled handle would keep failing after the file
/// became writable again; reopened after any SQLite error for the same reason; kept open otherwise, so that a commit does
/// not open the file and parse its schema again). Writes take the file's write lock at once (<c>BEGIN IMMEDIATE</c>) once
/// they hold the in-process one, so they wait for this silo's journal writer there and for other processes in SQLite's
/// busy timeout: WAL allows one writer at a time. The catalog table is created on first use, once per store.
/// </summary>
internal sealed class SqliteReadModelStore(SqliteConnectionFactory connections) : IReadModelStore
{
    private const int NoSuchTable = 1; // SQLITE_ERROR, with "no such table" in its message
    private readonly SemaphoreSlim _catalogGate = new(1, 1);
    private SqliteConnection? _writer; // used only while holding the file's write lock
    private volatile bool _catalogReady;

    public Task<IReadOnlyList<ProjectionGeneration>> LoadGenerationsAsync(string projection) =>
        WithCatalog(writes: false, connection => ReadGenerations(connection, transaction: null, projection));

    public Task<IReadModelSnapshot> OpenSnapshotAsync() => WithCatalog<IReadModelSnapshot>(writes: false, _ => new Snapshot(connections.OpenReader()));

    private static IReadOnlyList<ProjectionGeneration> ReadGenerations(SqliteConnection connection, SqliteTransaction? transaction, string projection)
    {
        using var command = Command(connection, SqliteReadModelSql.SelectGenerations, transaction);
        command.Parameters.AddWithValue("$projection", projection);
        using var reader = command.ExecuteReader();
        var generations = new List<ProjectionGeneration>();
        while (reader.Read())
            generations.Add(new ProjectionGeneration(projection, reader.GetInt32(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetInt64(3) != 0, reader.GetString(4)));
        return generations;
    }

    public Task CreateGenerationAsync(ProjectionGeneration generation, IReadOnlyList<RecordTable> tables)
    {
        var refs = ReadModelLayout.TablesOf(generation, tables);
        return WithCatalog(writes: true, connection =>
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            foreach (var table in refs)
            {
                Execute(connection, transaction, SqliteReadModelSql.CreateTable(table.Name, table.Table.Columns));
                for (var i = 0; i < table.Table.Columns.Count; i++)
                    Execute(connection, transaction, SqliteReadModelSql.CreateIndex(table.Name, i, table.Table.Columns[i]));
            }
            using var insert = Command(connection, SqliteReadModelSql.InsertGeneration, transaction);
            Bind(insert, generation);
            insert.Parameters.AddWithValue("$shape_version", generation.ShapeVersion);
            insert.Parameters.AddWithValue("$checkpoint", generation.Checkpoint);
            insert.Parameters.AddWithValue("$active", generation.IsActive);
            insert.Parameters.AddWithValue("$tables", ReadModelLayout.JoinTables(refs));
            insert.ExecuteNonQuery();
            transaction.Commit();
            return true;
        });
    }

    public Task<IReadOnlyDictionary<string, string>> LoadAsync(TableRef table, IReadOnlyCollection<string> keys) => Run<IReadOnlyDictionary<string, string>>(writes: false, connection =>
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        if (keys.Count == 0) return found;
        using var command = Command(connection, SqliteReadModelSql.SelectByKeys(table.Name));
        command.Parameters.AddWithValue("$keys", JsonSerializer.Serialize(keys));
        using var reader = ReadTable(command, table);
        while (reader.Read()) found[reader.GetString(0)] = reader.GetString(1);
        return found;
    });

    public Task CommitAsync(ProjectionGeneration generation, long from, long to, IReadOnlyList<RecordChange> changes)
    {
        var grouped = ReadModelLayout.Group(changes);
        return WithCatalog(writes: true, connection =>
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            using (var move = Command(connection, SqliteReadModelSql.MoveCheckpoint, transaction))
            {
                Bind(move, generation);
                move.Parameters.AddWithValue("$from", from);
                move.Parameters.AddWithValue("$to", to);
                if (move.ExecuteNonQuery() == 0) throw new ProjectionFencedException(generation.Projection, generation.Number, from);
            }
            foreach (var (table, records) in grouped) Write(connection, transaction, generation.TableOf(table), table, records);
            transaction.Commit();
            return true;
        });
    }

    public Task ActivateAsync(ProjectionGeneration generation, IReadOnlyList<RecordTable> tables) => WithCatalog(writes: true, connection =>
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        using (var exists = Command(connection, SqliteReadModelSql.SelectTables, transaction))
        {
            Bind(exists, generation);
            if (exists.ExecuteScalar() is null) throw ReadModelLayout.NoSuchGeneration(generation);
        }
        using (var activate = Command(connection, SqliteReadModelSql.Activate, transaction))
        {
            Bind(activate, generation);
            activate.ExecuteNonQuery();
        }
        var others = new List<(int Number, string Tables)>();
        using (var select = Command(connection, SqliteReadModelSql.SelectOtherGenerations, transaction))
        {
            Bind(select, generation);
            using var reader = select.ExecuteReader();
            while (reader.Read()) others.Add((reader.GetInt32(0), reader.GetString(1)));
        }
        foreach (var (number, listed) in others) Drop(connection, transaction, generation with { Number = number }, listed, tables);
        transaction.Commit();
        return true;
    });

    public Task DropAsync(ProjectionGeneration generation, IReadOnlyList<RecordTable> tables) => WithCatalog(writes: true, connection =>
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        using var select = Command(connection, SqliteReadModelSql.SelectTables, transaction);
        Bind(select, generation);
        Drop(connection, transaction, generation, select.ExecuteScalar() as string, tables);
        transaction.Commit();
        return true;
    });

    public Task<IReadOnlyList<KeyValuePair<string, string>>> QueryAsync(TableRef table, RecordQuery query)
    {
        ReadModelLayout.CheckQuery(table, query);
        return Run(writes: false, connection => ReadQuery(connection, transaction: null, table, query));
    }

    private static IReadOnlyList<KeyValuePair<string, string>> ReadQuery(SqliteConnection connection, SqliteTransaction? transaction, TableRef table, RecordQuery query)
    {
        using var command = Command(connection, SqliteReadModelSql.Query(table.Name, query), transaction);
        for (var i = 0; i < query.Conditions.Count; i++) command.Parameters.AddWithValue($"$v{i}", query.Conditions[i].Value);
        if (query.After is not null) command.Parameters.AddWithValue("$after", query.After);
        command.Parameters.AddWithValue("$limit", query.Limit);
        using var reader = ReadTable(command, table);
        var records = new List<KeyValuePair<string, string>>();
        while (reader.Read()) records.Add(new KeyValuePair<string, string>(reader.GetString(0), reader.GetString(1)));
        return records;
    }

    /// <summary>Reads in one deferred transaction on a reader connection of its own: WAL gives it the file as of its first read.</summary>
    private sealed class Snapshot : IReadModelSnapshot
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteTransaction _transaction;

        public Snapshot(SqliteConnection connection) => (_connection, _transaction) = (connection, connection.BeginTransaction(deferred: true));

        public Task<IReadOnlyList<ProjectionGeneration>> LoadGenerationsAsync(string projection) =>
            Task.Run(() => ReadGenerations(_connection, _transaction, projection));

        public Task<IReadOnlyList<KeyValuePair<string, string>>> QueryAsync(TableRef table, RecordQuery query)
        {
            ReadModelLayout.CheckQuery(table, query);
            return Task.Run(() => ReadQuery(_connection, _transaction, table, query));
        }

        public ValueTask DisposeAsync()
        {
            _transaction.Dispose();
            _connection.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private static void Write(SqliteConnection connection, SqliteTransaction transaction, string name, RecordTable table, IReadOnlyList<RecordChange> records)
    {
        using var upsert = Command(connection, SqliteReadModelSql.Upsert(name, table.Columns), transaction);
        using var delete = Command(connection, SqliteReadModelSql.Delete(name), transaction);
        var key = upsert.Parameters.Add("$key", SqliteType.Text);
        var doc = upsert.Parameters.Add("$doc", SqliteType.Text);
        var columns = table.Columns.Select((c, i) => upsert.Parameters.Add($"$c{i}", c.Kind == ColumnKind.Text ? SqliteType.Text : SqliteType.Integer)).ToArray();
        var deleted = delete.Parameters.Add("$key", SqliteType.Text);
        foreach (var record in records)
        {
            if (record.Json is null)
            {
                deleted.Value = record.Key;
                Execute(delete, name);
                continue;
            }
            key.Value = record.Key;
            doc.Value = record.Json;
            for (var i = 0; i < columns.Length; i++) columns[i].Value = record.Columns![i] ?? DBNull.Value;
            Execute(upsert, name);
        }
    }

    private static void Drop(SqliteConnection connection, SqliteTransaction transaction, ProjectionGeneration generation, string? listed, IReadOnlyList<RecordTable> declared)
    {
        foreach (var table in ReadModelLayout.TablesToDrop(listed, generation, declared)) Execute(connection, transaction, SqliteReadModelSql.DropTable(table));
        using var delete = Command(connection, SqliteReadModelSql.DeleteGeneration, transaction);
        Bind(delete, generation);
        delete.ExecuteNonQuery();
    }

    private static void Bind(SqliteCommand command, ProjectionGeneration generation)
    {
        command.Parameters.AddWithValue("$projection", generation.Projection);
        command.Parameters.AddWithValue("$generation", generation.Number);
    }

    /// <summary>Runs a reader on <paramref name="command"/>, turning SQLite's "no such table" into <see cref="ReadModelTableMissingException"/>.</summary>
    private static SqliteDataReader ReadTable(SqliteCommand command, TableRef table)
    {
        try
        {
            return command.ExecuteReader();
        }
        catch (SqliteException ex) when (IsMissingTable(ex))
        {
            throw new ReadModelTableMissingException(table.Name, ex);
        }
    }

    private static void Execute(SqliteCommand command, string table)
    {
        try
        {
            command.ExecuteNonQuery();
        }
        catch (SqliteException ex) when (IsMissingTable(ex))
        {
            throw new ReadModelTableMissingException(table, ex);
        }
    }

    private static bool IsMissingTable(SqliteException ex) =>
        ex.SqliteErrorCode == NoSuchTable && ex.Message.Contains("no such table", StringComparison.Ordinal);

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = Command(connection, sql, transaction);
        command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    /// <summary>Runs <paramref name="work"/> once the catalog exists.</summary>
    private Task<T> WithCatalog<T>(bool writes, Func<SqliteConnection, T> work) => Run(writes, connection =>
    {
        EnsureCatalog();
        return work(connection);
    });

    /// <summary>Creates the catalog table on this store's first use; a failed attempt is tried again next time.</summary>
    private void EnsureCatalog()
    {
        if (_catalogReady) return;
        _catalogGate.Wait();
        try
        {
            if (_catalogReady) return;
            using var connection = connections.OpenReadModelWriter();
            using var command = Command(connection, SqliteReadModelSql.CreateCatalog);
            command.ExecuteNonQuery();
            _catalogReady = true;
        }
        finally
        {
            _catalogGate.Release();
        }
    }

    /// <summary>
    /// Runs on the thread pool with a connection that waits for locks (the busy timeout): a pooled one to read
    /// (readers never wait in WAL), the store's write connection to write, under the file's write lock.
    /// </summary>
    private Task<T> Run<T>(bool writes, Func<SqliteConnection, T> work) => writes ? WriteAsync(work) : Task.Run(() =>
    {
        using var connection = connections.OpenReader();
        return work(connection);
    });

    private async Task<T> WriteAsync<T>(Func<SqliteConnection, T> work)
    {
        using (await connections.WriteLock.EnterAsync())
        {
            return await Task.Run(() =>
            {
                try
                {
                    return work(_writer ??= connections.OpenReadModelWriter());
                }
                catch (SqliteException)
                {
                    CloseWriter(); // opened read-only, or damaged: the next write opens the file again
                    throw;
                }
            }).ConfigureAwait(false);
        }
    }

    private void CloseWriter()
    {
        _writer?.Dispose();
        _writer = null;
    }

    /// <summary>Closes the write connection (reads hold no connection between calls).</summary>
    public void Dispose()
    {
        using (connections.WriteLock.Enter()) CloseWriter();
    }
}
