using EventStore.Journal;
using EventStore.Journal.Postgres;
using EventStore.Journal.Sqlite;
using EventStore.Reminders;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Reminders;

/// <summary>
/// What Orleans' reminder table in the journal's database must do on every backend (<see cref="IReminderTable"/>'s
/// contract): rows by grain, by name and by grain-hash range (wrapping around the ring), an ETag that changes with every
/// upsert, removes that only take the row they were given the ETag of, per-service rows, and rows that outlive the table
/// object (a silo restart).
/// </summary>
public abstract class ReminderTableConformance : IAsyncLifetime
{
    private const string Service = "reminder-tests";
    private static readonly DateTime Start = new(2026, 11, 27, 10, 0, 0, 123, DateTimeKind.Utc);

    /// <summary>A fresh, empty database of the backend.</summary>
    private protected abstract Task<string> CreateDatabaseAsync();

    /// <summary>A new backend's reminder table on the database, as a starting silo would make it (not yet started).</summary>
    private protected abstract IReminderTable Open(string database, string serviceId = Service);

    /// <summary>Drops the database.</summary>
    private protected abstract Task DropDatabaseAsync(string database);

    private string? _database;
    private string Database => _database ?? throw new InvalidOperationException("No database yet.");

    public async Task InitializeAsync() => _database = await CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        if (_database is not null) await DropDatabaseAsync(_database);
    }

    private async Task<IReminderTable> StartedTable(string serviceId = Service)
    {
        var table = Open(Database, serviceId);
        await table.StartAsync();
        return table;
    }

    private static ReminderEntry Entry(GrainId grain, string name, DateTime? startAt = null, TimeSpan? period = null) =>
        new() { GrainId = grain, ReminderName = name, StartAt = startAt ?? Start, Period = period ?? TimeSpan.FromMinutes(1) };

    private static GrainId Grain(string key) => GrainId.Create("memory", key);

    [Fact]
    public async Task An_upsert_writes_the_row_whole_with_a_new_etag_and_reads_back_exactly()
    {
        var table = await StartedTable();
        var grain = Grain(Ids.New("ns"));
        var first = await table.UpsertRow(Entry(grain, "expiry"));
        var later = Start.AddTicks(1234567);
        var second = await table.UpsertRow(Entry(grain, "expiry", later, TimeSpan.FromSeconds(90)));

        Assert.False(string.IsNullOrEmpty(first));
        Assert.NotEqual(first, second);
        var row = await table.ReadRow(grain, "expiry");
        Assert.NotNull(row);
        Assert.Equal((grain, "expiry", later, DateTimeKind.Utc, TimeSpan.FromSeconds(90), second),
            (row.GrainId, row.ReminderName, row.StartAt, row.StartAt.Kind, row.Period, row.ETag));
        Assert.Null(await table.ReadRow(grain, "other"));
        Assert.Null(await table.ReadRow(Grain(Ids.New("ns")), "expiry"));
    }

    [Fact]
    public async Task A_remove_with_a_stale_etag_removes_nothing_and_one_with_the_current_etag_removes_the_row()
    {
        var table = await StartedTable();
        var grain = Grain(Ids.New("ns"));
        var stale = await table.UpsertRow(Entry(grain, "expiry"));
        var current = await table.UpsertRow(Entry(grain, "expiry", Start.AddMinutes(1)));

        Assert.False(await table.RemoveRow(grain, "expiry", stale!));
        Assert.Equal(current, (await table.ReadRow(grain, "expiry"))?.ETag);
        Assert.True(await table.RemoveRow(grain, "expiry", current!));
        Assert.Null(await table.ReadRow(grain, "expiry"));
        Assert.False(await table.RemoveRow(grain, "expiry", current!));

        // A row written again after a remove gets an ETag no earlier row had.
        var again = await table.UpsertRow(Entry(grain, "expiry"));
        Assert.DoesNotContain(again, new[] { stale, current });
        Assert.False(await table.RemoveRow(grain, "expiry", current!));
    }

    [Fact]
    public async Task Of_concurrent_upserts_the_last_wins_whole_and_only_its_etag_removes_the_row()
    {
        var table = await StartedTable();
        var grain = Grain(Ids.New("ns"));
        var etags = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => table.UpsertRow(Entry(grain, "expiry", Start.AddSeconds(i), TimeSpan.FromSeconds(60 + i)))));

        Assert.Equal(etags.Length, etags.Distinct().Count());
        var row = await table.ReadRow(grain, "expiry");
        Assert.NotNull(row);
        var winner = Array.IndexOf(etags, row.ETag) + 1;
        Assert.True(winner > 0, "the row carries the ETag of one of the upserts");
        Assert.Equal((Start.AddSeconds(winner), TimeSpan.FromSeconds(60 + winner)), (row.StartAt, row.Period));
        foreach (var loser in etags.Where(e => e != row.ETag)) Assert.False(await table.RemoveRow(grain, "expiry", loser!));
        Assert.True(await table.RemoveRow(grain, "expiry", row.ETag!));
    }

    [Fact]
    public async Task Rows_read_by_grain_are_that_grains_every_reminder()
    {
        var table = await StartedTable();
        var (a, b) = (Grain(Ids.New("ns")), Grain(Ids.New("ns")));
        await table.UpsertRow(Entry(a, "one"));
        await table.UpsertRow(Entry(a, "two"));
        await table.UpsertRow(Entry(b, "one"));

        Assert.Equal(["one", "two"], (await table.ReadRows(a)).Reminders.Select(r => r.ReminderName).Order());
        Assert.All((await table.ReadRows(a)).Reminders, r => Assert.Equal(a, r.GrainId));
        Assert.Single((await table.ReadRows(b)).Reminders);
        Assert.Empty((await table.ReadRows(Grain(Ids.New("ns")))).Reminders);
    }

    [Fact]
    public async Task Range_reads_take_hashes_above_begin_up_to_end_and_wrap_around_when_begin_is_not_below_end()
    {
        var table = await StartedTable();
        var grains = Enumerable.Range(0, 40).Select(_ => Grain(Ids.New("ns"))).OrderBy(g => g.GetUniformHashCode()).ToArray();
        foreach (var grain in grains) await table.UpsertRow(Entry(grain, "expiry"));
        var hashes = grains.Select(g => g.GetUniformHashCode()).ToArray();

        async Task Check(uint begin, uint end)
        {
            var expected = grains.Where(g => begin < end
                ? g.GetUniformHashCode() > begin && g.GetUniformHashCode() <= end
                : g.GetUniformHashCode() > begin || g.GetUniformHashCode() <= end).Select(g => g.ToString()).Order();
            var read = (await table.ReadRows(begin, end)).Reminders.Select(r => r.GrainId.ToString()).Order();
            Assert.Equal(expected, read);
        }

        await Check(hashes[5], hashes[20]);            // begin excluded, end included
        await Check(hashes[20], hashes[5]);            // wraps: above hashes[20], or at most hashes[5]
        await Check(hashes[10], hashes[10]);           // begin == end: the whole ring
        await Check(0, uint.MaxValue);                 // every row
        await Check(uint.MaxValue, 0);                 // wraps to nothing but hash 0
        await Check(hashes[39], hashes[0]);            // only the two ends
        Assert.Equal(grains.Length, (await table.ReadRows(0, uint.MaxValue)).Reminders.Count);
        Assert.Equal(grains.Length - 15, (await table.ReadRows(hashes[20], hashes[5])).Reminders.Count);
    }

    [Fact]
    public async Task Rows_outlive_the_table_object_and_belong_to_their_service()
    {
        var grain = Grain(Ids.New("ns"));
        var etag = await (await StartedTable()).UpsertRow(Entry(grain, "expiry"));

        var reopened = await StartedTable(); // a restarted silo: the table exists, is left alone, and holds the row
        Assert.Equal(etag, (await reopened.ReadRow(grain, "expiry"))?.ETag);
        var otherService = await StartedTable("another-service");
        Assert.Null(await otherService.ReadRow(grain, "expiry"));
        Assert.Empty((await otherService.ReadRows(0, uint.MaxValue)).Reminders);
        await otherService.UpsertRow(Entry(grain, "expiry"));

        await reopened.TestOnlyClearTable();
        Assert.Null(await reopened.ReadRow(grain, "expiry"));
        Assert.NotNull(await otherService.ReadRow(grain, "expiry"));
    }

    [Fact]
    public async Task Silos_starting_at_once_all_find_the_table()
    {
        var database = await CreateDatabaseAsync();
        try
        {
            var tables = Enumerable.Range(0, 6).Select(_ => Open(database)).ToArray();
            await Task.WhenAll(tables.Select(t => t.StartAsync()));
            var grain = Grain(Ids.New("ns"));
            await tables[0].UpsertRow(Entry(grain, "expiry"));
            Assert.All(await Task.WhenAll(tables.Select(t => t.ReadRow(grain, "expiry"))), Assert.NotNull);
        }
        finally
        {
            await DropDatabaseAsync(database);
        }
    }
}

/// <summary>The reminder table in a SQLite journal file.</summary>
public sealed class ReminderTableConformance_Sqlite : ReminderTableConformance
{
    private static readonly EventPayloadSerializer Serializer = new(new EventTypeRegistry([]));

    private protected override Task<string> CreateDatabaseAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "eventstore-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return Task.FromResult(Path.Combine(folder, "events.db"));
    }

    private protected override IReminderTable Open(string database, string serviceId = "reminder-tests") =>
        new JournalReminderTable(new SqliteJournalBackend(new JournalOptions { DatabasePath = database }, Serializer).CreateReminderDatabase(), serviceId);

    private protected override Task DropDatabaseAsync(string database)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Path.GetDirectoryName(database)!, recursive: true); } catch (IOException) { } // best effort
        return Task.CompletedTask;
    }
}

/// <summary>The reminder table in a PostgreSQL journal database.</summary>
public sealed class ReminderTableConformance_Postgres : ReminderTableConformance
{
    private static readonly EventPayloadSerializer Serializer = new(new EventTypeRegistry([]));
    private readonly List<PostgresJournalBackend> _backends = [];

    private protected override Task<string> CreateDatabaseAsync() => PostgresServer.CreateDatabaseAsync("reminders");

    private protected override IReminderTable Open(string database, string serviceId = "reminder-tests")
    {
        var backend = new PostgresJournalBackend(new JournalOptions { Provider = JournalProvider.Postgres, ConnectionString = database }, Serializer);
        lock (_backends) _backends.Add(backend);
        return new JournalReminderTable(backend.CreateReminderDatabase(), serviceId);
    }

    private protected override async Task DropDatabaseAsync(string database)
    {
        lock (_backends)
        {
            foreach (var backend in _backends) backend.Dispose();
            _backends.Clear();
        }
        await PostgresServer.DropDatabaseAsync(database);
    }
}
