using EventStore.Journal;
using EventStore.Tests.Infrastructure;
using Npgsql;

namespace EventStore.Tests.Conformance;

/// <summary>The journal conformance suite on PostgreSQL.</summary>
public sealed class PostgresJournalConformance : JournalConformance
{
    private protected override async Task<IJournalKit> CreateKitAsync(bool previousSchema) => await PostgresJournalKit.CreateAsync(previousSchema);
}

/// <summary>A <see cref="TempPostgresJournal"/> as a conformance kit.</summary>
internal sealed class PostgresJournalKit(TempPostgresJournal temp) : IJournalKit
{
    /// <summary>Schema 2, before <c>events.request</c>, holding <see cref="JournalConformance.OldEventId"/> at position 1.</summary>
    private const string PreviousSchema = """
        CREATE TABLE journal_schema (one_row boolean PRIMARY KEY DEFAULT true CHECK (one_row), version integer NOT NULL);
        CREATE TABLE events (
            position bigint PRIMARY KEY, id text NOT NULL UNIQUE, type text NOT NULL, aggregate_id text NOT NULL,
            aggregate_type text NOT NULL, version bigint NOT NULL CHECK (version > 0), timestamp bigint NOT NULL, source text NOT NULL,
            payload text NOT NULL, metadata text, causation_id text, correlation_id text, UNIQUE (aggregate_id, version));
        CREATE TABLE snapshots (aggregate_id text PRIMARY KEY, aggregate_type text NOT NULL, version bigint NOT NULL, state text NOT NULL, timestamp bigint NOT NULL);
        CREATE TABLE grain_snapshots (aggregate_id text PRIMARY KEY, aggregate_type text NOT NULL, version bigint NOT NULL, state text NOT NULL, timestamp bigint NOT NULL);
        CREATE TABLE journal_head (one_row boolean PRIMARY KEY DEFAULT true CHECK (one_row), position bigint NOT NULL);
        INSERT INTO events (position, id, type, aggregate_id, aggregate_type, version, timestamp, source, payload)
        VALUES (1, 'old-event', 'test:note', 'old-stream', 'test', 1, 1, 'test', '{"text":"old"}');
        INSERT INTO journal_head VALUES (true, 1);
        INSERT INTO journal_schema VALUES (true, 2);
        """;

    public static async Task<PostgresJournalKit> CreateAsync(bool previousSchema) =>
        new(await TempPostgresJournal.CreateAsync(prepare: previousSchema ? Execute : null));

    public EventJournal Journal => temp.Journal;

    public EventJournal OpenAnother() => temp.OpenAnother();

    public IJournalBatchStore OpenBatchStore() => temp.OpenBatchStore();

    /// <summary>Polls pg_stat_activity until a backend of this database waits for a lock (a heavyweight lock: a row or a transaction).</summary>
    public async Task WaitUntilAWriterWaitsForALockAsync(CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested
               && (long)(await temp.ScalarAsync("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"))! == 0)
            await Task.Delay(5, CancellationToken.None);
    }

    public async Task<long> RecordedSchemaVersionAsync() => (int)(await temp.ScalarAsync("SELECT version FROM journal_schema"))!;

    public ValueTask DisposeAsync() => temp.DisposeAsync();

    private static async Task Execute(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(PreviousSchema, connection);
        await command.ExecuteNonQueryAsync();
    }
}
