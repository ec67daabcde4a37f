using EventStore.Errors;
using EventStore.Journal;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using Xunit.Abstractions;
using static EventStore.Tests.Store.StoreTestKit;

namespace EventStore.Tests.Store;

/// <summary>
/// A cluster of its own holding exactly 100,000 notes in 100 aggregates of 1,000, appended once through
/// the store (1,000 events per append) by the first test that needs them. Its tests only read.
/// </summary>
public class StoreLoadCluster : JournalCluster
{
    public const int AggregateCount = 100;
    public const int EventsPerAggregate = 1_000;
    public const int TotalEvents = AggregateCount * EventsPerAggregate;

    /// <summary>Note text: long enough that holding every replayed event at once would take far more memory than the bound.</summary>
    public const int TextLength = 300;

    private readonly Lazy<Task> _seeding;

    public StoreLoadCluster() => _seeding = new Lazy<Task>(SeedAsync);

    /// <summary>The aggregate type of every event of this journal.</summary>
    public string Kind { get; } = Ids.New("bulk");

    /// <summary>The stats read before the first append: those of an empty journal.</summary>
    public EventStoreStats? EmptyStats { get; private set; }

    public string AggregateId(int index) => $"{Kind}-{index:D3}";

    /// <summary>Appends the 100,000 events, once.</summary>
    public Task EnsureSeededAsync() => _seeding.Value;

    private async Task SeedAsync()
    {
        var store = Client.GetEventStore();
        EmptyStats = await store.GetStats();
        await Parallel.ForEachAsync(Enumerable.Range(0, AggregateCount), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var text = $"{i:D3}:" + new string((char)('a' + i % 26), TextLength - 4);
            await store.Append(AggregateId(i), Kind, Enumerable.Range(0, EventsPerAggregate).Select(_ => Note(text)).ToList(), expectedVersion: 0);
        });
    }
}

/// <summary>Runs alone (no other collection in parallel), so that the managed heap measured by the replay test is its own.</summary>
/// <summary>A <see cref="StoreLoadCluster"/> on PostgreSQL.</summary>
public sealed class PostgresStoreLoadCluster : StoreLoadCluster
{
    /// <inheritdoc />
    public override JournalProvider Provider => JournalProvider.Postgres;
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StoreLoadCollection : ICollectionFixture<StoreLoadCluster>
{
    public const string Name = "store-load";
}

/// <summary>Runs alone too, for the same reason.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresStoreLoadCollection : ICollectionFixture<PostgresStoreLoadCluster>
{
    public const string Name = "store-load-postgres";
}

public abstract class StoreLoadTests(StoreLoadCluster cluster, ITestOutputHelper output)
{
    private const long MemoryBound = 30 * 1024 * 1024;

    private IEventStoreGrain Store => cluster.Client.GetEventStore();

    [Fact]
    public async Task A_replay_of_100000_events_streams_them_all_in_position_order_with_bounded_memory()
    {
        await cluster.EnsureSeededAsync();
        var store = Store;

        // What holding events costs: the growth of the heap while ten pages of 1,000 are kept. Ten pages, so that
        // memory other work in this process frees meanwhile cannot hide it (one page once measured negative).
        var beforePages = GC.GetTotalMemory(forceFullCollection: true);
        var pages = new List<EventPage>();
        for (var i = 0; i < 10; i++) pages.Add(await store.ReadAll(i * 1_000L, 1_000));
        var onePage = (GC.GetTotalMemory(forceFullCollection: true) - beforePages) / pages.Count;
        Assert.All(pages, p => Assert.Equal(1_000, p.Events.Count));
        pages.Clear();
        var holdingAll = onePage * (StoreLoadCluster.TotalEvents / 1_000);
        Assert.True(holdingAll > 2 * MemoryBound, $"holding all 100,000 events would take only ~{holdingAll / 1024 / 1024} MB: the bound proves nothing");

        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var growth = new List<long>();
        var (count, last, ofKind) = (0L, 0L, 0L);
        await foreach (var e in store.Replay(pageSize: 1_000))
        {
            if (e.Position <= last) Assert.Fail($"position {e.Position} follows {last}");
            last = e.Position;
            count++;
            if (e.AggregateType == cluster.Kind) ofKind++;
            if (count % 10_000 == 0) growth.Add(GC.GetTotalMemory(forceFullCollection: true) - baseline);
        }

        output.WriteLine($"one page of 1,000 held: {onePage / 1024} KB; heap growth every 10,000 events: {string.Join(", ", growth.Select(g => $"{g / 1024} KB"))}");
        Assert.Equal(StoreLoadCluster.TotalEvents, count);
        Assert.Equal(StoreLoadCluster.TotalEvents, ofKind);
        Assert.Equal(cluster.MaxPosition(), last);
        Assert.Equal(10, growth.Count);
        Assert.All(growth, g => Assert.True(g < MemoryBound,
            $"the heap grew by {g / 1024 / 1024} MB during the replay (samples: {string.Join(", ", growth.Select(x => x / 1024 / 1024))} MB); holding every event would take ~{holdingAll / 1024 / 1024} MB"));
    }

    [Fact]
    public async Task Stats_of_the_bulk_journal_count_exactly_what_was_appended()
    {
        await cluster.EnsureSeededAsync();

        var stats = await Store.GetStats();

        var empty = cluster.EmptyStats!;
        Assert.Equal((0L, 0L, 0L, 0L, (long?)null, (long?)null), (empty.TotalEvents, empty.AggregateCount, empty.SnapshotCount, empty.HeadPosition, empty.OldestTimestamp, empty.NewestTimestamp));
        Assert.Empty(empty.EventsByType);
        Assert.Empty(empty.EventsByAggregateType);
        Assert.Equal((long)StoreLoadCluster.TotalEvents, stats.TotalEvents);
        Assert.Equal(StoreLoadCluster.AggregateCount, stats.AggregateCount);
        Assert.Equal(StoreLoadCluster.TotalEvents, Assert.Single(stats.EventsByType, kv => kv.Key == NoteType).Value);
        Assert.Equal(StoreLoadCluster.TotalEvents, Assert.Single(stats.EventsByAggregateType, kv => kv.Key == cluster.Kind).Value);
        Assert.Single(stats.EventsByType);
        Assert.Single(stats.EventsByAggregateType);
        Assert.Equal(0, stats.SnapshotCount);
        Assert.Equal(cluster.MaxPosition(), stats.HeadPosition);
        Assert.Equal(cluster.Journal.Long("SELECT MIN(timestamp) FROM events"), stats.OldestTimestamp);
        Assert.Equal(cluster.Journal.Long("SELECT MAX(timestamp) FROM events"), stats.NewestTimestamp);
        Assert.True(stats.JournalSizeBytes > (long)StoreLoadCluster.TotalEvents * StoreLoadCluster.TextLength, $"{stats.JournalSizeBytes} bytes for 100,000 payloads of {StoreLoadCluster.TextLength} characters");
    }

    [Fact]
    public async Task A_query_without_a_limit_that_matches_more_than_10000_events_is_refused_but_exactly_10000_is_not()
    {
        await cluster.EnsureSeededAsync();

        var error = await Assert.ThrowsAsync<InvalidCommandException>(() => Store.Query(new EventFilter { AggregateTypes = [cluster.Kind] }));
        var exactlyMax = await Store.Query(new EventFilter { AggregateIds = Enumerable.Range(0, 10).Select(cluster.AggregateId).ToList() });
        var limited = await Store.Query(new EventFilter { AggregateTypes = [cluster.Kind], Limit = 10_000, Offset = 90_000 });
        var offsetAlone = await Store.Query(new EventFilter { AggregateTypes = [cluster.Kind], Offset = 95_000 });

        Assert.Equal("Limit", error.Argument);
        Assert.Contains("10000", error.Message);
        Assert.Equal(10_000, exactlyMax.Count);
        Assert.Equal(10_000, limited.Count);
        Assert.Equal(cluster.MaxPosition(), limited[^1].Position);
        Assert.Equal(5_000, offsetAlone.Count);
        Assert.Equal(limited.Skip(5_000).Keys(), offsetAlone.Keys());
    }
}

[Collection(StoreLoadCollection.Name)]
public sealed class StoreLoadTests_Sqlite(StoreLoadCluster cluster, ITestOutputHelper output) : StoreLoadTests(cluster, output);

[Collection(PostgresStoreLoadCollection.Name)]
public sealed class StoreLoadTests_Postgres(PostgresStoreLoadCluster cluster, ITestOutputHelper output) : StoreLoadTests(cluster, output);
