using System.Text;
using System.Text.Json;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Store;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventStore.Journal.Sqlite;

/// <summary>
/// The event journal on one SQLite file: appends and snapshots go through the group-commit writer,
/// reads through <see cref="Reader"/> on their own connections beside it (WAL). Every database call
/// runs off the Orleans scheduler.
/// </summary>
internal sealed partial class SqliteEventJournal : IDisposable
{
    private readonly SqliteConnectionFactory _connections;
    private readonly ILogger<SqliteEventJournal> _logger;
    private readonly Lazy<GroupCommitWriter> _writer;
    private readonly TimeProvider _clock;
    private readonly BackupFolder _backups;
    private const int CheckpointAttempts = 5;
    private static readonly TimeSpan CheckpointRetryDelay = TimeSpan.FromMilliseconds(20);

    public SqliteEventJournal(IOptions<SqliteJournalOptions> options, ILogger<SqliteEventJournal> logger, TimeProvider? clock = null)
    {
        Options = options.Value;
        Options.Validate();
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
        Feed = new CommittedFeed(Options.MaxQueuedBytes);
        _connections = new SqliteConnectionFactory(Options);
        _backups = new BackupFolder(Options.BackupFolder, _connections.DatabasePath);
        Serializer = new EventPayloadSerializer(new EventTypeRegistry(Options.EventAssemblies));
        Reader = new SqliteJournalReader(_connections, new EventRowReader(Serializer));
        _writer = new Lazy<GroupCommitWriter>(StartWriter);
    }

    public SqliteJournalOptions Options { get; }

    public EventPayloadSerializer Serializer { get; }

    /// <summary>The events of every commit of this silo, as they are committed.</summary>
    public CommittedFeed Feed { get; }

    /// <summary>Every read of the journal.</summary>
    public IJournalReader Reader { get; }

    /// <summary>Absolute path of the database file.</summary>
    public string DatabasePath => _connections.DatabasePath;

    /// <summary>Transactions the group-commit writer has committed.</summary>
    public long Commits => _writer.IsValueCreated ? _writer.Value.Commits : 0;

    /// <summary>Events the group-commit writer has committed.</summary>
    public long CommittedEvents => _writer.IsValueCreated ? _writer.Value.CommittedEvents : 0;

    /// <summary>Events waiting for the group-commit writer.</summary>
    public long QueuedEvents => _writer.IsValueCreated ? _writer.Value.QueuedEvents : 0;

    /// <summary>Bytes of events waiting for the group-commit writer.</summary>
    public long QueuedBytes => _writer.IsValueCreated ? _writer.Value.QueuedBytes : 0;

    /// <summary>Size of the database file and its WAL, in bytes.</summary>
    public long SizeBytes => FileSize(DatabasePath) + FileSize(DatabasePath + "-wal");

    /// <summary>Creates the schema if needed and starts the writer. Called at silo start; idempotent.</summary>
    public void Start() => _ = _writer.Value;

    /// <summary>A deadline <see cref="SqliteJournalOptions.AppendTimeout"/> from now: the budget of one append operation.</summary>
    public JournalDeadline NewDeadline() => JournalDeadline.After(Options.AppendTimeout, _clock);

    /// <summary>Appends events to a stream if it is still at the expected version; completes after COMMIT.</summary>
    /// <remarks>
    /// An append not taken by the writer by <paramref name="deadline"/> (by default the ambient one of the
    /// operation, else <see cref="SqliteJournalOptions.AppendTimeout"/> from now) is withdrawn and fails;
    /// one already taken is always seen through. An append over the queue's limits is refused at once.
    /// </remarks>
    public Task<AppendOutcome> AppendAsync(StreamAppend append, JournalDeadline? deadline = null) =>
        _writer.Value.Enqueue(append, deadline ?? JournalDeadline.Ambient ?? NewDeadline());

    /// <summary>Holds the writer between two commits until the handle is disposed (for tests and maintenance).</summary>
    internal Task<IDisposable> PauseWriterAsync() => _writer.Value.PauseAsync();

    /// <summary>
    /// Serializes an event for the writer: names its type and refuses an unregistered type, a payload that
    /// names another aggregate than the stream it is appended to (<see cref="IStreamEvent"/>), or a payload
    /// over the limit. Every append, of grains and of the store, is prepared here.
    /// <paramref name="commandArguments"/> (JSON) are what an aggregate command's caller chose; without them the
    /// payload is the request (see <see cref="EventRequest"/>).
    /// </summary>
    public PendingEvent Prepare(EventEnvelope draft, string? commandArguments = null)
    {
        var type = Serializer.TypeNameOf(draft.Payload);
        if (draft.Payload is IStreamEvent named && !string.Equals(named.StreamId, draft.AggregateId, StringComparison.Ordinal))
            throw new InvalidCommandException("payload",
                $"the {type} payload's {named.StreamIdField} is '{named.StreamId}', but it is appended to stream '{draft.AggregateId}'; an event can only name its own aggregate");
        string json;
        try
        {
            json = Serializer.Serialize(draft.Payload);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or NotSupportedException)
        {
            throw new InvalidCommandException("payload", $"the {type} payload cannot be stored as JSON: {ex.Message}");
        }
        var size = Encoding.UTF8.GetByteCount(json);
        if (size > Options.MaxPayloadBytes) throw new PayloadTooLargeException(type, size, Options.MaxPayloadBytes);
        var request = commandArguments is null ? EventRequest.OfPayload(type, json) : EventRequest.OfCommand(type, commandArguments);
        return new PendingEvent(draft with { Type = type }, json, EventPayloadSerializer.SerializeMetadata(draft.Metadata), request);
    }

    /// <summary>Stores a snapshot in its owner's table in the next commit, unless a newer one is there already.</summary>
    public Task SaveSnapshotAsync(Snapshot snapshot, SnapshotOwner owner) => _writer.Value.SaveSnapshot(snapshot, owner);

    /// <summary>The stream's events with <paramref name="afterVersion"/> &lt; version ≤ <paramref name="toVersion"/>, in version order.</summary>
    public Task<IReadOnlyList<EventEnvelope>> ReadStreamAsync(string aggregateId, long afterVersion, long toVersion = long.MaxValue) =>
        Reader.ReadStreamAsync(aggregateId, afterVersion, toVersion);

    /// <summary>The event with this id, if any.</summary>
    public Task<EventEnvelope?> FindEventAsync(string eventId) => Reader.FindEventAsync(eventId);

    /// <summary>The event with this id as stored (payload JSON and request fingerprint), if any.</summary>
    public Task<StoredEvent?> FindStoredEventAsync(string eventId) => Reader.FindStoredEventAsync(eventId);

    /// <summary>
    /// Copies the database with SQLite's online backup API while writes go on: the copy is the
    /// committed state at one instant, a database that opens on its own (journal mode DELETE). It is
    /// written to a new temporary file in the backup folder and then given <paramref name="fileName"/>
    /// there, only if nothing has that name: a backup never replaces a file, least of all the journal.
    /// </summary>
    public Task<BackupResult> BackupAsync(string fileName) => Task.Run(() =>
    {
        var destination = _backups.Destination(fileName);
        var temporary = _backups.CreateTemporary();
        try
        {
            var head = CopyInto(temporary);
            var size = FileSize(temporary);
            _backups.Publish(temporary, destination);
            return new BackupResult(destination, size, head);
        }
        catch
        {
            BackupFolder.Delete(temporary);
            throw;
        }
    });

    /// <summary>Copies the database into an empty file; returns the last position the copy holds.</summary>
    private long CopyInto(string target)
    {
        using var source = _connections.OpenReader();
        using var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target, Pooling = false }.ToString());
        copy.Open();
        source.BackupDatabase(copy);
        using var command = copy.CreateCommand();
        command.CommandText = SqliteJournalSql.JournalModeDelete;
        command.ExecuteNonQuery();
        command.CommandText = SqliteJournalSql.HeadPosition;
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>
    /// Copies the WAL into the database file and truncates it, never waiting for a lock: a TRUNCATE
    /// checkpoint that waited for readers would hold the write lock meanwhile and make appends fail.
    /// A reader still on the WAL or a commit under way makes it copy what it can, try again a few
    /// times, and report <see cref="CheckpointResult.Busy"/>.
    /// </summary>
    public Task<CheckpointResult> CheckpointAsync() => Task.Run(async () =>
    {
        using var connection = _connections.OpenNoWait();
        for (var attempt = 1; ; attempt++)
        {
            var (_, walFrames, copied) = Checkpoint(connection, SqliteJournalSql.CheckpointPassive);
            var (busy, _, _) = Checkpoint(connection, SqliteJournalSql.CheckpointTruncate);
            if (!busy || attempt == CheckpointAttempts) return new CheckpointResult(busy, walFrames, copied);
            await Task.Delay(CheckpointRetryDelay);
        }
    });

    private static (bool Busy, long WalFrames, long Copied) Checkpoint(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0) != 0, reader.GetInt64(1), reader.GetInt64(2));
    }

    public void Dispose()
    {
        if (_writer.IsValueCreated) _writer.Value.Dispose();
    }

    private static long FileSize(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    private GroupCommitWriter StartWriter()
    {
        _connections.EnsureSchema();
        LogStarted(_logger, DatabasePath, Options.Durability);
        return new GroupCommitWriter(new SqliteBatchStore(_connections), new WriterLimits(Options.MaxEventsPerCommit, Options.MaxQueuedEvents, Options.MaxQueuedBytes), Feed, _logger);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event journal at {Path} (durability {Durability})")]
    private static partial void LogStarted(ILogger logger, string path, JournalDurability durability);
}
