using System.Text;
using System.Text.Json;
using EventStore.Aggregates;
using EventStore.Cli;
using EventStore.Journal;
using EventStore.Projections;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EventStore.Tests.Cli;

/// <summary>
/// Moving a journal to the other backend with <c>export</c> and <c>import</c> (issue 13): a realistic run on a live silo,
/// exported offline while the silo runs, imported into a fresh journal of the other backend; then every row is the same
/// column by column, the target's export is the source's byte for byte (but the header's source), the memory reminders
/// came along, and a silo on the target reads the same aggregates and projections.
/// </summary>
public abstract class MigrationTests(CliSilo silo)
{
    /// <summary>The service id of <see cref="CliSilo"/>, under which its reminders are kept.</summary>
    internal const string SiloServiceId = "cli-tests";

    /// <summary>A fresh, empty journal of the other backend: its CLI options, its raw rows, and a cluster to start on it.</summary>
    protected abstract Task<MigrationTarget> NewTargetAsync();

    [Fact]
    public async Task A_journal_moved_to_the_other_backend_keeps_every_row_its_reminders_and_what_silos_read_from_it()
    {
        var run = await WriteRealisticRunAsync();
        var exportFile = Path.Combine(silo.Folder, Ids.New("source") + ".jsonl");

        var exported = (await silo.RunOffline("export", "--out", exportFile, "--service-id", SiloServiceId, "--json")).ExitsWith(ExitCodes.Success).Json;
        await using var target = await NewTargetAsync();
        var imported = (await CliRun.RunAsync(["import", exportFile, .. target.Options, "--json"])).ExitsWith(ExitCodes.Success).Json;

        Assert.Equal(exported.GetProperty("events").GetInt64(), imported.GetProperty("events").GetInt64());
        Assert.True(imported.GetProperty("positionsKept").GetBoolean());
        Assert.True(exported.GetProperty("reminders").GetInt64() >= 1);
        Assert.Equal(exported.GetProperty("reminders").GetInt64(), imported.GetProperty("reminders").GetInt64());

        // Every row, every column (the source may have moved on since the export: compare up to its head then).
        var head = exported.GetProperty("headPosition").GetInt64();
        Assert.Equal(RawRows.Events(silo.Rows.Provider, Location(silo), head), RawRows.Events(target.Provider, target.Location, long.MaxValue));
        Assert.Equal(RawRows.Reminders(silo.Rows.Provider, Location(silo), SiloServiceId), RawRows.Reminders(target.Provider, target.Location, SiloServiceId));

        // The target's export is the source's, byte for byte, but for the header's source.
        var again = Path.Combine(silo.Folder, Ids.New("target") + ".jsonl");
        (await CliRun.RunAsync(["export", "--out", again, "--service-id", SiloServiceId, .. target.Options])).ExitsWith(ExitCodes.Success);
        var (sourceHeader, sourceBody) = SplitHeader(exportFile);
        var (targetHeader, targetBody) = SplitHeader(again);
        Assert.True(sourceBody.AsSpan().SequenceEqual(targetBody), "the target's export differs from the source's after the header");
        Assert.NotEqual(sourceHeader.GetProperty("source").GetString(), targetHeader.GetProperty("source").GetString());
        Assert.Equal(sourceHeader.GetProperty("headPosition").GetInt64(), targetHeader.GetProperty("headPosition").GetInt64());

        // A silo on the target reads the same aggregates and projections as the silo on the source.
        var cluster = await target.StartClusterAsync();
        Assert.Equal(await run.ReadAsync(silo.Client), await run.ReadAsync(cluster.Client));
    }

    /// <summary>The test's own writes, on every aggregate type, some with a context, some as plain SQL would leave them.</summary>
    private async Task<RealisticRun> WriteRealisticRunAsync()
    {
        var run = new RealisticRun(Ids.New("agent"), Ids.New("task"), Ids.New("swarm"), Ids.New("memory"), Ids.New("notes"), Ids.New("run"));
        var client = silo.Client;
        var context = new CommandContext { CorrelationId = run.Correlation, Source = "migration-test", Metadata = new Dictionary<string, string> { ["tenant"] = "acme", ["note"] = "ü \"quoted\" \\ ✓" } };
        var spawned = await client.GetGrain<IAgentGrain>(run.Agent).Spawn("coder", AgentDomain.Core, ["csharp"], context);
        var caused = context with { CausationId = spawned.EventId };
        await client.GetGrain<ISwarmGrain>(run.Swarm).Initialize("mesh", 4, new Dictionary<string, string> { ["region"] = "eu" }, caused);
        await client.GetGrain<ISwarmGrain>(run.Swarm).Scale(2, "load", caused);
        await client.GetGrain<ITaskGrain>(run.Task).Create("code", "Write it", "all of it", TaskPriority.High, [], caused);
        await client.GetGrain<ITaskGrain>(run.Task).Queue(TaskPriority.High, caused);
        await client.GetGrain<IAgentGrain>(run.Agent).Start(caused);
        await client.GetGrain<IAgentGrain>(run.Agent).AssignTask(run.Task, caused);
        await client.GetGrain<ITaskGrain>(run.Task).Start(run.Agent, caused);
        await client.GetGrain<ITaskGrain>(run.Task).Complete("done", caused);
        await client.GetGrain<IAgentGrain>(run.Agent).CompleteTask(run.Task, "done", caused);
        var memory = client.GetGrain<IMemoryNamespaceGrain>(run.Memory);
        await memory.Store("fact", "fact", 12, context: caused);
        await memory.Store("expiring", "scratch", 3, context: caused, timeToLive: TimeSpan.FromHours(1));
        await client.GetEventStore().Append(run.Notes, "note", [new NewEvent(new NoteAdded("through the store"))]);
        // As other writers (and older code) left rows: an old schema version, unicode and escapes, a payload with line breaks.
        silo.Rows.InsertOutside(run.Notes, "note", 2, "test:upcast-task", """{"taskId":"t-1","note":"written by version 1"}""");
        silo.Rows.InsertOutside(run.Notes, "note", 3, "test:note", """{"text":"ünïcödé ✓ \u00e9 \"q\" \\ \n tab\t 😀"}""");
        silo.Rows.InsertOutside(run.Notes, "note", 4, "test:note", "{\n  \"text\": \"pretty, on three lines\"\n}");
        return run;
    }

    private static string Location(CliSilo silo) => silo.Provider == JournalProvider.Postgres ? silo.ConnectionString! : silo.DatabasePath;

    private static (JsonElement Header, byte[] Body) SplitHeader(string file)
    {
        var bytes = File.ReadAllBytes(file);
        var end = Array.IndexOf(bytes, (byte)'\n');
        return (JsonDocument.Parse(bytes.AsMemory(0, end)).RootElement.Clone(), bytes[(end + 1)..]);
    }
}

/// <summary>The ids of one realistic run, and what silos read of it.</summary>
internal sealed record RealisticRun(string Agent, string Task, string Swarm, string Memory, string Notes, string Correlation)
{
    /// <summary>The aggregates' states, the projections' records and the notes' stream as a cluster reads them, as JSON.</summary>
    public async Task<string> ReadAsync(IClusterClient client)
    {
        var agents = client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key);
        var tasks = client.GetGrain<ITaskHistoryProjection>(ITaskHistoryProjection.Key);
        await agents.CatchUp();
        await tasks.CatchUp();
        var notes = await client.GetEventStore().GetEvents(Notes);
        return JsonSerializer.Serialize(new object?[]
        {
            await client.GetGrain<IAgentGrain>(Agent).GetState(),
            await client.GetGrain<ITaskGrain>(Task).GetState(),
            await client.GetGrain<ISwarmGrain>(Swarm).GetState(),
            await client.GetGrain<IMemoryNamespaceGrain>(Memory).GetState(),
            await agents.GetAgent(Agent),
            await tasks.GetTask(Task),
            notes.Select(e => new { e.Id, e.Type, e.Version, e.Position, e.Timestamp, e.Source, e.CorrelationId, e.CausationId, e.Metadata, Payload = (object)e.Payload }),
        });
    }
}

/// <summary>A fresh journal to import into, and a cluster on it once it holds the import.</summary>
public sealed class MigrationTarget : IAsyncDisposable
{
    private MigratedCluster? _cluster;

    private MigrationTarget(JournalProvider provider, string location) => (Provider, Location) = (provider, location);

    /// <summary>The target's backend.</summary>
    public JournalProvider Provider { get; }

    /// <summary>The SQLite file or the PostgreSQL connection string.</summary>
    public string Location { get; }

    /// <summary>The CLI options that name it (with the test event types).</summary>
    public string[] Options => [Provider == JournalProvider.Postgres ? "--postgres" : "--journal", Location, "--events-assembly", typeof(NoteAdded).Assembly.Location];

    /// <summary>A new SQLite file (not there yet) or a new PostgreSQL database.</summary>
    public static async Task<MigrationTarget> CreateAsync(JournalProvider provider)
    {
        if (provider == JournalProvider.Postgres) return new MigrationTarget(provider, await PostgresServer.CreateDatabaseAsync("migration"));
        var folder = Path.Combine(Path.GetTempPath(), "eventstore-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return new MigrationTarget(provider, Path.Combine(folder, "moved.db"));
    }

    /// <summary>Starts a cluster (service id <see cref="MigrationTests.SiloServiceId"/>) on the target journal.</summary>
    public async Task<JournalCluster> StartClusterAsync()
    {
        _cluster = new MigratedCluster(this);
        await _cluster.InitializeAsync();
        return _cluster;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        if (Provider == JournalProvider.Postgres) await PostgresServer.DropDatabaseAsync(Location);
        else try { Directory.Delete(Path.GetDirectoryName(Location)!, recursive: true); } catch (IOException) { } // best effort
    }

    /// <summary>A cluster on the imported journal (not a fresh one, as <see cref="JournalCluster"/> makes by default).</summary>
    private sealed class MigratedCluster(MigrationTarget target) : JournalCluster
    {
        public override JournalProvider Provider => target.Provider;

        protected override void ConfigureJournal(JournalOptions options)
        {
            options.DatabasePath = target.Provider == JournalProvider.Sqlite ? target.Location : options.DatabasePath;
            options.ConnectionString = target.Provider == JournalProvider.Postgres ? target.Location : null;
        }
    }
}

/// <summary>Rows of the journal's tables with plain SQL, every column, as text for comparison across backends.</summary>
internal static class RawRows
{
    private const string EventColumns = "position, id, type, aggregate_id, aggregate_type, version, timestamp, source, payload, metadata, causation_id, correlation_id, request, schema_version";

    public static IReadOnlyList<string> Events(JournalProvider provider, string location, long upToPosition) =>
        Query(provider, location, $"SELECT {EventColumns} FROM events WHERE position <= {upToPosition} ORDER BY position");

    public static IReadOnlyList<string> Reminders(JournalProvider provider, string location, string serviceId) =>
        Query(provider, location, $"SELECT service_id, grain_id, reminder_name, grain_hash, start_at, period FROM orleans_reminders WHERE service_id = '{serviceId}' ORDER BY grain_id, reminder_name");

    private static List<string> Query(JournalProvider provider, string location, string sql)
    {
        using System.Data.Common.DbConnection connection = provider == JournalProvider.Postgres
            ? new NpgsqlConnection(location)
            : new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = location, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            var row = new StringBuilder();
            for (var i = 0; i < reader.FieldCount; i++)
                row.Append(reader.GetName(i)).Append('=').Append(reader.IsDBNull(i) ? "NULL" : reader.GetValue(i) is string text ? JsonSerializer.Serialize(text) : Convert.ToInt64(reader.GetValue(i))).Append(' ');
            rows.Add(row.ToString());
        }
        return rows;
    }
}

[Collection(CliOutsideRowsCollection.Name)]
public sealed class MigrationTests_SqliteToPostgres(CliSilo silo) : MigrationTests(silo)
{
    protected override Task<MigrationTarget> NewTargetAsync() => MigrationTarget.CreateAsync(JournalProvider.Postgres);
}

[Collection(PostgresCliOutsideRowsCollection.Name)]
public sealed class MigrationTests_PostgresToSqlite(PostgresCliSilo silo) : MigrationTests(silo)
{
    protected override Task<MigrationTarget> NewTargetAsync() => MigrationTarget.CreateAsync(JournalProvider.Sqlite);
}
