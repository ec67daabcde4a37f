using System.Threading.Channels;
using EventStore.Benchmarks.Hosting;
using EventStore.Benchmarks.Measuring;
using EventStore.Benchmarks.Reporting;
using EventStore.Journal;
using Microsoft.Data.Sqlite;

namespace EventStore.Benchmarks.Baselines;

/// <summary>
/// Raw SQLite, W1-shaped, <c>group-commit</c>: 64 producers queue one event each and wait; a single writer
/// thread takes everything queued, inserts it in one transaction and acknowledges each event after COMMIT.
/// The product's design without Orleans, without per-append savepoints and head checks.
/// </summary>
internal static class RawGroupCommit
{
    public static async Task Run(BenchContext bench)
    {
        var (aggregates, events) = (bench.Scale.W1Aggregates, bench.Scale.W1EventsPerAggregate);
        BenchContext.Progress($"W1 raw-sqlite group-commit: {aggregates} aggregates x {events} events, {bench.Scale.InFlight} in flight");
        using var database = new TempDatabase();
        DriveOutcome outcome;
        long commits;
        using (var writer = new Writer(database.Path, bench.Durability))
        {
            outcome = await ConcurrentDriver.RunAsync(aggregates, events, bench.Scale.InFlight, writer.Append);
            commits = writer.Commits;
        }
        bench.Add(Result.Rate("raw-sqlite", "group-commit", "W1", bench.Sync, outcome.Events, outcome.Seconds,
            outcome.Latencies.Percentile(50), outcome.Latencies.Percentile(99)) with
        {
            CpuUsPerEvent = outcome.CpuUsPerEvent,
            Note = $"{commits} commits, {outcome.Events / (double)Math.Max(1, commits):0.0} events/commit",
        });
    }

    private sealed class Writer : IDisposable
    {
        private readonly Channel<Request> _queue = Channel.CreateUnbounded<Request>(new() { SingleReader = true });
        private readonly SqliteConnection _connection;
        private readonly RawSqlite.InsertCommand _insert;
        private readonly Thread _thread;

        public Writer(string path, JournalDurability durability)
        {
            _connection = RawSqlite.Create(path, durability);
            _insert = RawSqlite.PrepareInsert(_connection);
            _thread = new Thread(Loop) { IsBackground = true, Name = "raw-group-commit" };
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
            _insert.Dispose();
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
                    using var transaction = _connection.BeginTransaction(deferred: false);
                    _insert.Transaction = transaction;
                    foreach (var request in batch) _insert.Run(request.Aggregate, request.Seq);
                    transaction.Commit();
                    Commits++;
                    foreach (var request in batch) request.Done.TrySetResult(0);
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
