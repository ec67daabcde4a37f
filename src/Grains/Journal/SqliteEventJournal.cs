using EventStore.Events;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventStore.Journal;

/// <summary>
/// The event journal on one SQLite file: appends go through the group-commit writer, reads use their
/// own pooled connections beside it (WAL). Every database call runs off the Orleans scheduler.
/// </summary>
internal sealed partial class SqliteEventJournal : IDisposable
{
    private readonly SqliteConnectionFactory _connections;
    private readonly EventRowReader _rows;
    private readonly ILogger<SqliteEventJournal> _logger;
    private readonly Lazy<GroupCommitWriter> _writer;

    public SqliteEventJournal(IOptions<SqliteJournalOptions> options, ILogger<SqliteEventJournal> logger)
    {
        Options = options.Value;
        Options.Validate();
        _logger = logger;
        _connections = new SqliteConnectionFactory(Options);
        Serializer = new EventPayloadSerializer(new EventTypeRegistry(Options.EventAssemblies));
        _rows = new EventRowReader(Serializer);
        _writer = new Lazy<GroupCommitWriter>(StartWriter);
    }

    public SqliteJournalOptions Options { get; }

    public EventPayloadSerializer Serializer { get; }

    /// <summary>Absolute path of the database file.</summary>
    public string DatabasePath => _connections.DatabasePath;

    /// <summary>Transactions the group-commit writer has committed.</summary>
    public long Commits => _writer.IsValueCreated ? _writer.Value.Commits : 0;

    /// <summary>Events the group-commit writer has committed.</summary>
    public long CommittedEvents => _writer.IsValueCreated ? _writer.Value.CommittedEvents : 0;

    /// <summary>Creates the schema if needed and starts the writer. Called at silo start; idempotent.</summary>
    public void Start() => _ = _writer.Value;

    /// <summary>Appends events to a stream if it is still at the expected version; completes after COMMIT.</summary>
    public Task<AppendOutcome> AppendAsync(StreamAppend append) => _writer.Value.Enqueue(append);

    /// <summary>The stream's events with <paramref name="afterVersion"/> &lt; version ≤ <paramref name="toVersion"/>, in version order.</summary>
    public Task<IReadOnlyList<EventEnvelope>> ReadStreamAsync(string aggregateId, long afterVersion, long toVersion = long.MaxValue) =>
        Task.Run<IReadOnlyList<EventEnvelope>>(() =>
        {
            using var connection = _connections.OpenReader();
            using var command = connection.CreateCommand();
            command.CommandText = SqliteJournalSql.SelectStream;
            command.Parameters.AddWithValue("$aggregate_id", aggregateId);
            command.Parameters.AddWithValue("$after_version", afterVersion);
            command.Parameters.AddWithValue("$to_version", toVersion);
            using var reader = command.ExecuteReader();
            var events = new List<EventEnvelope>();
            while (reader.Read()) events.Add(_rows.Read(reader));
            return events;
        });

    /// <summary>The event with this id, if any.</summary>
    public Task<EventEnvelope?> FindEventAsync(string eventId) =>
        Task.Run(() =>
        {
            using var connection = _connections.OpenReader();
            using var command = connection.CreateCommand();
            command.CommandText = SqliteJournalSql.SelectById;
            command.Parameters.AddWithValue("$id", eventId);
            using var reader = command.ExecuteReader();
            return reader.Read() ? _rows.Read(reader) : null;
        });

    public void Dispose()
    {
        if (_writer.IsValueCreated) _writer.Value.Dispose();
        SqliteConnection.ClearAllPools();
    }

    private GroupCommitWriter StartWriter()
    {
        _connections.EnsureSchema();
        LogStarted(_logger, DatabasePath, Options.Durability);
        return new GroupCommitWriter(_connections, Options.MaxEventsPerCommit, _logger);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event journal at {Path} (durability {Durability})")]
    private static partial void LogStarted(ILogger logger, string path, JournalDurability durability);
}
