using System.Threading.Channels;
using EventStore.Diagnostics;
using EventStore.Errors;
using Microsoft.Extensions.Logging;

namespace EventStore.Journal;

/// <summary>
/// The journal's only writer in this silo, whatever the database (its <see cref="IJournalBatchStore"/>).
/// A dedicated thread drains the appends queued by all grains, commits them together in one transaction
/// and completes each append only after COMMIT returned, so an acknowledged event is always on disk. A
/// stale expected version or a taken event id fails its own append, never its neighbours in the batch.
/// What waits for the writer
/// is bounded in events and bytes: past either limit an append is refused at once, so a flood can
/// neither exhaust memory nor make callers wait for a queue that cannot drain in time.
/// </summary>
internal sealed partial class GroupCommitWriter : IDisposable
{
    private readonly IJournalBatchStore _store;
    private readonly CommittedFeed _feed;
    private readonly CommitSignal _committed;
    private readonly WriterLimits _limits;
    private readonly ILogger _logger;
    private readonly EventStoreMetrics _metrics;
    private readonly Channel<WriteRequest> _queue = Channel.CreateUnbounded<WriteRequest>(new() { SingleReader = true });
    private readonly Thread _thread;
    private long _commits;
    private long _queuedEvents;
    private long _queuedBytes;
    private volatile CommitFailure? _lastFailure;

    public GroupCommitWriter(IJournalBatchStore store, WriterLimits limits, CommittedFeed feed, ILogger logger, CommitSignal committed, EventStoreMetrics metrics)
    {
        (_store, _limits, _feed, _logger, _committed, _metrics) = (store, limits, feed, logger, committed, metrics);
        _thread = new Thread(Run) { IsBackground = true, Name = "event-journal-writer" };
        _thread.Start();
    }

    /// <summary>Transactions committed so far.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Events waiting for the writer: queued, or in the commit being written.</summary>
    public long QueuedEvents => Interlocked.Read(ref _queuedEvents);

    /// <summary>Bytes of the events (and snapshots) waiting for the writer.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>Why the last transaction the writer tried failed; null once one commits (and before any fails).</summary>
    public CommitFailure? LastFailure => _lastFailure;

    /// <summary>
    /// Queues an append; the task completes after the transaction holding it committed (or failed). An
    /// append over the queue's limits is refused at once; one still queued at <paramref name="deadline"/>
    /// is withdrawn and fails.
    /// </summary>
    public async Task<AppendOutcome> Enqueue(StreamAppend append, JournalDeadline deadline)
    {
        if (deadline.Remaining == TimeSpan.Zero) throw NotCommittedInTime(append, deadline);
        StreamAppendRules.CheckEventsBelongTo(append);
        var request = new AppendRequest(append);
        var outcome = Enqueue(request);
        try
        {
            return await outcome.WaitAsync(deadline.Remaining, deadline.Clock);
        }
        catch (TimeoutException) when (request.TryAbandon())
        {
            throw NotCommittedInTime(append, deadline);
        }
        catch (TimeoutException)
        {
            // The writer took it just in time: its outcome is near (bounded by the busy timeout).
            return await outcome;
        }
    }

    /// <summary>Queues a snapshot into its owner's table; it is stored in the next commit unless a newer one is already there (then false).</summary>
    public Task<bool> SaveSnapshot(Store.Snapshot snapshot, SnapshotOwner owner) => Enqueue(new SnapshotRequest(snapshot, owner));

    /// <summary>
    /// Holds the writer between two commits until the returned handle is disposed; the task completes
    /// once the writer is held, so everything queued after it waits. For tests and maintenance.
    /// </summary>
    public async Task<IDisposable> PauseAsync()
    {
        var pause = new PauseRequest();
        await Enqueue(pause);
        return pause;
    }

    private Task<T> Enqueue<T>(WriteRequest<T> request)
    {
        if (!TryReserve(request))
            request.Fail(new JournalUnavailableException(
                $"The event journal is overloaded: {QueuedEvents:N0} events ({QueuedBytes / 1024.0 / 1024.0:0.#} MiB) are waiting to be committed, " +
                $"at the limit of {_limits.MaxQueuedEvents:N0} events or {_limits.MaxQueuedBytes / 1024.0 / 1024.0:0.#} MiB (EventStore:Journal:MaxQueuedEvents, MaxQueuedBytes). " +
                "Nothing was written; retry later."));
        else if (!_queue.Writer.TryWrite(request))
            request.Fail(new JournalUnavailableException("The event journal is shut down."));
        return request.Task;
    }

    /// <summary>Counts the request against the limits; false (and nothing counted) if it would go over them while others wait.</summary>
    private bool TryReserve(WriteRequest request)
    {
        var events = Interlocked.Add(ref _queuedEvents, request.EventCount);
        var bytes = Interlocked.Add(ref _queuedBytes, request.Bytes);
        var alone = events == request.EventCount; // whatever its size, an append alone in the queue is taken
        if (alone || (events <= _limits.MaxQueuedEvents && bytes <= _limits.MaxQueuedBytes))
        {
            request.Reserved(this);
            return true;
        }
        Interlocked.Add(ref _queuedEvents, -request.EventCount);
        Interlocked.Add(ref _queuedBytes, -request.Bytes);
        return false;
    }

    private void Unreserve(long events, long bytes)
    {
        if (events != 0) Interlocked.Add(ref _queuedEvents, -events);
        if (bytes != 0) Interlocked.Add(ref _queuedBytes, -bytes);
    }

    private static JournalUnavailableException NotCommittedInTime(StreamAppend append, JournalDeadline deadline) =>
        new($"The append to '{append.AggregateId}' was not committed within {deadline.Budget.TotalSeconds:0.###} s " +
            "(EventStore:Journal:AppendTimeout; the journal is locked, stuck or overloaded); it was withdrawn and will not be written.");

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
            while (events < _limits.MaxEventsPerCommit && _queue.Reader.TryRead(out var request))
            {
                if (!request.TryClaim())
                {
                    request.Release(); // withdrawn by a caller that stopped waiting
                    continue;
                }
                if (request is PauseRequest pause)
                {
                    CommitBatch(batch);
                    batch.Clear();
                    events = 0;
                    pause.Hold();
                    continue;
                }
                batch.Add(request);
                events += request.EventCount;
            }
            CommitBatch(batch);
            batch.Clear();
        }
        _store.Dispose();
    }

    private bool WaitForWork()
    {
        var wait = _queue.Reader.WaitToReadAsync();
        return wait.IsCompleted ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
    }

    private void CommitBatch(List<WriteRequest> batch)
    {
        if (batch.Count == 0) return;
        var results = new object[batch.Count];
        try
        {
            _store.Begin();
            var appends = new List<(int Index, StreamAppend Append)>(batch.Count);
            for (var i = 0; i < batch.Count; i++)
                if (batch[i] is AppendRequest append) appends.Add((i, append.Append));
            var appended = _store.AppendAll([.. appends.Select(a => a.Append)]);
            for (var i = 0; i < appends.Count; i++) results[appends[i].Index] = appended[i];
            for (var i = 0; i < batch.Count; i++)
                if (batch[i] is not AppendRequest) results[i] = batch[i].Execute(_store);
            _store.Commit();
        }
        catch (Exception ex)
        {
            LogCommitFailed(_logger, ex, batch.Count, _store.Location);
            _store.Abort();
            var error = new JournalUnavailableException($"The event journal could not commit to '{_store.Location}': {ex.Message}");
            _lastFailure = new CommitFailure(ex.Message);
            foreach (var request in batch) request.Fail(error);
            return;
        }

        var committed = new List<Events.EventEnvelope>();
        var committedBytes = 0L;
        for (var i = 0; i < batch.Count; i++)
        {
            if (results[i] is not AppendOutcome.Committed appended) continue;
            committed.AddRange(appended.Events);
            committedBytes += batch[i].Bytes;
        }
        _lastFailure = null;
        Interlocked.Increment(ref _commits);
        _metrics.RecordCommit(committed.Count);
        for (var i = 0; i < batch.Count; i++) batch[i].Complete(results[i]);
        _feed.Publish(committed, committedBytes);
        if (committed.Count > 0) _committed.Pulse();
    }

    /// <summary>One unit of work for the writer, run inside the batch's transaction.</summary>
    private abstract class WriteRequest
    {
        private const int Queued = 0, Claimed = 1, Abandoned = 2;
        private int _state;
        private GroupCommitWriter? _reservedFrom;
        private long _reservedEvents;
        private long _reservedBytes;

        /// <summary>The writer takes the request; false if its caller already withdrew it.</summary>
        public bool TryClaim() => Interlocked.CompareExchange(ref _state, Claimed, Queued) == Queued;

        /// <summary>
        /// The caller withdraws the request; false if the writer already took it. A withdrawn request
        /// gives back its bytes at once (its payload is dropped); its place in the queue counts until drained.
        /// </summary>
        public bool TryAbandon()
        {
            if (Interlocked.CompareExchange(ref _state, Abandoned, Queued) != Queued) return false;
            _reservedFrom?.Unreserve(0, Interlocked.Exchange(ref _reservedBytes, 0));
            DropContent();
            return true;
        }

        public abstract int EventCount { get; }

        /// <summary>What the request holds in memory, roughly: payloads, metadata and ids.</summary>
        public abstract long Bytes { get; }

        /// <summary>Counted against the writer's limits until released.</summary>
        public void Reserved(GroupCommitWriter writer) => (_reservedFrom, _reservedEvents, _reservedBytes) = (writer, EventCount, Bytes);

        /// <summary>Gives back what is still counted; the writer calls it when the request leaves the queue for good.</summary>
        public void Release() =>
            _reservedFrom?.Unreserve(Interlocked.Exchange(ref _reservedEvents, 0), Interlocked.Exchange(ref _reservedBytes, 0));

        protected virtual void DropContent() { }

        /// <summary>Runs against the open transaction; returns the result, or the exception that refused this request alone.</summary>
        public abstract object Execute(IJournalBatchStore store);

        public abstract void Complete(object result);

        public abstract void Fail(Exception error);
    }

    private abstract class WriteRequest<T> : WriteRequest
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => _completion.Task;

        public override void Complete(object result)
        {
            Release();
            if (result is Exception error) _completion.TrySetException(error);
            else _completion.TrySetResult((T)result);
        }

        public override void Fail(Exception error)
        {
            Release();
            _completion.TrySetException(error);
        }
    }

    private sealed class AppendRequest(StreamAppend append) : WriteRequest<AppendOutcome>
    {
        private StreamAppend? _append = append;

        public override int EventCount { get; } = append.Events.Count;

        public override long Bytes { get; } = append.Events.Sum(e => e.EstimatedBytes);

        /// <summary>The append; only ever read by the writer, which never takes a withdrawn request.</summary>
        public StreamAppend Append => _append!;

        public override object Execute(IJournalBatchStore store) => store.Append(Append);

        protected override void DropContent() => _append = null;
    }

    private sealed class SnapshotRequest(Store.Snapshot snapshot, SnapshotOwner owner) : WriteRequest<bool>
    {
        public override int EventCount => 1;

        public override long Bytes { get; } = 2L * snapshot.State.Length;

        public override object Execute(IJournalBatchStore store) => store.SaveSnapshot(snapshot, owner);
    }

    /// <summary>Holds the writer thread between two commits until disposed.</summary>
    private sealed class PauseRequest : WriteRequest<bool>, IDisposable
    {
        private readonly ManualResetEventSlim _released = new();

        public override int EventCount => 0;

        public override long Bytes => 0;

        public override object Execute(IJournalBatchStore store) => throw new InvalidOperationException("A pause is not written.");

        /// <summary>On the writer thread: says it is held, then waits for the release.</summary>
        public void Hold()
        {
            Complete(true);
            _released.Wait();
        }

        public void Dispose() => _released.Set();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Commit of {Count} appends to {Path} failed; they were not acknowledged")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, int count, string path);
}

/// <summary>A transaction of the journal's writer that failed, with the database's message.</summary>
internal sealed record CommitFailure(string Message);
