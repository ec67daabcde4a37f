using System.Text;
using System.Text.Json;
using EventStore.Diagnostics;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Store;
using Microsoft.Extensions.Logging;

namespace EventStore.Journal;

/// <summary>
/// The event journal's append pipeline, whatever database holds it (its <see cref="IJournalBackend"/>): events are
/// prepared and checked for earlier requests here, appends and snapshots go through the one group-commit writer
/// of the silo, backups and checkpoints to the backend. Reads are the <see cref="IJournalReader"/>'s, registered
/// beside it. Every database call runs off the Orleans scheduler.
/// </summary>
internal sealed partial class EventJournal : IDisposable
{
    private readonly JournalOptions _options;
    private readonly EventPayloadSerializer _serializer;
    private readonly IJournalBackend _backend;
    private readonly ILogger<EventJournal> _logger;
    private readonly Lazy<GroupCommitWriter> _writer;
    private readonly TimeProvider _clock;
    private readonly EventStoreMetrics _metrics;

    public EventJournal(JournalOptions options, EventPayloadSerializer serializer, IJournalBackend backend, ILogger<EventJournal> logger, TimeProvider? clock = null,
        EventStoreMetrics? metrics = null)
    {
        options.Validate();
        (_options, _serializer, _backend, _logger, _clock) = (options, serializer, backend, logger, clock ?? TimeProvider.System);
        _metrics = metrics ?? new EventStoreMetrics(meters: null, _clock);
        _metrics.WatchWriterQueue(() => QueuedEvents, () => QueuedBytes);
        Feed = new CommittedFeed(options.MaxQueuedBytes);
        _writer = new Lazy<GroupCommitWriter>(StartWriter);
    }

    /// <summary>The events of every commit of this silo, as they are committed.</summary>
    public CommittedFeed Feed { get; }

    /// <summary>Pulsed after each commit of this silo's writer that stored events: the live subscriptions' wake-up.</summary>
    public CommitSignal Committed { get; } = new();

    /// <summary>The backend's reads, for tests; the product takes the <see cref="IJournalReader"/> through its constructors.</summary>
    internal IJournalReader Reader => _backend.Reader;

    /// <summary>Where the journal is and how durable it is, in words.</summary>
    public string Description => _backend.Description;

    /// <summary>Transactions the group-commit writer has committed.</summary>
    public long Commits => _writer.IsValueCreated ? _writer.Value.Commits : 0;

    /// <summary>Events waiting for the group-commit writer.</summary>
    public long QueuedEvents => _writer.IsValueCreated ? _writer.Value.QueuedEvents : 0;

    /// <summary>Bytes of events waiting for the group-commit writer.</summary>
    public long QueuedBytes => _writer.IsValueCreated ? _writer.Value.QueuedBytes : 0;

    /// <summary>Why the writer's last transaction failed; null once one commits, and while none has been tried.</summary>
    public CommitFailure? LastCommitFailure => _writer.IsValueCreated ? _writer.Value.LastFailure : null;

    /// <summary>Size of the journal's storage, in bytes.</summary>
    public Task<long> GetSizeBytesAsync() => _backend.GetSizeBytesAsync();

    /// <summary>Creates the schema if needed and starts the writer. Called at silo start; idempotent.</summary>
    public void Start() => _ = _writer.Value;

    /// <summary>A deadline <see cref="JournalOptions.AppendTimeout"/> from now: the budget of one append operation.</summary>
    public JournalDeadline NewDeadline() => JournalDeadline.After(_options.AppendTimeout, _clock);

    /// <summary>Appends events to a stream if it is still at the expected version; completes after COMMIT.</summary>
    /// <remarks>
    /// An append not taken by the writer by <paramref name="deadline"/> (by default the ambient one of the
    /// operation, else <see cref="JournalOptions.AppendTimeout"/> from now) is withdrawn and fails;
    /// one already taken is always seen through. An append over the queue's limits is refused at once.
    /// </remarks>
    public Task<AppendOutcome> AppendAsync(StreamAppend append, JournalDeadline? deadline = null) =>
        _writer.Value.Enqueue(append, deadline ?? JournalDeadline.Ambient ?? NewDeadline());

    /// <summary>Holds the writer between two commits until the handle is disposed (for tests and maintenance).</summary>
    internal Task<IDisposable> PauseWriterAsync() => _writer.Value.PauseAsync();

    /// <summary>
    /// The one place an event to write is made: names the payload's type and serializes it, refusing an
    /// unregistered type, a payload that names another aggregate than the stream it is appended to
    /// (<see cref="IStreamEvent"/>), or a payload over the limit. Every append, of grains and of the store, is
    /// prepared here. The id is new unless the caller chose one, the time is now unless given.
    /// <paramref name="commandArguments"/> (JSON) are what an aggregate command's caller chose; without them the
    /// request is the payload (see <see cref="EventRequest"/>).
    /// </summary>
    public UnwrittenEvent Prepare(string aggregateId, string aggregateType, IDomainEvent payload, string source, string? eventId = null, long? timestamp = null,
        IReadOnlyDictionary<string, string>? metadata = null, string? causationId = null, string? correlationId = null, string? commandArguments = null)
    {
        var type = _serializer.TypeNameOf(payload);
        if (payload is IStreamEvent named && !string.Equals(named.StreamId, aggregateId, StringComparison.Ordinal))
            throw new InvalidCommandException("payload",
                $"the {type} payload's {named.StreamIdField} is '{named.StreamId}', but it is appended to stream '{aggregateId}'; an event can only name its own aggregate");
        string json;
        try
        {
            json = _serializer.Serialize(payload);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or NotSupportedException)
        {
            throw new InvalidCommandException("payload", $"the {type} payload cannot be stored as JSON: {ex.Message}");
        }
        var size = Encoding.UTF8.GetByteCount(json);
        if (size > _options.MaxPayloadBytes) throw new PayloadTooLargeException(type, size, _options.MaxPayloadBytes);
        var request = commandArguments is null ? EventRequest.OfPayload(type, json) : EventRequest.OfCommand(type, commandArguments);
        return new UnwrittenEvent(eventId ?? Guid.CreateVersion7().ToString(), type, aggregateId, aggregateType,
            timestamp ?? _clock.GetUtcNow().ToUnixTimeMilliseconds(), source, payload, metadata, causationId, correlationId,
            json, EventPayloadSerializer.SerializeMetadata(metadata), request, _serializer.SchemaVersionOf(type));
    }

    /// <summary>Stores a snapshot in its owner's table in the next commit, unless a newer one is there already.</summary>
    public async Task SaveSnapshotAsync(Snapshot snapshot, SnapshotOwner owner)
    {
        if (await _writer.Value.SaveSnapshot(snapshot, owner)) _metrics.RecordSnapshot(owner);
    }

    /// <summary>
    /// The idempotency step of every append, of grains and of the store alike: if events are stored under
    /// the ids of <paramref name="requests"/> and answer them (<see cref="EventRequest.IsAnsweredBy"/>), their
    /// receipts; null if none of the ids is taken. Throws <see cref="DuplicateEventIdException"/> if an id is
    /// another request's, or if only some of the requests are stored.
    /// </summary>
    public async Task<IReadOnlyList<Aggregates.EventReceipt>?> FindEarlierAsync(IReadOnlyList<EventRequest> requests)
    {
        var stored = new List<Aggregates.EventReceipt>(requests.Count);
        foreach (var request in requests)
            if (await _backend.Reader.FindStoredEventAsync(request.EventId) is { } found && request.IsAnsweredBy(found)) stored.Add(found.Receipt);
        if (stored.Count == 0) return null;
        if (stored.Count != requests.Count)
            throw new DuplicateEventIdException(stored[0].EventId, $"only {stored.Count} of the {requests.Count} events of this append are stored already");
        return stored;
    }

    /// <summary>A consistent copy of the journal, written while appends go on (see the backend for where and how).</summary>
    public Task<BackupResult> BackupAsync(string fileName) => _backend.BackupAsync(fileName);

    /// <summary>Moves what the database keeps aside into its main storage, never delaying an append.</summary>
    public Task<CheckpointResult> CheckpointAsync() => _backend.CheckpointAsync();

    public void Dispose()
    {
        if (_writer.IsValueCreated) _writer.Value.Dispose();
    }

    private GroupCommitWriter StartWriter()
    {
        _backend.EnsureSchema();
        LogStarted(_logger, Description);
        return new GroupCommitWriter(_backend.CreateBatchStore(), new WriterLimits(_options.MaxEventsPerCommit, _options.MaxQueuedEvents, _options.MaxQueuedBytes), Feed, _logger, Committed, _metrics);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event journal: {Description}")]
    private static partial void LogStarted(ILogger logger, string description);
}
