using EventStore.Journal;
using EventStore.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace EventStore.Tests.Conformance;

/// <summary>The journal conformance suite on SQLite.</summary>
public sealed class SqliteJournalConformance : JournalConformance
{
    private protected override Task<IJournalKit> CreateKitAsync(bool previousSchema) => Task.FromResult<IJournalKit>(new SqliteJournalKit(previousSchema));
}

/// <summary>A <see cref="TempJournal"/> as a conformance kit.</summary>
internal sealed class SqliteJournalKit(bool previousSchema) : IJournalKit
{
    /// <summary>Schema 2, before <c>events.request</c>, holding <see cref="JournalConformance.OldEventId"/> at position 1.</summary>
    private const string PreviousSchema = """
        CREATE TABLE events (
            position INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, aggregate_id TEXT NOT NULL,
            aggregate_type TEXT NOT NULL, version INTEGER NOT NULL CHECK (version > 0), timestamp INTEGER NOT NULL, source TEXT NOT NULL,
            payload TEXT NOT NULL, metadata TEXT, causation_id TEXT, correlation_id TEXT, UNIQUE (aggregate_id, version));
        CREATE TABLE snapshots (aggregate_id TEXT PRIMARY KEY, aggregate_type TEXT NOT NULL, version INTEGER NOT NULL, state TEXT NOT NULL, timestamp INTEGER NOT NULL);
        CREATE TABLE grain_snapshots (aggregate_id TEXT PRIMARY KEY, aggregate_type TEXT NOT NULL, version INTEGER NOT NULL, state TEXT NOT NULL, timestamp INTEGER NOT NULL);
        INSERT INTO events (id, type, aggregate_id, aggregate_type, version, timestamp, source, payload)
        VALUES ('old-event', 'test:note', 'old-stream', 'test', 1, 1, 'test', '{"text":"old"}');
        PRAGMA user_version = 2;
        """;

    private readonly TempJournal _temp = new(prepare: previousSchema ? Execute : null);

    public EventJournal Journal => _temp.Journal;

    public EventJournal OpenAnother() => _temp.OpenAnother();

    public IJournalBatchStore OpenBatchStore() => _temp.OpenBatchStore();

    /// <summary>SQLite shows no lock waits; a writer blocked by the held transaction simply has not committed yet.</summary>
    public Task WaitUntilAWriterWaitsForALockAsync(CancellationToken cancellation) => Task.CompletedTask;

    public Task<long> RecordedSchemaVersionAsync()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _temp.Path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return Task.FromResult((long)command.ExecuteScalar()!);
    }

    public ValueTask DisposeAsync()
    {
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }

    private static void Execute(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = PreviousSchema;
        command.ExecuteNonQuery();
    }
}
