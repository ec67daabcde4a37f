using System.Text;
using System.Text.Json;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Store;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventStore.Journal;

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

    public SqliteEventJournal(IOptions<SqliteJournalOptions> options, ILogger<SqliteEventJournal> logger, TimeProvider? clock = null)
    {
        Options = options.Value;
        Options.Validate();
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
        Feed = new CommittedFeed(Options.MaxQueuedBytes);
        _connections = new SqliteConnectionFactory(Options);
        Serializer = new EventPayloadSerializer(new EventTypeRegistry(Options.EventAssemblies));
        Reader = new JournalReader(_connections, new EventRowReader(Serializer));
        _writer = new Lazy<GroupCommitWriter>(StartWriter);
    }

    public SqliteJournalOptions Options { get; }

    public EventPayloadSerializer Serializer { get; }

    /// <summary>The events of every commit of this silo, as they are committed.</summary>
    public CommittedFeed Feed { get; }

    /// <summary>Every read of the journal.</summary>
    public JournalReader Reader { get; }

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
    /// </summary>
    public PendingEvent Prepare(EventEnvelope draft)
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
        return new PendingEvent(draft with { Type = type }, json, EventPayloadSerializer.SerializeMetadata(draft.Metadata));
    }

    /// <summary>Stores a snapshot in its owner's table in the next commit, unless a newer one is there already.</summary>
    public Task SaveSnapshotAsync(Snapshot snapshot, SnapshotOwner owner) => _writer.Value.SaveSnapshot(snapshot, owner);

    /// <summary>The stream's events with <paramref name="afterVersion"/> &lt; version ≤ <paramref name="toVersion"/>, in version order.</summary>
    public Task<IReadOnlyList<EventEnvelope>> ReadStreamAsync(string aggregateId, long afterVersion, long toVersion = long.MaxValue) =>
        Reader.ReadStreamAsync(aggregateId, afterVersion, toVersion);

    /// <summary>The event with this id, if any.</summary>
    public Task<EventEnvelope?> FindEventAsync(string eventId) => Reader.FindEventAsync(eventId);

    /// <summary>
    /// Copies the database with SQLite's online backup API while writes go on: the copy is the
    /// committed state at one instant, a database that opens on its own (journal mode DELETE).
    /// </summary>
    public Task<BackupResult> BackupAsync(string destinationPath) => Task.Run(() =>
    {
        var destination = Path.GetFullPath(destinationPath);
        if (Path.GetDirectoryName(destination) is { Length: > 0 } folder) Directory.CreateDirectory(folder);
        var temporary = destination + ".partial";
        File.Delete(temporary);
        using (var source = _connections.OpenReader())
        using (var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temporary, Pooling = false }.ToString()))
        {
            target.Open();
            source.BackupDatabase(target);
            using var command = target.CreateCommand();
            command.CommandText = "PRAGMA journal_mode = DELETE";
            command.ExecuteNonQuery();
        }
        File.Move(temporary, destination, overwrite: true);
        using var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destination, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        copy.Open();
        using var head = copy.CreateCommand();
        head.CommandText = SqliteJournalSql.HeadPosition;
        return new BackupResult(destination, FileSize(destination), (long)head.ExecuteScalar()!);
    });

    /// <summary>Copies the WAL into the database file and truncates it (waits for readers up to the busy timeout).</summary>
    public Task<CheckpointResult> CheckpointAsync() => Task.Run(() =>
    {
        using var connection = _connections.OpenReader();
        var (_, walFrames, copied) = Checkpoint(connection, SqliteJournalSql.CheckpointPassive);
        var (busy, _, _) = Checkpoint(connection, SqliteJournalSql.CheckpointTruncate);
        return new CheckpointResult(busy, walFrames, copied);
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
        return new GroupCommitWriter(_connections, new WriterLimits(Options.MaxEventsPerCommit, Options.MaxQueuedEvents, Options.MaxQueuedBytes), Feed, _logger);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event journal at {Path} (durability {Durability})")]
    private static partial void LogStarted(ILogger logger, string path, JournalDurability durability);
}
