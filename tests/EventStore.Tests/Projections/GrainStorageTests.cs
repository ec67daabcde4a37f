using EventStore.Hosting;
using EventStore.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;

namespace EventStore.Tests.Projections;

/// <summary>
/// An in-process cluster with the SQLite journal and two SQLite grain storage providers on the same
/// file, under a fixed ServiceId so that stored state survives a restart.
/// </summary>
public class GrainStorageCluster : IAsyncLifetime
{
    /// <summary>The main test storage provider.</summary>
    public const string StorageName = "grain-storage-tests";

    /// <summary>A provider on the same file with <c>DeleteStateOnClear = true</c>.</summary>
    public const string DeletingStorageName = "grain-storage-tests-delete";

    /// <summary>The fixed ServiceId: rows are keyed by it.</summary>
    public const string ServiceId = "grain-storage-tests";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "eventstore-tests", Guid.NewGuid().ToString("N"));
    private InProcessTestCluster? _cluster;

    /// <summary>The one SQLite file: journal and grain storage.</summary>
    public string DatabasePath => Path.Combine(_folder, "events.db");

    /// <summary>A client connected to the cluster.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <summary>Plain SQL access to the file, independent of the code under test.</summary>
    public StorageFile File => new(DatabasePath);

    private InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not started.");

    /// <summary>A storage provider as grains see it, taken from the first silo.</summary>
    public IGrainStorage Storage(string name) => Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(name);

    /// <summary>Deactivates a grain, so that its next call reads its state from storage.</summary>
    public Task DeactivateAsync(IAddressable grain) => Cluster.DeactivateAsync(grain);

    /// <summary>Stops every silo and starts a new cluster on the same file.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    /// <inheritdoc />
    public Task InitializeAsync() => StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } // best effort
    }

    private async Task StartAsync()
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.Options.ConfigureFileLogging = false;
        builder.Options.ServiceId = ServiceId;
        builder.ConfigureSilo((_, silo) => silo
            .AddSqliteEventJournal(options =>
            {
                options.DatabasePath = DatabasePath;
                options.EventAssemblies.Add(typeof(NoteAdded).Assembly);
            })
            .AddSqliteGrainStorage(StorageName, _ => DatabasePath)
            .AddSqliteGrainStorage(DeletingStorageName, _ => DatabasePath, options => options.DeleteStateOnClear = true));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    private async Task StopAsync()
    {
        if (_cluster is null) return;
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
        _cluster = null;
    }
}

/// <summary>A cluster of its own for the restart test.</summary>
public sealed class GrainStorageRestartCluster : GrainStorageCluster;

/// <summary>One row of <c>OrleansStorage</c>, read with plain SQL.</summary>
public sealed record StorageRow(string ServiceId, string GrainTypeString, long N0, long N1, string Extension, string? Payload, long Version);

/// <summary>Reads and changes the grain storage table with plain SQL, as another process would.</summary>
public sealed class StorageFile(string path)
{
    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString();

    /// <summary>The row of one grain's state, if any.</summary>
    public StorageRow? Row(string stateName, GrainId grainId) =>
        Rows("WHERE GrainTypeString = $key", ("$key", SqliteGrainStorageSiloBuilderExtensions.StorageKey(stateName, grainId))).SingleOrDefault();

    /// <summary>All rows.</summary>
    public IReadOnlyList<StorageRow> Rows() => Rows("");

    /// <summary>Bumps a state's version behind the grain's back, as a second writer would; returns the rows changed.</summary>
    public int BumpVersion(string stateName, GrainId grainId) =>
        Execute("UPDATE OrleansStorage SET Version = Version + 1 WHERE GrainTypeString = $key",
            ("$key", SqliteGrainStorageSiloBuilderExtensions.StorageKey(stateName, grainId)));

    /// <summary>Takes the file's write lock (BEGIN IMMEDIATE) until disposed, as a busy journal writer would.</summary>
    public IDisposable HoldWriteLock()
    {
        var connection = Open();
        var transaction = connection.BeginTransaction(deferred: false);
        return new Releaser(() =>
        {
            transaction.Rollback();
            transaction.Dispose();
            connection.Dispose();
        });
    }

    /// <summary>Names of the tables in the file.</summary>
    public IReadOnlyList<string> Tables() => Strings("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");

    /// <summary>The file's journal mode.</summary>
    public string JournalMode() => Strings("PRAGMA journal_mode").Single();

    /// <summary>The stored text of every query, by key.</summary>
    public IReadOnlyDictionary<string, string> Queries()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT QueryKey, QueryText FROM OrleansQuery";
        using var reader = command.ExecuteReader();
        var queries = new Dictionary<string, string>();
        while (reader.Read()) queries[reader.GetString(0)] = reader.GetString(1);
        return queries;
    }

    /// <summary>Rows in a table.</summary>
    public long Count(string table)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        return (long)command.ExecuteScalar()!;
    }

    private IReadOnlyList<StorageRow> Rows(string where, params (string Name, object Value)[] parameters)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString, CAST(PayloadBinary AS TEXT), Version FROM OrleansStorage " + where;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        using var reader = command.ExecuteReader();
        var rows = new List<StorageRow>();
        while (reader.Read())
            rows.Add(new StorageRow(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetInt64(6)));
        return rows;
    }

    private int Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command.ExecuteNonQuery();
    }

    private List<string> Strings(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read()) values.Add(reader.GetString(0));
        return values;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    private sealed class Releaser(Action release) : IDisposable
    {
        public void Dispose() => release();
    }
}

[CollectionDefinition(Name)]
public sealed class GrainStorageCollection : ICollectionFixture<GrainStorageCluster>
{
    public const string Name = "grain-storage";
}

[CollectionDefinition(Name)]
public sealed class GrainStorageRestartCollection : ICollectionFixture<GrainStorageRestartCluster>
{
    public const string Name = "grain-storage-restart";
}

[Collection(GrainStorageCollection.Name)]
public sealed class GrainStorageTests(GrainStorageCluster cluster)
{
    [Fact]
    public async Task Written_state_is_read_back_after_deactivation()
    {
        var grain = cluster.Client.GetGrain<ICounterGrain>(Ids.New("counter"));
        await grain.Add(5);
        var written = await grain.Add(2);
        Assert.Equal("2", written.ETag);

        await cluster.DeactivateAsync(grain);

        var read = await grain.Get();
        Assert.Equal(7, read.Value);
        Assert.Equal(new[] { 5, 2 }, read.Added);
        Assert.Equal("2", read.ETag);
        Assert.True(read.RecordExists);
        var row = cluster.File.Row("state", grain.GetGrainId());
        Assert.NotNull(row);
        Assert.Equal(GrainStorageCluster.ServiceId, row.ServiceId);
        Assert.Equal(2, row.Version);
        Assert.Contains("\"Value\":7", row.Payload); // the default serializer writes JSON: readable with plain SQL
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_fails_with_InconsistentStateException()
    {
        var grain = cluster.Client.GetGrain<ICounterGrain>(Ids.New("counter"));
        await grain.Add(1);
        Assert.Equal(1, cluster.File.BumpVersion("state", grain.GetGrainId())); // another writer got there first
        var before = cluster.File.Row("state", grain.GetGrainId());

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.Add(10));

        var row = cluster.File.Row("state", grain.GetGrainId());
        Assert.Equal(before, row); // the stale write changed nothing
        Assert.Equal(2, row!.Version);
        await cluster.DeactivateAsync(grain); // a fresh activation reads the current version and can write again
        var after = await grain.Add(3);
        Assert.Equal(4, after.Value);
        Assert.Equal("3", after.ETag);
    }

    [Fact]
    public async Task Of_two_activations_holding_the_same_etag_only_the_first_write_wins()
    {
        var storage = cluster.Storage(GrainStorageCluster.StorageName);
        var grainId = GrainId.Create("storage-test", Ids.New("twin"));
        var first = new GrainState<CounterState>(new CounterState());
        await storage.ReadStateAsync("state", grainId, first);
        first.State!.Value = 1;
        await storage.WriteStateAsync("state", grainId, first);
        var second = new GrainState<CounterState>(new CounterState());
        await storage.ReadStateAsync("state", grainId, second);
        Assert.Equal(first.ETag, second.ETag);

        first.State!.Value = 2;
        await storage.WriteStateAsync("state", grainId, first);
        second.State!.Value = 20;
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("state", grainId, second));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("state", grainId, second));

        var check = new GrainState<CounterState>(new CounterState());
        await storage.ReadStateAsync("state", grainId, check);
        Assert.Equal(2, check.State!.Value);
        Assert.Equal("2", check.ETag);
        Assert.Equal("1", second.ETag); // a failed write leaves the loser's ETag alone
    }

    [Fact]
    public async Task Every_etag_case_behaves_as_Orleans_expects()
    {
        var storage = cluster.Storage(GrainStorageCluster.StorageName);
        var grainId = GrainId.Create("storage-test", Ids.New("cases"));

        // Never written: no record, no ETag; clearing it is a no-op.
        var state = new GrainState<CounterState>(new CounterState());
        await storage.ReadStateAsync("state", grainId, state);
        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        await storage.ClearStateAsync("state", grainId, state);
        Assert.Null(cluster.File.Row("state", grainId));

        // An ETag for a row that does not exist: write and clear both conflict, nothing is inserted.
        var phantom = new GrainState<CounterState>(new CounterState { Value = 9 }) { ETag = "7" };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("state", grainId, phantom));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("state", grainId, phantom));
        Assert.Null(cluster.File.Row("state", grainId));

        // New row: version 1. Matching ETag: version 2.
        state.State!.Value = 1;
        await storage.WriteStateAsync("state", grainId, state);
        Assert.Equal(("1", true), (state.ETag, state.RecordExists));
        state.State!.Value = 2;
        await storage.WriteStateAsync("state", grainId, state);
        Assert.Equal("2", state.ETag);

        // No ETag while a row exists (a second activation that never read): conflict.
        var blind = new GrainState<CounterState>(new CounterState { Value = 50 });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("state", grainId, blind));

        // Clear keeps a row without payload and a newer version: no record, but the ETag carries on.
        await storage.ClearStateAsync("state", grainId, state);
        Assert.Equal(("3", false, 0), (state.ETag, state.RecordExists, state.State!.Value));
        var row = cluster.File.Row("state", grainId);
        Assert.Equal((null, 3L), (row!.Payload, row.Version));
        var reader = new GrainState<CounterState>(new CounterState { Value = 99 });
        await storage.ReadStateAsync("state", grainId, reader);
        Assert.Equal(("3", false, 0), (reader.ETag, reader.RecordExists, reader.State!.Value));

        // Writing after a clear continues from the cleared version; an ETag from before the clear is stale.
        var beforeClear = new GrainState<CounterState>(new CounterState()) { ETag = "2", RecordExists = true };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("state", grainId, beforeClear));
        state.State!.Value = 4;
        await storage.WriteStateAsync("state", grainId, state);
        Assert.Equal(("4", true), (state.ETag, state.RecordExists));
        await storage.ReadStateAsync("state", grainId, reader);
        Assert.Equal(("4", true, 4), (reader.ETag, reader.RecordExists, reader.State!.Value));
    }

    [Fact]
    public async Task ClearStateAsync_resets_the_state_and_the_grain_can_write_again()
    {
        var grain = cluster.Client.GetGrain<ICounterGrain>(Ids.New("counter"));
        await grain.Add(4);

        var cleared = await grain.Clear();

        Assert.Equal((0, false, "2"), (cleared.Value, cleared.RecordExists, cleared.ETag));
        Assert.Null(cluster.File.Row("state", grain.GetGrainId())!.Payload);
        await cluster.DeactivateAsync(grain);
        var read = await grain.Get();
        Assert.Equal((0, false, "2"), (read.Value, read.RecordExists, read.ETag));
        var again = await grain.Add(6);
        Assert.Equal((6, true, "3"), (again.Value, again.RecordExists, again.ETag));
    }

    [Fact]
    public async Task With_DeleteStateOnClear_clearing_removes_the_row()
    {
        var grain = cluster.Client.GetGrain<IDeletingCounterGrain>(Ids.New("deleting"));
        await grain.Add(4);
        Assert.NotNull(cluster.File.Row("state", grain.GetGrainId()));

        var cleared = await grain.Clear();

        Assert.Equal((0, false, null), (cleared.Value, cleared.RecordExists, cleared.ETag));
        Assert.Null(cluster.File.Row("state", grain.GetGrainId()));
        var again = await grain.Add(6); // a new row, from version 1
        Assert.Equal((6, true, "1"), (again.Value, again.RecordExists, again.ETag));

        var storage = cluster.Storage(GrainStorageCluster.DeletingStorageName);
        var stale = new GrainState<CounterState>(new CounterState()) { ETag = "5", RecordExists = true };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("state", grain.GetGrainId(), stale));
        Assert.NotNull(cluster.File.Row("state", grain.GetGrainId()));
    }

    [Fact]
    public async Task Grains_of_two_types_with_the_same_key_and_state_name_keep_separate_rows()
    {
        var key = Ids.New("shared");
        var counter = cluster.Client.GetGrain<ICounterGrain>(key);
        var other = cluster.Client.GetGrain<IOtherCounterGrain>(key);

        await counter.Add(1);
        await other.Add(100);
        await counter.Add(1);
        await cluster.DeactivateAsync(counter);
        await cluster.DeactivateAsync(other);

        Assert.Equal(2, (await counter.Get()).Value);
        Assert.Equal(100, (await other.Get()).Value);
        Assert.NotEqual(cluster.File.Row("state", counter.GetGrainId())!.GrainTypeString, cluster.File.Row("state", other.GetGrainId())!.GrainTypeString);
    }

    [Fact]
    public async Task String_keys_that_read_as_the_same_hex_number_keep_separate_rows()
    {
        // Orleans' ADO.NET key parses "20235" and "020235" (and "cafe" and "CAFE") to one integer key.
        var suffix = Random.Shared.Next(1, 0xFFFFF).ToString("x5");
        string[] keys = [$"2{suffix}", $"02{suffix}", $"cafe{suffix}", $"CAFE{suffix.ToUpperInvariant()}"];
        for (var i = 0; i < keys.Length; i++)
            await cluster.Client.GetGrain<ICounterGrain>(keys[i]).Add(i + 1);

        for (var i = 0; i < keys.Length; i++)
        {
            var grain = cluster.Client.GetGrain<ICounterGrain>(keys[i]);
            await cluster.DeactivateAsync(grain);
            Assert.Equal(i + 1, (await grain.Get()).Value);
        }
    }

    [Fact]
    public async Task Grain_storage_and_the_event_journal_share_one_file()
    {
        var note = Ids.New("note");
        await cluster.Client.GetGrain<INoteGrain>(note).Raise(new NoteAdded("hello"));
        var counter = cluster.Client.GetGrain<ICounterGrain>(Ids.New("counter"));
        await counter.Add(1);

        var tables = cluster.File.Tables();
        Assert.Contains("events", tables);
        Assert.Contains("snapshots", tables);
        Assert.Contains("grain_snapshots", tables);
        Assert.Contains("OrleansStorage", tables);
        Assert.Contains("OrleansQuery", tables);
        Assert.Equal("wal", cluster.File.JournalMode());
        Assert.Equal(1, new JournalFile(cluster.DatabasePath).Count(note));
        Assert.NotNull(cluster.File.Row("state", counter.GetGrainId()));
        Assert.Equal(new[] { "ClearStorageKey", "DeleteStorageKey", "ReadFromStorageKey", "WriteToStorageKey" }, cluster.File.Queries().Keys.Order());
    }

    [Fact]
    public async Task A_write_waits_while_another_connection_holds_the_write_lock()
    {
        var grain = cluster.Client.GetGrain<ICounterGrain>(Ids.New("counter"));
        await grain.Add(1);
        var hold = TimeSpan.FromMilliseconds(1500);

        Task<CounterView> write;
        using (cluster.File.HoldWriteLock())
        {
            write = grain.Add(1);
            await Task.Delay(hold);
            Assert.False(write.IsCompleted); // waiting for the lock, not failed with SQLITE_BUSY
        }

        var written = await write;
        Assert.Equal((2, "2"), (written.Value, written.ETag));
        Assert.Equal(2, cluster.File.Row("state", grain.GetGrainId())!.Version);
    }

    [Fact]
    public async Task The_script_runs_again_without_touching_stored_state()
    {
        var counter = cluster.Client.GetGrain<ICounterGrain>(Ids.New("counter"));
        await counter.Add(8);
        var rows = cluster.File.Rows();
        var queries = cluster.File.Queries();
        var events = cluster.File.Count("events");

        SqliteGrainStorageSiloBuilderExtensions.InstallSchema(SqliteGrainStorageSiloBuilderExtensions.ConnectionString(cluster.DatabasePath), NullLogger.Instance);
        SqliteGrainStorageSiloBuilderExtensions.InstallSchema(SqliteGrainStorageSiloBuilderExtensions.ConnectionString(cluster.DatabasePath), NullLogger.Instance);

        Assert.Equal(rows, cluster.File.Rows());
        Assert.Equal(queries, cluster.File.Queries());
        Assert.Equal(events, cluster.File.Count("events"));
        Assert.Equal(9, (await counter.Add(1)).Value);
    }

    [Fact]
    public void The_storage_key_is_the_state_name_and_the_whole_grain_id()
    {
        var id = GrainId.Create("counter", "a@b`c%");
        Assert.Equal("state@counter/a%40b%60c%25", SqliteGrainStorageSiloBuilderExtensions.StorageKey("state", id));
        Assert.NotEqual(
            SqliteGrainStorageSiloBuilderExtensions.StorageKey("s@counter/x", GrainId.Create("y", "z")),
            SqliteGrainStorageSiloBuilderExtensions.StorageKey("s", GrainId.Create("counter", "x@y/z")));
    }
}

[Collection(GrainStorageRestartCollection.Name)]
public sealed class GrainStorageRestartTests(GrainStorageRestartCluster cluster)
{
    [Fact]
    public async Task State_survives_a_full_cluster_restart_on_the_same_file()
    {
        var key = Ids.New("counter");
        await cluster.Client.GetGrain<ICounterGrain>(key).Add(3);
        await cluster.Client.GetGrain<ICounterGrain>(key).Add(4);
        var rowBefore = cluster.File.Row("state", cluster.Client.GetGrain<ICounterGrain>(key).GetGrainId());
        var cleared = Ids.New("cleared");
        await cluster.Client.GetGrain<ICounterGrain>(cleared).Add(1);
        await cluster.Client.GetGrain<ICounterGrain>(cleared).Clear();

        await cluster.RestartAsync();

        var read = await cluster.Client.GetGrain<ICounterGrain>(key).Get();
        Assert.Equal((7, "2", true), (read.Value, read.ETag, read.RecordExists));
        Assert.Equal(rowBefore, cluster.File.Row("state", cluster.Client.GetGrain<ICounterGrain>(key).GetGrainId()));
        var next = await cluster.Client.GetGrain<ICounterGrain>(key).Add(7);
        Assert.Equal((14, "3"), (next.Value, next.ETag));
        var afterClear = await cluster.Client.GetGrain<ICounterGrain>(cleared).Get();
        Assert.Equal((0, false, "2"), (afterClear.Value, afterClear.RecordExists, afterClear.ETag));
    }
}
