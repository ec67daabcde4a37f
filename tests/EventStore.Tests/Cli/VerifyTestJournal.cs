using System.Text.Json;
using EventStore.Admin;
using EventStore.Events;
using EventStore.Journal;
using EventStore.Projections;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EventStore.Tests.Cli;

/// <summary>
/// A small journal of a test's own, to corrupt with plain SQL and verify: an SQLite file in a temporary folder or a
/// fresh PostgreSQL database, opened offline, holding three <c>note</c> streams (a, b, c) of three notes each and the
/// <see cref="VerifyNotesProjection"/> folded over them, as a projector would have.
/// </summary>
internal sealed class VerifyTestJournal : IAsyncDisposable
{
    /// <summary>The projection's record table in its first generation.</summary>
    public const string NotesTable = "rm_verify_notes__1_notes";

    private readonly string? _folder;

    private VerifyTestJournal(JournalProvider provider, string? folder, string? connectionString)
    {
        (Provider, _folder, ConnectionString) = (provider, folder, connectionString);
        var options = new JournalOptions { Provider = provider, ConnectionString = connectionString, EventAssemblies = { typeof(NoteAdded).Assembly } };
        if (folder is not null) options.DatabasePath = Path.Combine(folder, "events.db");
        Journal = OfflineJournal.Open(options, create: true);
    }

    public JournalProvider Provider { get; }

    public string? ConnectionString { get; }

    public OfflineJournal Journal { get; }

    /// <summary>Plain SQL on the journal's database.</summary>
    public IJournalRows Rows => Provider == JournalProvider.Postgres ? new PostgresJournalRows(ConnectionString!) : new JournalFile(Journal.Options.DatabasePath);

    /// <summary>A journal with streams a, b and c of three notes each (texts "a1".."c3"), and the notes projection built over them.</summary>
    public static async Task<VerifyTestJournal> CreateAsync(JournalProvider provider)
    {
        VerifyTestJournal journal;
        if (provider == JournalProvider.Postgres)
        {
            journal = new VerifyTestJournal(provider, null, await PostgresServer.CreateDatabaseAsync("verify"));
        }
        else
        {
            var folder = Path.Combine(Path.GetTempPath(), "eventstore-verify-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            journal = new VerifyTestJournal(provider, folder, null);
        }
        foreach (var stream in new[] { "a", "b", "c" })
            await journal.Journal.Store.AppendAsync(stream, "note", [.. Enumerable.Range(1, 3).Select(i => new NewEvent(new NoteAdded($"{stream}{i}")))]);
        await journal.BuildProjectionAsync(new VerifyNotesProjection());
        return journal;
    }

    /// <summary>Folds the journal into a first, active generation of <paramref name="projection"/>, as its projector does.</summary>
    public async Task BuildProjectionAsync(Projection projection)
    {
        var store = Journal.Backend.CreateReadModelStore();
        var generation = new ProjectionGeneration(projection.Name, 1, projection.ShapeVersion, 0, IsActive: true);
        await store.CreateGenerationAsync(generation, projection.Tables);
        var source = new ProjectionSource(Journal.Reader, store, Options.Create(new ProjectionOptions()), TimeProvider.System, NullLoggerFactory.Instance);
        await new ProjectionLane(projection, generation, source, NullLogger.Instance).CatchUpAsync(await Journal.Reader.GetHeadPositionAsync());
    }

    /// <summary>Runs <c>verify --json</c> on the journal offline, with the test event types unless told otherwise.</summary>
    public Task<CliRun> VerifyAsync(bool withEventTypes = true)
    {
        string[] where = Provider == JournalProvider.Postgres ? ["--postgres", ConnectionString!] : ["--journal", Journal.Options.DatabasePath];
        string[] types = withEventTypes ? ["--events-assembly", typeof(NoteAdded).Assembly.Location] : [];
        return CliRun.RunAsync(["verify", "--json", .. where, .. types]);
    }

    public async ValueTask DisposeAsync()
    {
        Journal.Dispose();
        if (ConnectionString is not null) await PostgresServer.DropDatabaseAsync(ConnectionString);
        SqliteConnection.ClearAllPools();
        if (_folder is not null)
        {
            try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } // best effort
        }
    }
}

/// <summary>A projection of the test notes, found by <c>verify</c> in the <c>--events-assembly</c>: per stream, how many notes and the last one's text.</summary>
public sealed class VerifyNotesProjection : Projection
{
    /// <summary>One record per note stream.</summary>
    public static readonly RecordTable<NoteTally> Notes = new("notes");

    /// <inheritdoc />
    public override string Name => "verify_notes";

    /// <inheritdoc />
    public override IReadOnlyList<string> AggregateTypes => ["note"];

    /// <inheritdoc />
    public override IReadOnlyList<RecordTable> Tables => [Notes];

    /// <inheritdoc />
    public override async ValueTask ApplyAsync(EventEnvelope envelope, RecordSession records)
    {
        if (envelope.Payload is not NoteAdded note) return;
        var tally = await records.GetAsync(Notes, envelope.AggregateId);
        records.Put(Notes, envelope.AggregateId, new NoteTally((tally?.Count ?? 0) + 1, note.Text));
    }
}

/// <summary>A record of <see cref="VerifyNotesProjection"/>.</summary>
public sealed record NoteTally(long Count, string LastText);

/// <summary>Reading <c>verify --json</c>'s report.</summary>
internal static class VerifyReport
{
    /// <summary>The check named <paramref name="name"/>.</summary>
    public static JsonElement Check(this CliRun run, string name) =>
        run.Json.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    /// <summary>The problems the check shows.</summary>
    public static IReadOnlyList<string> Problems(this JsonElement check) => [.. check.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!)];

    /// <summary>Whether the check holds.</summary>
    public static bool Ok(this JsonElement check) => check.GetProperty("ok").GetBoolean();

    /// <summary>The names of the checks that found problems.</summary>
    public static IReadOnlyList<string> Failing(this CliRun run) =>
        [.. run.Json.GetProperty("checks").EnumerateArray().Where(c => !c.Ok()).Select(c => c.GetProperty("name").GetString()!)];
}
