using System.Diagnostics;
using System.Threading.Channels;
using EventStore.Benchmarks.Grains;
using EventStore.Benchmarks.Hosting;
using EventStore.Benchmarks.Measuring;
using EventStore.Benchmarks.Reporting;
using EventStore.Benchmarks.Workloads;
using EventStore.Journal.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace EventStore.Benchmarks.Baselines;

/// <summary>
/// Raw PostgreSQL baselines with plain Npgsql on the product's own schema (<see cref="PostgresJournalSql.CreateSchema"/>,
/// so it cannot drift): positions come from the same <c>journal_head</c> counter row
/// (<see cref="PostgresJournalSql.TakePositions"/>), every commit is durable (synchronous_commit on), and an event is
/// acknowledged after COMMIT. W1 <c>group-commit</c> (64 producers, one writer, one transaction per drained batch),
/// W1 <c>row-per-txn</c> (64 connections), W2 one row per transaction, W4 one SELECT of the table in position order.
/// </summary>
internal static class RawNpgsql
{
    private const string System = "raw-npgsql";

    private const string Insert = """
        INSERT INTO events (position, id, type, aggregate_id, aggregate_type, version, timestamp, source, payload)
        VALUES (@position, @id, 'bench:appended', @aggregate_id, 'bench-aggregate', @version, @timestamp, 'bench', @payload)
        """;

    public static async Task GroupCommit(BenchContext bench)
    {
        var (aggregates, events) = (bench.Scale.W1Aggregates, bench.Scale.W1EventsPerAggregate);
        BenchContext.Progress($"W1 raw-npgsql group-commit: {aggregates} aggregates x {events} events, {bench.Scale.InFlight} in flight");
        await using var database = await CreateAsync("w1_group");
        DriveOutcome outcome;
        long commits;
        using (var writer = new GroupWriter(database.Postgres))
        {
            outcome = await ConcurrentDriver.RunAsync(aggregates, events, bench.Scale.InFlight, writer.Append);
            commits = writer.Commits;
        }
        bench.Add(Result.Rate(System, "group-commit", "W1", bench.Sync, outcome.Events, outcome.Seconds,
            outcome.Latencies.Percentile(50), outcome.Latencies.Percentile(99)) with
        {
            CpuUsPerEvent = outcome.CpuUsPerEvent,
            Note = $"{commits} commits, {outcome.Events / (double)Math.Max(1, commits):0.0} events/commit; counter row update + one NpgsqlBatch of inserts per commit",
        });
    }

    public static async Task RowPerTxn(BenchContext bench)
    {
        var (aggregates, events, writers) = (bench.Scale.W1Aggregates, bench.Scale.W1EventsPerAggregate, bench.Scale.InFlight);
        BenchContext.Progress($"W1 raw-npgsql row-per-txn: {aggregates} aggregates x {events} events, {writers} connections");
        await using var database = await CreateAsync("w1_row");
        var connections = Enumerable.Range(0, writers).Select(_ => new Connection(database.Postgres)).ToArray();
        try
        {
            var outcome = ConcurrentDriver.RunThreads(aggregates, events, writers, (worker, aggregate, seq) => connections[worker].AppendOne(aggregate, seq));
            bench.Add(Result.Rate(System, "row-per-txn", "W1", bench.Sync, outcome.Events, outcome.Seconds,
                outcome.Latencies.Percentile(50), outcome.Latencies.Percentile(99)) with
            {
                CpuUsPerEvent = outcome.CpuUsPerEvent,
                Note = outcome.Failures > 0 ? $"{outcome.Failures} failed transactions retried, first: {outcome.FirstError}" : "each: BEGIN, counter row update, INSERT, COMMIT",
            });
        }
        finally
        {
            foreach (var connection in connections) connection.Dispose();
        }
    }

    public static async Task Sequential(BenchContext bench)
    {
        var events = bench.Scale.W2Events;
        BenchContext.Progress($"W2 raw-npgsql row-per-txn: {events} sequential rows");
        await using var database = await CreateAsync("w2");
        using var connection = new Connection(database.Postgres);
        var run = SequentialRun.Run(events, seq => connection.AppendOne(0, seq));
        W2SequentialAppend.Report(bench, System, "row-per-txn", run, events);
    }

    /// <summary>W4: one SELECT of every column of the product's table in position order (the log the product filled).</summary>
    public static async Task SelectAll(BenchContext bench, string connectionString)
    {
        BenchContext.Progress("W4 raw-npgsql: SELECT of the whole table in position order");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        Scan(connection, $"SELECT {PostgresJournalSql.Columns} FROM events ORDER BY position LIMIT 100000"); // warm the cache and the code
        var cpu = CpuMeter.Start();
        var start = Stopwatch.GetTimestamp();
        var rows = Scan(connection, $"SELECT {PostgresJournalSql.Columns} FROM events ORDER BY position");
        var seconds = Latencies.Seconds(start, Stopwatch.GetTimestamp());
        bench.Add(Result.Rate(System, "select-all", "W4", bench.Sync, rows, seconds, null, null) with
        {
            CpuUsPerEvent = cpu.PerEvent(rows),
            Note = "one statement on the eventstore's log, no JSON deserialization",
        });
    }

    private static async Task<BenchDatabase> CreateAsync(string prefix)
    {
        var database = await BenchDatabase.CreateAsync(postgres: true, "raw_" + prefix);
        await using var connection = new NpgsqlConnection(database.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(PostgresJournalSql.CreateSchema, connection);
        await command.ExecuteNonQueryAsync();
        return database;
    }

    private static long Scan(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        using var reader = command.ExecuteReader();
        return RowScan.ReadAll(reader);
    }

    /// <summary>One connection with prepared statements: the counter update and the insert.</summary>
    private sealed class Connection : IDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly NpgsqlCommand _take;
        private readonly NpgsqlCommand _insert;

        public Connection(string connectionString)
        {
            _connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
            _connection.Open();
            using (var session = new NpgsqlCommand(PostgresJournalSql.SetSynchronousCommit, _connection)) session.ExecuteNonQuery();
            _take = new NpgsqlCommand(PostgresJournalSql.TakePositions, _connection);
            _take.Parameters.Add(new NpgsqlParameter("count", NpgsqlDbType.Bigint));
            _take.Prepare();
            _insert = NewInsert(_connection);
            _insert.Prepare();
        }

        /// <summary>BEGIN, one position from the counter row, one INSERT, COMMIT; returns the position.</summary>
        public long AppendOne(int aggregate, long seq)
        {
            using var transaction = _connection.BeginTransaction();
            var position = Take(_take, transaction, 1);
            SetInsert(_insert, position, aggregate, seq);
            _insert.Transaction = transaction;
            _insert.ExecuteNonQuery();
            transaction.Commit();
            return position;
        }

        public void Dispose()
        {
            _take.Dispose();
            _insert.Dispose();
            _connection.Dispose();
        }
    }

    private static long Take(NpgsqlCommand take, NpgsqlTransaction transaction, long count)
    {
        take.Transaction = transaction;
        take.Parameters[0].Value = count;
        return (long)take.ExecuteScalar()!;
    }

    private static NpgsqlCommand NewInsert(NpgsqlConnection connection)
    {
        var insert = new NpgsqlCommand(Insert, connection);
        insert.Parameters.Add(new NpgsqlParameter("position", NpgsqlDbType.Bigint));
        insert.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Text));
        insert.Parameters.Add(new NpgsqlParameter("aggregate_id", NpgsqlDbType.Text));
        insert.Parameters.Add(new NpgsqlParameter("version", NpgsqlDbType.Bigint));
        insert.Parameters.Add(new NpgsqlParameter("timestamp", NpgsqlDbType.Bigint));
        insert.Parameters.Add(new NpgsqlParameter("payload", NpgsqlDbType.Text));
        return insert;
    }

    private static void SetInsert(NpgsqlCommand insert, long position, int aggregate, long seq)
    {
        var aggregateId = Payloads.AggregateId(aggregate);
        insert.Parameters[0].Value = position;
        insert.Parameters[1].Value = Guid.CreateVersion7().ToString();
        insert.Parameters[2].Value = aggregateId;
        insert.Parameters[3].Value = seq;
        insert.Parameters[4].Value = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        insert.Parameters[5].Value = Payloads.Json(aggregateId, seq);
    }

    /// <summary>64 producers queue one event each; one writer thread commits everything queued in one transaction.</summary>
    private sealed class GroupWriter : IDisposable
    {
        private readonly Channel<Request> _queue = Channel.CreateUnbounded<Request>(new() { SingleReader = true });
        private readonly NpgsqlConnection _connection;
        private readonly NpgsqlCommand _take;
        private readonly Thread _thread;

        public GroupWriter(string connectionString)
        {
            // Auto-prepare: the batch's INSERTs are prepared once and reused, like the product's prepared statements.
            _connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, MaxAutoPrepare = 10 }.ToString());
            _connection.Open();
            using (var session = new NpgsqlCommand(PostgresJournalSql.SetSynchronousCommit, _connection)) session.ExecuteNonQuery();
            _take = new NpgsqlCommand(PostgresJournalSql.TakePositions, _connection);
            _take.Parameters.Add(new NpgsqlParameter("count", NpgsqlDbType.Bigint));
            _thread = new Thread(Loop) { IsBackground = true, Name = "raw-npgsql-group-commit" };
            _thread.Start();
        }

        public long Commits { get; private set; }

        public Task<long> Append(int aggregate, long seq)
        {
            var request = new Request(aggregate, seq);
            _queue.Writer.TryWrite(request);
            return request.Done.Task;
        }

        public void Dispose()
        {
            _queue.Writer.TryComplete();
            _thread.Join();
            _take.Dispose();
            _connection.Dispose();
        }

        private void Loop()
        {
            var batch = new List<Request>();
            while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                while (_queue.Reader.TryRead(out var request)) batch.Add(request);
                try
                {
                    using var transaction = _connection.BeginTransaction();
                    var first = Take(_take, transaction, batch.Count) - batch.Count + 1;
                    using var inserts = new NpgsqlBatch(_connection, transaction);
                    for (var i = 0; i < batch.Count; i++)
                    {
                        var insert = new NpgsqlBatchCommand(Insert);
                        var aggregateId = Payloads.AggregateId(batch[i].Aggregate);
                        insert.Parameters.Add(new NpgsqlParameter<long>("position", first + i));
                        insert.Parameters.Add(new NpgsqlParameter<string>("id", Guid.CreateVersion7().ToString()));
                        insert.Parameters.Add(new NpgsqlParameter<string>("aggregate_id", aggregateId));
                        insert.Parameters.Add(new NpgsqlParameter<long>("version", batch[i].Seq));
                        insert.Parameters.Add(new NpgsqlParameter<long>("timestamp", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
                        insert.Parameters.Add(new NpgsqlParameter<string>("payload", Payloads.Json(aggregateId, batch[i].Seq)));
                        inserts.BatchCommands.Add(insert);
                    }
                    inserts.ExecuteNonQuery();
                    transaction.Commit();
                    Commits++;
                    for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(first + i);
                }
                catch (Exception ex)
                {
                    foreach (var request in batch) request.Done.TrySetException(ex);
                }
                batch.Clear();
            }
        }

        private sealed record Request(int Aggregate, long Seq)
        {
            public TaskCompletionSource<long> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
