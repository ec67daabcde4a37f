using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Journal;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;
using static EventStore.Tests.Store.StoreTestKit;

namespace EventStore.Tests.Store;

/// <summary>A cluster of its own (these tests restart it), whose grains snapshot themselves every 3 events.</summary>
public class StatsCounterCluster : JournalCluster
{
    /// <inheritdoc />
    protected override void ConfigureJournal(JournalOptions options) => options.SnapshotInterval = 3;
}

/// <summary>A <see cref="StatsCounterCluster"/> on PostgreSQL.</summary>
public sealed class PostgresStatsCounterCluster : StatsCounterCluster
{
    /// <inheritdoc />
    public override JournalProvider Provider => JournalProvider.Postgres;
}

[CollectionDefinition(Name)]
public sealed class StatsCounterCollection : ICollectionFixture<StatsCounterCluster>
{
    public const string Name = "stats-counters";
}

[CollectionDefinition(Name)]
public sealed class PostgresStatsCounterCollection : ICollectionFixture<PostgresStatsCounterCluster>
{
    public const string Name = "stats-counters-postgres";
}

/// <summary>
/// The stats come from counters the writer keeps in each batch's transaction: whatever writes reach the journal (at
/// once, refused, retried, across a restart, or already there in a journal of the previous schema), they equal what
/// plain SQL counts in the journal's tables.
/// </summary>
public abstract class StatsCounterTests(StatsCounterCluster cluster)
{
    private IEventStoreGrain Store => cluster.Client.GetEventStore();

    [Fact]
    public async Task Stats_equal_a_full_count_after_concurrent_grain_and_store_writes_with_conflicts_retries_and_snapshots()
    {
        var kind = Kind();
        await Workload(cluster.Client, kind);

        var stats = await AssertStatsEqualFullCount(cluster);
        Assert.True(stats.EventsByAggregateType[kind] > 0);
        Assert.True(stats.SnapshotCount > 0 && stats.AggregateSnapshotCount > 0, "the workload saved snapshots of both kinds");
    }

    [Fact]
    public async Task Stats_equal_a_full_count_after_a_restart_of_the_cluster_and_writes_after_it()
    {
        await Workload(cluster.Client, Kind());
        await AssertStatsEqualFullCount(cluster);

        await cluster.RestartAsync();

        await AssertStatsEqualFullCount(cluster); // grains snapshot themselves as they deactivate on the way down
        await Workload(cluster.Client, Kind());
        await AssertStatsEqualFullCount(cluster);
    }

    [Fact]
    public async Task A_journal_of_the_previous_schema_with_rows_opens_with_stats_equal_to_a_full_count()
    {
        var upgraded = new PreviousSchemaCluster(cluster.Provider, LayDownPreviousSchema);
        await upgraded.InitializeAsync();
        try
        {
            var stats = await AssertStatsEqualFullCount(upgraded);
            Assert.Equal((6L, 3L, 100L, 900L, 2L, 1L, 6L), (stats.TotalEvents, stats.AggregateCount, stats.OldestTimestamp, stats.NewestTimestamp,
                stats.SnapshotCount, stats.AggregateSnapshotCount, stats.HeadPosition));
            Assert.Equal(new Dictionary<string, long> { [NoteType] = 4, ["test:other"] = 2 }, stats.EventsByType);
            Assert.Equal(new Dictionary<string, long> { ["ledger"] = 5, ["audit"] = 1 }, stats.EventsByAggregateType);

            // Written after the upgrade: counted on top of what the upgrade counted.
            var store = upgraded.Client.GetEventStore();
            await store.Append("old-1", "ledger", [Note("new", timestamp: 50)], expectedVersion: 3);
            await store.Append("new-1", "ledger", [Note("new", timestamp: 2_000)], expectedVersion: 0);
            await store.SaveSnapshot(new Snapshot("old-1", "ledger", 4, "replaced", 1));
            await store.SaveSnapshot(new Snapshot("new-1", "ledger", 1, "inserted", 1));
            stats = await AssertStatsEqualFullCount(upgraded);
            Assert.Equal((8L, 4L, 50L, 2_000L, 3L), (stats.TotalEvents, stats.AggregateCount, stats.OldestTimestamp, stats.NewestTimestamp, stats.SnapshotCount));
        }
        finally
        {
            await upgraded.DisposeAsync();
        }
    }

    /// <summary>
    /// Lays down the previous schema (3) by plain SQL, with six events of three aggregates (timestamps out of order, as
    /// client-given ones may be), two store snapshots and one grain snapshot; positions 1 to 6.
    /// </summary>
    protected abstract void LayDownPreviousSchema(JournalCluster target);

    /// <summary>The rows every previous-schema journal of these tests holds, in the SQL both backends read alike.</summary>
    protected const string PreviousSchemaRows = """
        INSERT INTO events (position, id, type, aggregate_id, aggregate_type, version, timestamp, source, payload) VALUES
            (1, 'e1', 'test:note',  'old-1', 'ledger', 1, 500, 'test', '{"text":"1"}'),
            (2, 'e2', 'test:note',  'old-1', 'ledger', 2, 100, 'test', '{"text":"2"}'),
            (3, 'e3', 'test:other', 'old-2', 'ledger', 1, 900, 'test', '{"text":"3"}'),
            (4, 'e4', 'test:note',  'old-1', 'ledger', 3, 300, 'test', '{"text":"4"}'),
            (5, 'e5', 'test:other', 'old-2', 'ledger', 2, 700, 'test', '{"text":"5"}'),
            (6, 'e6', 'test:note',  'old-3', 'audit',  1, 600, 'test', '{"text":"6"}');
        INSERT INTO snapshots (aggregate_id, aggregate_type, version, state, timestamp) VALUES
            ('old-1', 'ledger', 3, 'old', 1), ('old-2', 'ledger', 2, 'old', 1);
        INSERT INTO grain_snapshots (aggregate_id, aggregate_type, version, state, timestamp) VALUES ('old-3', 'audit', 1, 'old', 1);
        """;

    /// <summary>
    /// Many aggregates written at once: notes through the store by two racing writers per stream (so stale expected
    /// versions are refused), each append retried with the same ids (an idempotent retry adds nothing), a taken id
    /// reused on another stream (refused), store snapshots saved then replaced by newer ones (once a ledger's writers are done), and memory grains storing
    /// entries concurrently (snapshotting themselves every 3 events).
    /// </summary>
    private static async Task Workload(IClusterClient client, string kind)
    {
        var store = client.GetEventStore();
        var ledgers = Enumerable.Range(0, 6).Select(_ => Ids.New("ledger")).ToList();
        var refusals = 0;

        async Task Writer(string ledger, int writer)
        {
            for (var i = 0; i < 4; i++)
            {
                var version = (await store.GetEvents(ledger)).Count;
                var events = new List<NewEvent> { Note($"w{writer} {i}", timestamp: 1_000 + (i * 7919 + writer * 104_729) % 100_000, id: Ids.New("event")), Note(id: Ids.New("event")) };
                try
                {
                    await store.Append(ledger, kind, events, expectedVersion: version);
                    Assert.True((await store.Append(ledger, kind, events)).WasRetry);
                }
                catch (ConcurrencyConflictException)
                {
                    Interlocked.Increment(ref refusals);
                }
            }
        }

        async Task Ledger(string ledger)
        {
            await Task.WhenAll(Writer(ledger, 1), Writer(ledger, 2));
            await store.SaveSnapshot(new Snapshot(ledger, kind, 1, "first", 1));
            await store.SaveSnapshot(new Snapshot(ledger, kind, 2, "replaced", 2));
            await store.SaveSnapshot(new Snapshot(ledger, kind, 2, "replaced again", 3));
        }

        async Task Grain(string ns)
        {
            var memory = client.GetGrain<IMemoryNamespaceGrain>(ns);
            for (var i = 0; i < 7; i++) await memory.Store($"key-{i}", "document", 10 + i);
        }

        async Task TakenId()
        {
            var id = Ids.New("event");
            await store.Append(Ids.New("ledger"), kind, [Note(id: id)]);
            await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.Append(Ids.New("ledger"), kind, [Note("other", id: id)]));
        }

        await Task.WhenAll(ledgers.Select(Ledger)
            .Concat(Enumerable.Range(0, 6).Select(_ => Grain(Ids.New("memory"))))
            .Append(TakenId()));
        Assert.True(refusals > 0, "two writers per stream never raced");
    }

    /// <summary>
    /// Reads the stats between two full counts by plain SQL that agree (a grain may still be saving a snapshot of itself
    /// in the background), and asserts every field but the size equals that count.
    /// </summary>
    private static async Task<EventStoreStats> AssertStatsEqualFullCount(JournalCluster target)
    {
        for (var attempt = 1; ; attempt++)
        {
            var before = FullCount.Of(target.Journal);
            var stats = await target.Client.GetEventStore().GetStats();
            var after = FullCount.Of(target.Journal);
            if (before != after && attempt < 20) continue;
            Assert.Equal(before, after);
            Assert.Equal(before, FullCount.Of(stats));
            return stats;
        }
    }

    /// <summary>The stats' fields (the size aside), counted from the rows; the maps as sorted text so that records compare them.</summary>
    private sealed record FullCount(long Total, long Aggregates, long? Oldest, long? Newest, long Head, string ByType, string ByAggregateType, long Snapshots, long GrainSnapshots)
    {
        public static FullCount Of(EventStoreStats s) =>
            new(s.TotalEvents, s.AggregateCount, s.OldestTimestamp, s.NewestTimestamp, s.HeadPosition, Text(s.EventsByType), Text(s.EventsByAggregateType), s.SnapshotCount, s.AggregateSnapshotCount);

        private static string Text(IEnumerable<KeyValuePair<string, long>> counts) =>
            string.Join(", ", counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

        public static FullCount Of(IJournalRows journal)
        {
            var rows = journal.Rows();
            return new(rows.Count, rows.Select(r => r.AggregateId).Distinct().Count(),
                rows.Count == 0 ? null : rows.Min(r => r.Timestamp), rows.Count == 0 ? null : rows.Max(r => r.Timestamp), journal.MaxPosition(),
                Text(rows.CountBy(r => r.Type).Select(kv => KeyValuePair.Create(kv.Key, (long)kv.Value))),
                Text(rows.CountBy(r => r.AggregateType).Select(kv => KeyValuePair.Create(kv.Key, (long)kv.Value))),
                journal.SnapshotRows(), journal.GrainSnapshotRows());
        }
    }

    /// <summary>A cluster of its own on a journal laid down by <paramref name="prepare"/> before its first silo starts.</summary>
    private sealed class PreviousSchemaCluster(JournalProvider provider, Action<JournalCluster> prepare) : JournalCluster
    {
        public override JournalProvider Provider => provider;

        protected override void Prepare() => prepare(this);
    }
}

[Collection(StatsCounterCollection.Name)]
public sealed class StatsCounterTests_Sqlite(StatsCounterCluster cluster) : StatsCounterTests(cluster)
{
    /// <summary>Schema 3 as SQLite files had it: the tables with <c>events.request</c>, no counters.</summary>
    protected override void LayDownPreviousSchema(JournalCluster target)
    {
        using var connection = new SqliteConnection($"Data Source={target.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            CREATE TABLE events (
                position INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, aggregate_id TEXT NOT NULL,
                aggregate_type TEXT NOT NULL, version INTEGER NOT NULL CHECK (version > 0), timestamp INTEGER NOT NULL, source TEXT NOT NULL,
                payload TEXT NOT NULL, metadata TEXT, causation_id TEXT, correlation_id TEXT, request TEXT, UNIQUE (aggregate_id, version));
            CREATE TABLE snapshots (aggregate_id TEXT PRIMARY KEY, aggregate_type TEXT NOT NULL, version INTEGER NOT NULL, state TEXT NOT NULL, timestamp INTEGER NOT NULL);
            CREATE TABLE grain_snapshots (aggregate_id TEXT PRIMARY KEY, aggregate_type TEXT NOT NULL, version INTEGER NOT NULL, state TEXT NOT NULL, timestamp INTEGER NOT NULL);
            {PreviousSchemaRows}
            PRAGMA user_version = 3;
            """;
        command.ExecuteNonQuery();
    }
}

[Collection(PostgresStatsCounterCollection.Name)]
public sealed class StatsCounterTests_Postgres(PostgresStatsCounterCluster cluster) : StatsCounterTests(cluster)
{
    /// <summary>Schema 3 as PostgreSQL journals had it: the tables with <c>events.request</c>, the head row and the recorded version, no counters.</summary>
    protected override void LayDownPreviousSchema(JournalCluster target)
    {
        using var connection = new NpgsqlConnection(target.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"""
            CREATE TABLE journal_schema (one_row boolean PRIMARY KEY DEFAULT true CHECK (one_row), version integer NOT NULL);
            CREATE TABLE events (
                position bigint PRIMARY KEY, id text NOT NULL UNIQUE, type text NOT NULL, aggregate_id text NOT NULL, aggregate_type text NOT NULL,
                version bigint NOT NULL CHECK (version > 0), timestamp bigint NOT NULL, source text NOT NULL, payload text NOT NULL,
                metadata text, causation_id text, correlation_id text, request text, UNIQUE (aggregate_id, version));
            CREATE TABLE snapshots (aggregate_id text PRIMARY KEY, aggregate_type text NOT NULL, version bigint NOT NULL, state text NOT NULL, timestamp bigint NOT NULL);
            CREATE TABLE grain_snapshots (aggregate_id text PRIMARY KEY, aggregate_type text NOT NULL, version bigint NOT NULL, state text NOT NULL, timestamp bigint NOT NULL);
            CREATE TABLE journal_head (one_row boolean PRIMARY KEY DEFAULT true CHECK (one_row), position bigint NOT NULL);
            {PreviousSchemaRows}
            INSERT INTO journal_head VALUES (true, 6);
            INSERT INTO journal_schema VALUES (true, 3);
            """, connection);
        command.ExecuteNonQuery();
    }
}
