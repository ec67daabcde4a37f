using Npgsql;
using NpgsqlTypes;

namespace EventStore.Journal.Postgres;

/// <summary>
/// The writer connection's prepared statements and batches (<see cref="PostgresBatchStore"/>), prepared once per connection.
/// Each <see cref="NpgsqlBatch"/> is one round trip; inside the writer's transaction its statements run one after another
/// (the first takes its locks before the second runs), and an error skips the rest of the batch.
/// </summary>
internal sealed class PostgresWriterStatements : IDisposable
{
    /// <summary>Index of the first stats statement in <see cref="WriteOne"/> and <see cref="WriteMany"/> (three: totals, event types, aggregate types).</summary>
    public const int StatsAt = 3;

    private readonly NpgsqlConnection _connection;
    private readonly List<IDisposable> _all = [];

    public PostgresWriterStatements(NpgsqlConnection connection)
    {
        _connection = connection;
        LockHead = Prepare(PostgresJournalSql.LockHead);
        Savepoint = Prepare(PostgresJournalSql.Savepoint);
        Rollback = Prepare(PostgresJournalSql.RollbackToSavepoint);
        Release = Prepare(PostgresJournalSql.ReleaseSavepoint);
        RollbackWrite = Prepare(PostgresJournalSql.RollbackToBulkSavepoint);
        ReleaseWrite = Prepare(PostgresJournalSql.ReleaseBulkSavepoint);
        SelectHead = Prepare(PostgresJournalSql.SelectStreamHead, new NpgsqlParameter("aggregate_id", NpgsqlDbType.Text));
        TakePositions = Prepare(PostgresJournalSql.TakePositions, new NpgsqlParameter("count", NpgsqlDbType.Bigint));
        SelectIdOwner = Prepare(PostgresJournalSql.SelectIdOwner, new NpgsqlParameter("id", NpgsqlDbType.Text));
        Insert = Prepare(PostgresJournalSql.InsertEvent, InsertParameters());
        LockAndReadHead = PrepareBatch(
            Statement(PostgresJournalSql.LockHead),
            Statement(PostgresJournalSql.SelectStreamHead, new NpgsqlParameter("aggregate_id", NpgsqlDbType.Text)));
        LockAndReadHeads = PrepareBatch(
            Statement(PostgresJournalSql.LockHead),
            Statement(PostgresJournalSql.SelectStreamHeads, new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text)));
        WriteOne = PrepareBatch([
            Statement(PostgresJournalSql.BulkSavepoint),
            Statement(PostgresJournalSql.SetHead, new NpgsqlParameter("position", NpgsqlDbType.Bigint)),
            Statement(PostgresJournalSql.InsertEvent, InsertParameters()),
            .. StatsStatements(),
            Statement(PostgresJournalSql.ReleaseBulkSavepoint)]);
        WriteMany = PrepareBatch([
            Statement(PostgresJournalSql.BulkSavepoint),
            Statement(PostgresJournalSql.SetHead, new NpgsqlParameter("position", NpgsqlDbType.Bigint)),
            Statement(PostgresJournalSql.InsertEvents, [.. PostgresEventColumns.Parameters()]),
            .. StatsStatements(),
            Statement(PostgresJournalSql.ReleaseBulkSavepoint)]);
        WriteStats = PrepareBatch(StatsStatements());
    }

    /// <summary><see cref="PostgresJournalSql.LockHead"/> alone.</summary>
    public NpgsqlCommand LockHead { get; }

    /// <summary>The one-append path's savepoint, its rollback and its release (<see cref="PostgresBatchStore.Append"/>).</summary>
    public NpgsqlCommand Savepoint { get; }

    /// <inheritdoc cref="Savepoint"/>
    public NpgsqlCommand Rollback { get; }

    /// <inheritdoc cref="Savepoint"/>
    public NpgsqlCommand Release { get; }

    /// <summary>Rolls back to the savepoint of <see cref="WriteOne"/> or <see cref="WriteMany"/> after it failed.</summary>
    public NpgsqlCommand RollbackWrite { get; }

    /// <summary>Releases the savepoint of <see cref="WriteOne"/> or <see cref="WriteMany"/> after a rollback to it.</summary>
    public NpgsqlCommand ReleaseWrite { get; }

    public NpgsqlCommand SelectHead { get; }

    public NpgsqlCommand TakePositions { get; }

    public NpgsqlCommand SelectIdOwner { get; }

    /// <summary><see cref="PostgresJournalSql.InsertEvent"/>, with the parameters of <see cref="InsertParameters"/>.</summary>
    public NpgsqlCommand Insert { get; }

    /// <summary>Locks and reads the counter row, then reads one stream's head: one round trip.</summary>
    public NpgsqlBatch LockAndReadHead { get; }

    /// <summary>Locks and reads the counter row, then reads the heads of many streams: one round trip.</summary>
    public NpgsqlBatch LockAndReadHeads { get; }

    /// <summary>
    /// One event, in one round trip: savepoint, counter set (1), the row (2), the stats counters (<see cref="StatsAt"/>), release.
    /// </summary>
    public NpgsqlBatch WriteOne { get; }

    /// <summary>Like <see cref="WriteOne"/>, with every row in one multi-row INSERT of column arrays (statement 2).</summary>
    public NpgsqlBatch WriteMany { get; }

    /// <summary>The stats counters alone (from index 0), for events written by <see cref="PostgresBatchStore.Append"/>.</summary>
    public NpgsqlBatch WriteStats { get; }

    public void Dispose()
    {
        foreach (var statement in _all) statement.Dispose();
        _all.Clear();
    }

    /// <summary>The parameters of <see cref="PostgresJournalSql.InsertEvent"/>, by name.</summary>
    private static NpgsqlParameter[] InsertParameters() =>
    [
        new("position", NpgsqlDbType.Bigint), new("id", NpgsqlDbType.Text), new("type", NpgsqlDbType.Text), new("aggregate_id", NpgsqlDbType.Text),
        new("aggregate_type", NpgsqlDbType.Text), new("version", NpgsqlDbType.Bigint), new("timestamp", NpgsqlDbType.Bigint), new("source", NpgsqlDbType.Text),
        new("payload", NpgsqlDbType.Text), new("metadata", NpgsqlDbType.Text), new("causation_id", NpgsqlDbType.Text), new("correlation_id", NpgsqlDbType.Text),
        new("request", NpgsqlDbType.Text), new("schema_version", NpgsqlDbType.Integer),
    ];

    private static NpgsqlBatchCommand[] StatsStatements() =>
    [
        Statement(PostgresJournalSql.AddToTotals, new NpgsqlParameter("events", NpgsqlDbType.Bigint), new NpgsqlParameter("aggregates", NpgsqlDbType.Bigint),
            new NpgsqlParameter("oldest", NpgsqlDbType.Bigint), new NpgsqlParameter("newest", NpgsqlDbType.Bigint)),
        Statement(PostgresJournalSql.AddToEventTypeCounts, CountParameters()),
        Statement(PostgresJournalSql.AddToAggregateTypeCounts, CountParameters()),
    ];

    private static NpgsqlParameter[] CountParameters() =>
        [new("names", NpgsqlDbType.Array | NpgsqlDbType.Text), new("events", NpgsqlDbType.Array | NpgsqlDbType.Bigint)];

    private static NpgsqlBatchCommand Statement(string sql, params NpgsqlParameter[] parameters)
    {
        var statement = new NpgsqlBatchCommand(sql);
        statement.Parameters.AddRange(parameters);
        return statement;
    }

    /// <summary>Statements sent together in one round trip, prepared on the writer's connection; they join its transaction.</summary>
    private NpgsqlBatch PrepareBatch(params NpgsqlBatchCommand[] statements)
    {
        var batch = new NpgsqlBatch(_connection);
        foreach (var statement in statements) batch.BatchCommands.Add(statement);
        batch.Prepare();
        _all.Add(batch);
        return batch;
    }

    /// <summary>A statement prepared on the writer's connection; it joins whatever transaction the connection is in.</summary>
    private NpgsqlCommand Prepare(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, _connection);
        command.Parameters.AddRange(parameters);
        command.Prepare();
        _all.Add(command);
        return command;
    }
}
