using System.Threading.Channels;
using EventStore.Errors;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace EventStore.Journal;

/// <summary>
/// The journal's only writer. A dedicated thread drains the appends queued by all grains, commits
/// them together in one transaction and completes each append only after COMMIT returned, so an
/// acknowledged event is always on disk. A stale expected version or a taken event id fails its own
/// append (rolled back to a savepoint), never its neighbours in the batch.
/// </summary>
internal sealed partial class GroupCommitWriter : IDisposable
{
    private const int SqliteConstraint = 19;
    private const int MaxRememberedHeads = 100_000;

    private readonly SqliteConnectionFactory _connections;
    private readonly CommittedFeed _feed;
    private readonly int _maxEventsPerCommit;
    private readonly ILogger _logger;
    private readonly Channel<WriteRequest> _queue = Channel.CreateUnbounded<WriteRequest>(new() { SingleReader = true });
    private readonly Thread _thread;
    private SqliteConnection? _connection;
    private SqliteCommand? _selectHead;
    private SqliteCommand? _insert;
    private SqliteCommand? _upsertSnapshot;
    private readonly Dictionary<string, (long Version, string Type)> _heads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Version, string Type)> _batchHeads = new(StringComparer.Ordinal);
    private long _commits;
    private long _committedEvents;

    public GroupCommitWriter(SqliteConnectionFactory connections, int maxEventsPerCommit, CommittedFeed feed, ILogger logger)
    {
        (_connections, _maxEventsPerCommit, _feed, _logger) = (connections, maxEventsPerCommit, feed, logger);
        _thread = new Thread(Run) { IsBackground = true, Name = "event-journal-writer" };
        _thread.Start();
    }

    /// <summary>Transactions committed so far.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Events committed so far.</summary>
    public long CommittedEvents => Interlocked.Read(ref _committedEvents);

    /// <summary>Queues an append; the task completes after the transaction holding it committed (or failed).</summary>
    public async Task<AppendOutcome> Enqueue(StreamAppend append, TimeSpan timeout)
    {
        var request = new AppendRequest(append);
        var outcome = Enqueue(request);
        try
        {
            return await outcome.WaitAsync(timeout);
        }
        catch (TimeoutException) when (request.TryAbandon())
        {
            throw new JournalUnavailableException(
                $"The append to '{append.AggregateId}' was not committed within {timeout.TotalSeconds:0.###} s (the journal is locked or stuck); it was withdrawn and will not be written.");
        }
        catch (TimeoutException)
        {
            // The writer took it just in time: its outcome is near (bounded by the busy timeout).
            return await outcome;
        }
    }

    /// <summary>Queues a snapshot; it is stored in the next commit unless a newer one is already there.</summary>
    public Task SaveSnapshot(Store.Snapshot snapshot) => Enqueue(new SnapshotRequest(snapshot));

    private Task<T> Enqueue<T>(WriteRequest<T> request)
    {
        if (!_queue.Writer.TryWrite(request)) request.Fail(new JournalUnavailableException("The event journal is shut down."));
        return request.Task;
    }

    /// <summary>Stops accepting appends, commits what is queued and closes the connection.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _thread.Join();
    }

    private void Run()
    {
        var batch = new List<WriteRequest>();
        while (WaitForWork())
        {
            var events = 0;
            while (events < _maxEventsPerCommit && _queue.Reader.TryRead(out var request))
            {
                if (!request.TryClaim()) continue; // withdrawn by a caller that stopped waiting
                batch.Add(request);
                events += request.EventCount;
            }
            CommitBatch(batch);
            batch.Clear();
        }
        CloseConnection();
    }

    private bool WaitForWork()
    {
        var wait = _queue.Reader.WaitToReadAsync();
        return wait.IsCompleted ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
    }

    private void CommitBatch(List<WriteRequest> batch)
    {
        var results = new object[batch.Count];
        try
        {
            var connection = EnsureConnection();
            using var transaction = connection.BeginTransaction(deferred: false);
            _selectHead!.Transaction = transaction;
            _insert!.Transaction = transaction;
            _upsertSnapshot!.Transaction = transaction;
            _batchHeads.Clear();
            for (var i = 0; i < batch.Count; i++)
                results[i] = batch[i].Execute(this, transaction);
            transaction.Commit();
            RememberHeads();
        }
        catch (Exception ex)
        {
            LogCommitFailed(_logger, ex, batch.Count, _connections.DatabasePath);
            CloseConnection();
            _heads.Clear();
            var error = new JournalUnavailableException($"The event journal could not commit to '{_connections.DatabasePath}': {ex.Message}");
            foreach (var request in batch) request.Fail(error);
            return;
        }

        var committed = results.OfType<AppendOutcome.Committed>().SelectMany(c => c.Events).ToList();
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _committedEvents, committed.Count);
        for (var i = 0; i < batch.Count; i++) batch[i].Complete(results[i]);
        _feed.Publish(committed);
    }

    /// <summary>
    /// Writes one stream's events (several inside a savepoint, so that they land together or not at
    /// all); returns an <see cref="AppendOutcome"/> or the exception that refused it.
    /// </summary>
    private object AppendOne(StreamAppend append, SqliteTransaction transaction)
    {
        const string savepoint = "append";
        var atomicByItself = append.Events.Count == 1; // one INSERT either happens or not
        if (!atomicByItself) transaction.Save(savepoint);
        try
        {
            var (actualVersion, actualType) = Head(append.AggregateId, append.ExpectedVersion);
            if (actualType is not null && actualType != append.AggregateType)
            {
                if (!atomicByItself) transaction.Release(savepoint);
                return new InvalidCommandException("aggregateId",
                    $"'{append.AggregateId}' is the id of a {actualType} stream; a {append.AggregateType} cannot use it");
            }
            if (actualVersion != append.ExpectedVersion)
            {
                if (!atomicByItself) transaction.Release(savepoint);
                return new AppendOutcome.VersionConflict(actualVersion);
            }

            var committed = new List<Events.EventEnvelope>(append.Events.Count);
            foreach (var pending in append.Events)
            {
                var version = append.ExpectedVersion + committed.Count + 1;
                var position = Insert(append, pending, version);
                committed.Add(pending.Envelope with
                {
                    AggregateId = append.AggregateId,
                    AggregateType = append.AggregateType,
                    Version = version,
                    Position = position,
                });
            }
            if (!atomicByItself) transaction.Release(savepoint);
            _batchHeads[append.AggregateId] = (committed[^1].Version, append.AggregateType);
            return new AppendOutcome.Committed(committed);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
        {
            if (!atomicByItself)
            {
                transaction.Rollback(savepoint);
                transaction.Release(savepoint);
            }
            // A version taken by a writer this process did not see, or an event id already used.
            _heads.Remove(append.AggregateId);
            _batchHeads.Remove(append.AggregateId);
            var (actualVersion, _) = ReadHead(append.AggregateId);
            return actualVersion != append.ExpectedVersion ? new AppendOutcome.VersionConflict(actualVersion) : DescribeDuplicate(append);
        }
    }

    /// <summary>
    /// The stream's head. A head remembered from this writer's own commits spares the read only when it
    /// agrees with the caller; any disagreement is settled by the database, and a head another process
    /// moved is caught by UNIQUE(aggregate_id, version) on insert.
    /// </summary>
    private (long Version, string? AggregateType) Head(string aggregateId, long expectedVersion)
    {
        if ((_batchHeads.TryGetValue(aggregateId, out var head) || _heads.TryGetValue(aggregateId, out head)) && head.Version == expectedVersion)
            return head;
        return ReadHead(aggregateId);
    }

    private void RememberHeads()
    {
        if (_heads.Count + _batchHeads.Count > MaxRememberedHeads) _heads.Clear();
        foreach (var (aggregateId, head) in _batchHeads) _heads[aggregateId] = head;
        _batchHeads.Clear();
    }

    private bool UpsertSnapshot(Store.Snapshot snapshot)
    {
        var p = _upsertSnapshot!.Parameters;
        p["$aggregate_id"].Value = snapshot.AggregateId;
        p["$aggregate_type"].Value = snapshot.AggregateType;
        p["$version"].Value = snapshot.Version;
        p["$state"].Value = snapshot.State;
        p["$timestamp"].Value = snapshot.Timestamp;
        return _upsertSnapshot.ExecuteNonQuery() > 0;
    }

    private (long Version, string? AggregateType) ReadHead(string aggregateId)
    {
        _selectHead!.Parameters["$aggregate_id"].Value = aggregateId;
        using var reader = _selectHead.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetString(1)) : (0, null);
    }

    private long Insert(StreamAppend append, PendingEvent pending, long version)
    {
        var envelope = pending.Envelope;
        var p = _insert!.Parameters;
        p["$id"].Value = envelope.Id;
        p["$type"].Value = envelope.Type;
        p["$aggregate_id"].Value = append.AggregateId;
        p["$aggregate_type"].Value = append.AggregateType;
        p["$version"].Value = version;
        p["$timestamp"].Value = envelope.Timestamp;
        p["$source"].Value = envelope.Source;
        p["$payload"].Value = pending.PayloadJson;
        p["$metadata"].Value = (object?)pending.MetadataJson ?? DBNull.Value;
        p["$causation_id"].Value = (object?)envelope.CausationId ?? DBNull.Value;
        p["$correlation_id"].Value = (object?)envelope.CorrelationId ?? DBNull.Value;
        p["$request"].Value = (object?)pending.Request ?? DBNull.Value;
        return (long)_insert.ExecuteScalar()!;
    }

    /// <summary>A constraint failed, and the head was checked, so an event id is taken: say which, and by what.</summary>
    private Exception DescribeDuplicate(StreamAppend append)
    {
        var ids = append.Events.Select(e => e.Envelope.Id).ToList();
        var twice = ids.GroupBy(id => id).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) return new DuplicateEventIdException(twice.Key, "it appears twice in the same append");

        using var command = _connection!.CreateCommand();
        command.Transaction = _insert!.Transaction;
        command.CommandText = "SELECT id, aggregate_id, version FROM events WHERE id = $id";
        var parameter = command.Parameters.Add("$id", SqliteType.Text);
        foreach (var id in ids)
        {
            parameter.Value = id;
            using var reader = command.ExecuteReader();
            if (reader.Read())
                return new DuplicateEventIdException(id, $"it is event version {reader.GetInt64(2)} of aggregate '{reader.GetString(1)}'");
        }
        return new JournalUnavailableException($"A constraint of the journal refused the append to '{append.AggregateId}'.");
    }

    private SqliteConnection EnsureConnection()
    {
        if (_connection is not null) return _connection;
        _connection = _connections.OpenWriter();

        _selectHead = _connection.CreateCommand();
        _selectHead.CommandText = SqliteJournalSql.SelectStreamHead;
        _selectHead.Parameters.Add("$aggregate_id", SqliteType.Text);

        _insert = _connection.CreateCommand();
        _insert.CommandText = SqliteJournalSql.InsertEvent;
        foreach (var name in new[] { "$id", "$type", "$aggregate_id", "$aggregate_type", "$source", "$payload", "$metadata", "$causation_id", "$correlation_id", "$request" })
            _insert.Parameters.Add(name, SqliteType.Text);
        _insert.Parameters.Add("$version", SqliteType.Integer);
        _insert.Parameters.Add("$timestamp", SqliteType.Integer);

        _upsertSnapshot = _connection.CreateCommand();
        _upsertSnapshot.CommandText = SqliteJournalSql.UpsertSnapshot;
        foreach (var name in new[] { "$aggregate_id", "$aggregate_type", "$state" })
            _upsertSnapshot.Parameters.Add(name, SqliteType.Text);
        _upsertSnapshot.Parameters.Add("$version", SqliteType.Integer);
        _upsertSnapshot.Parameters.Add("$timestamp", SqliteType.Integer);
        return _connection;
    }

    private void CloseConnection()
    {
        _selectHead?.Dispose();
        _insert?.Dispose();
        _upsertSnapshot?.Dispose();
        _connection?.Dispose();
        (_selectHead, _insert, _upsertSnapshot, _connection) = (null, null, null, null);
    }

    /// <summary>One unit of work for the writer, run inside the batch's transaction.</summary>
    private abstract class WriteRequest
    {
        private const int Queued = 0, Claimed = 1, Abandoned = 2;
        private int _state;

        /// <summary>The writer takes the request; false if its caller already withdrew it.</summary>
        public bool TryClaim() => Interlocked.CompareExchange(ref _state, Claimed, Queued) == Queued;

        /// <summary>The caller withdraws the request; false if the writer already took it.</summary>
        public bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Queued) == Queued;

        public abstract int EventCount { get; }

        /// <summary>Runs against the open transaction; returns the result, or the exception that refused this request alone.</summary>
        public abstract object Execute(GroupCommitWriter writer, SqliteTransaction transaction);

        public abstract void Complete(object result);

        public abstract void Fail(Exception error);
    }

    private abstract class WriteRequest<T> : WriteRequest
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => _completion.Task;

        public override void Complete(object result)
        {
            if (result is Exception error) _completion.TrySetException(error);
            else _completion.TrySetResult((T)result);
        }

        public override void Fail(Exception error) => _completion.TrySetException(error);
    }

    private sealed class AppendRequest(StreamAppend append) : WriteRequest<AppendOutcome>
    {
        public override int EventCount => append.Events.Count;

        public override object Execute(GroupCommitWriter writer, SqliteTransaction transaction) => writer.AppendOne(append, transaction);
    }

    private sealed class SnapshotRequest(Store.Snapshot snapshot) : WriteRequest<bool>
    {
        public override int EventCount => 1;

        public override object Execute(GroupCommitWriter writer, SqliteTransaction transaction) => writer.UpsertSnapshot(snapshot);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Commit of {Count} appends to {Path} failed; they were not acknowledged")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, int count, string path);
}
