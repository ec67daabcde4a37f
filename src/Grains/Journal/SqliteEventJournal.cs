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

    public SqliteEventJournal(IOptions<SqliteJournalOptions> options, ILogger<SqliteEventJournal> logger)
    {
        Options = options.Value;
        Options.Validate();
        _logger = logger;
        _connections = new SqliteConnectionFactory(Options);
        Serializer = new EventPayloadSerializer(new EventTypeRegistry(Options.EventAssemblies));
        Reader = new JournalReader(_connections, new EventRowReader(Serializer));
        _writer = new Lazy<GroupCommitWriter>(StartWriter);
    }

    public SqliteJournalOptions Options { get; }

    public EventPayloadSerializer Serializer { get; }

    /// <summary>The events of every commit of this silo, as they are committed.</summary>
    public CommittedFeed Feed { get; } = new();

    /// <summary>Every read of the journal.</summary>
    public JournalReader Reader { get; }

    /// <summary>Absolute path of the database file.</summary>
    public string DatabasePath => _connections.DatabasePath;

    /// <summary>Transactions the group-commit writer has committed.</summary>
    public long Commits => _writer.IsValueCreated ? _writer.Value.Commits : 0;

    /// <summary>Events the group-commit writer has committed.</summary>
    public long CommittedEvents => _writer.IsValueCreated ? _writer.Value.CommittedEvents : 0;

    /// <summary>Size of the database file and its WAL, in bytes.</summary>
    public long SizeBytes => FileSize(DatabasePath) + FileSize(DatabasePath + "-wal");

    /// <summary>Creates the schema if needed and starts the writer. Called at silo start; idempotent.</summary>
    public void Start() => _ = _writer.Value;

    /// <summary>Appends events to a stream if it is still at the expected version; completes after COMMIT.</summary>
    /// <remarks>An append not taken by the writer within <see cref="SqliteJournalOptions.AppendTimeout"/> is withdrawn and fails; one already taken is always seen through.</remarks>
    public Task<AppendOutcome> AppendAsync(StreamAppend append) => _writer.Value.Enqueue(append, Options.AppendTimeout);

    /// <summary>
    /// Serializes an event for the writer: names its type and refuses an unregistered type or a payload over the limit.
    /// <paramref name="commandArguments"/> (JSON) are what an aggregate command's caller chose; without them the
    /// payload is the request (see <see cref="EventRequest"/>).
    /// </summary>
    public PendingEvent Prepare(EventEnvelope draft, string? commandArguments = null)
    {
        var type = Serializer.TypeNameOf(draft.Payload);
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

    /// <summary>Stores a snapshot in the next commit, unless a newer one is there already.</summary>
    public Task SaveSnapshotAsync(Snapshot snapshot) => _writer.Value.SaveSnapshot(snapshot);

    /// <summary>The stream's events with <paramref name="afterVersion"/> &lt; version ≤ <paramref name="toVersion"/>, in version order.</summary>
    public Task<IReadOnlyList<EventEnvelope>> ReadStreamAsync(string aggregateId, long afterVersion, long toVersion = long.MaxValue) =>
        Reader.ReadStreamAsync(aggregateId, afterVersion, toVersion);

    /// <summary>The event with this id, if any.</summary>
    public Task<EventEnvelope?> FindEventAsync(string eventId) => Reader.FindEventAsync(eventId);

    /// <summary>The event with this id as stored (payload JSON and request fingerprint), if any.</summary>
    public Task<StoredEvent?> FindStoredEventAsync(string eventId) => Reader.FindStoredEventAsync(eventId);

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
        return new GroupCommitWriter(_connections, Options.MaxEventsPerCommit, Feed, _logger);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event journal at {Path} (durability {Durability})")]
    private static partial void LogStarted(ILogger logger, string path, JournalDurability durability);
}
