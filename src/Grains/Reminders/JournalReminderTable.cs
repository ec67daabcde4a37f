using System.Data.Common;
using Orleans.Runtime;

namespace EventStore.Reminders;

/// <summary>
/// Orleans' reminder table (<see cref="IReminderTable"/>) in the journal's database, one class for every backend over
/// the backend's statements (<see cref="IReminderDatabase"/>). Rows are keyed by service id, grain id and reminder name.
/// Every upsert gives the row a new, never reused ETag (a GUID) in the same statement that writes it, and a remove
/// deletes the row only while it still carries the ETag the caller holds: of concurrent upserts the last one wins whole,
/// and a remove with a stale ETag (the row was upserted since) removes nothing and says so. The table is created, if
/// missing, when the reminder service starts (<see cref="StartAsync"/>). All work runs on the thread pool, off the Orleans
/// scheduler, since SQLite's calls block.
/// </summary>
internal sealed class JournalReminderTable(IReminderDatabase database, string serviceId) : IReminderTable
{
    private readonly ReminderStatements _sql = database.Sql;

    /// <summary>Creates the table if missing, in one transaction (under the backend's lock where it has one).</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => Run(writes: true, cancellationToken, async (connection, cancellation) =>
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        if (_sql.LockSchema is not null) await Execute(connection, transaction, _sql.LockSchema, cancellation);
        await using (var exists = Command(connection, _sql.TableExists, transaction))
            if (Convert.ToBoolean(await exists.ExecuteScalarAsync(cancellation))) return true; // no DDL (and no DDL locks) on a table in use
        await Execute(connection, transaction, _sql.CreateTable, cancellation);
        await transaction.CommitAsync(cancellation);
        return true;
    });

    public Task<ReminderTableData> ReadRows(GrainId grainId) => Run(writes: false, default, async (connection, cancellation) =>
    {
        await using var command = Command(connection, _sql.SelectByGrain);
        Add(command, "@grain_id", grainId.ToString());
        return new ReminderTableData(await ReadAll(command, cancellation));
    });

    /// <summary>Rows whose grain hash is in (begin, end]; when begin &gt;= end, the range wraps around the ring: above begin or at most end.</summary>
    public Task<ReminderTableData> ReadRows(uint begin, uint end) => Run(writes: false, default, async (connection, cancellation) =>
    {
        await using var command = Command(connection, begin < end ? _sql.SelectInRange : _sql.SelectOutsideRange);
        Add(command, "@begin", (long)begin);
        Add(command, "@end", (long)end);
        return new ReminderTableData(await ReadAll(command, cancellation));
    });

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => Run(writes: false, default, async (connection, cancellation) =>
    {
        await using var command = Command(connection, _sql.SelectRow);
        Add(command, "@grain_id", grainId.ToString());
        Add(command, "@reminder_name", reminderName);
        return (await ReadAll(command, cancellation)).SingleOrDefault();
    });

    /// <summary>Writes the entry whole (its own ETag is ignored, as Orleans' contract has it) and returns the row's new ETag.</summary>
    public Task<string?> UpsertRow(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var etag = Guid.NewGuid().ToString("N");
        return Run<string?>(writes: true, default, async (connection, cancellation) =>
        {
            await using var command = Command(connection, _sql.Upsert);
            Add(command, "@grain_id", entry.GrainId.ToString());
            Add(command, "@reminder_name", entry.ReminderName);
            Add(command, "@grain_hash", (long)entry.GrainId.GetUniformHashCode());
            Add(command, "@start_at", DateTime.SpecifyKind(entry.StartAt, DateTimeKind.Utc).Ticks);
            Add(command, "@period", entry.Period.Ticks);
            Add(command, "@etag", etag);
            await command.ExecuteNonQueryAsync(cancellation);
            return etag;
        });
    }

    /// <summary>Removes the row only if it still carries <paramref name="eTag"/>; false when it does not (or is gone).</summary>
    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => Run(writes: true, default, async (connection, cancellation) =>
    {
        await using var command = Command(connection, _sql.Delete);
        Add(command, "@grain_id", grainId.ToString());
        Add(command, "@reminder_name", reminderName);
        Add(command, "@etag", eTag);
        return await command.ExecuteNonQueryAsync(cancellation) == 1;
    });

    public Task TestOnlyClearTable() => Run(writes: true, default, async (connection, cancellation) =>
    {
        await using var command = Command(connection, _sql.DeleteAll);
        await command.ExecuteNonQueryAsync(cancellation);
        return true;
    });

    private static async Task<List<ReminderEntry>> ReadAll(DbCommand command, CancellationToken cancellation)
    {
        var entries = new List<ReminderEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
            entries.Add(new ReminderEntry
            {
                GrainId = GrainId.Parse(reader.GetString(0)),
                ReminderName = reader.GetString(1),
                StartAt = new DateTime(reader.GetInt64(2), DateTimeKind.Utc),
                Period = TimeSpan.FromTicks(reader.GetInt64(3)),
                ETag = reader.GetString(4),
            });
        return entries;
    }

    private DbCommand Command(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        if (sql.Contains("@service_id", StringComparison.Ordinal)) Add(command, "@service_id", serviceId);
        return command;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static async Task Execute(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellation)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancellation);
    }

    private Task<T> Run<T>(bool writes, CancellationToken cancellation, Func<DbConnection, CancellationToken, Task<T>> work) => Task.Run(async () =>
    {
        await using var connection = await database.OpenAsync(writes, cancellation);
        return await work(connection, cancellation);
    }, cancellation);
}
