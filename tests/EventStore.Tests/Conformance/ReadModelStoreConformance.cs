using System.Text;
using System.Text.Json;
using EventStore.Journal;
using EventStore.Projections;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Conformance;

/// <summary>
/// What every backend's read-model store must do, written once and run on each: generations and their
/// checkpoints, commits that write all or nothing and are fenced by the checkpoint, loads by key, queries by
/// condition and order with byte-order text, and rebuilds that drop the generation they replace.
/// </summary>
public abstract class ReadModelStoreConformance : IAsyncLifetime
{
    private const string Projection = "things";

    private static readonly RecordTable<Item> Items = new RecordTable<Item>("items")
        .WithText("owner", i => i.Owner)
        .WithInteger("size", i => i.Size)
        .WithText("tag", i => i.Tag);

    private static readonly RecordTable<Item> Extras = new RecordTable<Item>("extras").WithInteger("size", i => i.Size);

    private static readonly ProjectionGeneration First = new(Projection, 1, ShapeVersion: 1, Checkpoint: 0, IsActive: true);

    private IReadModelKit? _kit;

    /// <summary>A fresh database with a started journal, and read-model stores on it.</summary>
    private protected abstract Task<IReadModelKit> CreateKitAsync();

    private IReadModelStore Store => (_kit ?? throw new InvalidOperationException("No kit yet.")).Store;

    private static TableRef ItemsOf(ProjectionGeneration generation) => new(generation.TableOf(Items), Items);

    public async Task InitializeAsync() => _kit = await CreateKitAsync();

    public async Task DisposeAsync()
    {
        if (_kit is not null) await _kit.DisposeAsync();
    }

    [Fact]
    public async Task Committed_records_load_by_key_and_query_back_and_the_checkpoint_moves_with_them()
    {
        await Store.CreateGenerationAsync(First, [Items]);
        await Store.CommitAsync(First, 0, 5, [Put("k1", "ada", 10), Put("k2", "bob", 20), Put("k3", "ada", null, "red")]);

        var loaded = await Store.LoadAsync(ItemsOf(First), ["k1", "k3", "missing"]);
        Assert.Equal(["k1", "k3"], loaded.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new Item("k3", "ada", null, "red"), Read(loaded["k3"]));
        Assert.Equal(["k1", "k2", "k3"], await Keys(RecordQuery.All));
        Assert.Equal((5L, true, 1), Single(await Store.LoadGenerationsAsync(Projection)));

        await Store.CommitAsync(First, 5, 9, [Put("k1", "carl", 11), Delete("k2")]);

        Assert.Equal(new Item("k1", "carl", 11, null), Read((await Store.LoadAsync(ItemsOf(First), ["k1"]))["k1"]));
        Assert.Equal(["k1", "k3"], await Keys(RecordQuery.All));
        Assert.Equal(["k1"], await Keys(RecordQuery.All.Where("owner", "carl")));
        Assert.Equal((9L, true, 1), Single(await Store.LoadGenerationsAsync(Projection)));
    }

    [Fact]
    public async Task A_commit_without_changes_still_moves_the_checkpoint()
    {
        await Store.CreateGenerationAsync(First, [Items]);

        await Store.CommitAsync(First, 0, 42, []);

        Assert.Equal(42, Assert.Single(await Store.LoadGenerationsAsync(Projection)).Checkpoint);
    }

    [Fact]
    public async Task A_commit_from_a_stale_checkpoint_is_fenced_and_writes_nothing()
    {
        await Store.CreateGenerationAsync(First, [Items]);
        await Store.CommitAsync(First, 0, 5, [Put("k1", "ada", 1)]);

        await Assert.ThrowsAsync<ProjectionFencedException>(() => Store.CommitAsync(First, 0, 7, [Put("k1", "late", 2), Put("k2", "late", 2), Delete("k1")]));

        Assert.Equal(["k1"], await Keys(RecordQuery.All));
        Assert.Equal(new Item("k1", "ada", 1, null), Read((await Store.LoadAsync(ItemsOf(First), ["k1"]))["k1"]));
        Assert.Equal(5, Assert.Single(await Store.LoadGenerationsAsync(Projection)).Checkpoint);
    }

    [Fact]
    public async Task A_commit_that_fails_part_way_leaves_no_record_and_the_checkpoint_where_it_was()
    {
        await Store.CreateGenerationAsync(First, [Items]);
        await Store.CommitAsync(First, 0, 5, [Put("kept", "ada", 1)]);
        // The second table was never created in this generation: the database refuses its write after the first table's.
        var intoMissingTable = new RecordChange(Extras, "x", Json(new Item("x", "ada", 1, null)), [1L]);

        await Assert.ThrowsAnyAsync<Exception>(() => Store.CommitAsync(First, 5, 9, [Put("new", "ada", 2), Delete("kept"), intoMissingTable]));

        Assert.Equal(["kept"], await Keys(RecordQuery.All));
        Assert.Equal(5, Assert.Single(await Store.LoadGenerationsAsync(Projection)).Checkpoint);
    }

    [Fact]
    public async Task A_column_value_of_the_wrong_kind_is_refused_and_nothing_is_written()
    {
        await Store.CreateGenerationAsync(First, [Items]);
        var wrongKind = new RecordChange(Items, "bad", Json(new Item("bad", "ada", 1, null)), ["ada", "not a number", null]);

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(First, 0, 5, [Put("good", "ada", 1), wrongKind]));

        Assert.Contains("'size'", refused.Message);
        Assert.Empty(await Keys(RecordQuery.All));
        Assert.Equal(0, Assert.Single(await Store.LoadGenerationsAsync(Projection)).Checkpoint);
    }

    [Fact]
    public async Task Key_order_pages_with_after_return_every_record_once_in_order()
    {
        await Store.CreateGenerationAsync(First, [Items]);
        var keys = Enumerable.Range(0, 25).Select(i => $"key-{i:D3}").ToList();
        await Store.CommitAsync(First, 0, 1, keys.AsEnumerable().Reverse().Select(k => Put(k, "ada", 1)).ToList());

        var pages = new List<IReadOnlyList<string>>();
        string? after = null;
        do
        {
            pages.Add(await Keys(RecordQuery.All.Page(after, 10)));
            after = pages[^1].Count == 10 ? pages[^1][^1] : null;
        }
        while (after is not null);

        Assert.Equal([10, 10, 5], pages.Select(p => p.Count));
        Assert.Equal(keys, pages.SelectMany(p => p));
        Assert.Empty(await Keys(RecordQuery.All.Page(keys[^1], 10)));
        Assert.Equal(["key-021", "key-022"], await Keys(RecordQuery.All.Where("owner", "ada").Page("key-020", 2)));
    }

    [Fact]
    public async Task Conditions_select_equal_less_and_greater_values_of_text_and_integer_columns()
    {
        await Store.CreateGenerationAsync(First, [Items]);
        await Store.CommitAsync(First, 0, 1,
            [Put("a", "ada", 5), Put("b", "bob", 10), Put("c", "ada", 15), Put("d", "Ada", 20), Put("e", "carl", null)]);

        Assert.Equal(["a", "c"], await Keys(RecordQuery.All.Where("owner", "ada")));
        Assert.Equal(["a", "b"], await Keys(RecordQuery.All.Where("size", Comparison.Less, 15L)));
        Assert.Equal(["c", "d"], await Keys(RecordQuery.All.Where("size", Comparison.Greater, 10L)));
        Assert.Equal(["c"], await Keys(RecordQuery.All.Where("owner", "ada").Where("size", Comparison.Greater, 5L)));
        Assert.Equal(["b", "e"], await Keys(RecordQuery.All.Where("owner", Comparison.Greater, "ada")));
        Assert.Equal(["d"], await Keys(RecordQuery.All.Where("owner", Comparison.Less, "ada")));
        Assert.Empty(await Keys(RecordQuery.All.Where("size", 99L)));
    }

    [Fact]
    public async Task Ordering_by_an_integer_column_breaks_ties_by_key_in_the_same_direction_and_puts_missing_values_last_when_descending()
    {
        await Store.CreateGenerationAsync(First, [Items]);
        await Store.CommitAsync(First, 0, 1,
            [Put("m", "x", 2), Put("z", "x", 7), Put("n", "x", null), Put("a", "x", 2), Put("q", "x", 7), Put("b", "x", 1)]);

        Assert.Equal(["z", "q", "m", "a", "b", "n"], await Keys(RecordQuery.All.Ordered("size", descending: true)));
        Assert.Equal(["n", "b", "a", "m", "q", "z"], await Keys(RecordQuery.All.Ordered("size", descending: false)));
        Assert.Equal(["z", "q", "m"], await Keys(RecordQuery.All.Ordered("size", descending: true).Page(null, 3)));
    }

    [Fact]
    public async Task Keys_and_text_columns_order_by_the_bytes_of_their_utf8_on_every_backend()
    {
        string[] texts = ["b", "B", "a", "A", "é", "É", "z", "Z", "ä", "日本", "𝄞", "\uFF21", "a b", "ab", "_", "1"];
        var byBytes = texts.Order(Utf8ByteOrder.Instance).ToList();
        await Store.CreateGenerationAsync(First, [Items]);
        await Store.CommitAsync(First, 0, 1, texts.Select((t, i) => Put(t, t, i)).ToList());

        Assert.Equal(byBytes, await Keys(RecordQuery.All));
        Assert.Equal(byBytes, await Keys(RecordQuery.All.Ordered("owner", descending: false)));
        Assert.Equal(byBytes.AsEnumerable().Reverse(), await Keys(RecordQuery.All.Ordered("owner", descending: true)));
        Assert.Equal(byBytes.Skip(5).Take(4), await Keys(RecordQuery.All.Page(byBytes[4], 4)));
        Assert.Equal(byBytes.SkipWhile(t => t != "a").Skip(1), await Keys(RecordQuery.All.Where("owner", Comparison.Greater, "a")));
        Assert.Equal(["é"], await Keys(RecordQuery.All.Where("owner", "é")));
    }

    [Fact]
    public async Task Five_thousand_records_commit_at_once_and_load_with_one_call()
    {
        await Store.CreateGenerationAsync(First, [Items]);
        var keys = Enumerable.Range(0, 5_000).Select(i => $"record-{i}").ToList();
        await Store.CommitAsync(First, 0, 1, keys.Select(k => Put(k, "ada", k.Length)).ToList());

        var loaded = await Store.LoadAsync(ItemsOf(First), [.. keys, "missing-1", "missing-2"]);

        Assert.Equal(5_000, loaded.Count);
        Assert.Equal(new Item("record-4999", "ada", 11, null), Read(loaded["record-4999"]));
    }

    [Fact]
    public async Task Activating_a_generation_drops_the_others_with_all_their_tables()
    {
        await Store.CreateGenerationAsync(First, [Items, Extras]);
        await Store.CommitAsync(First, 0, 5, [Put("old", "ada", 1)]);
        var second = First with { Number = 2, ShapeVersion = 2, IsActive = false };
        await Store.CreateGenerationAsync(second, [Items]);
        await Store.CommitAsync(second, 0, 5, [Put("new", "ada", 1)]);

        await Store.ActivateAsync(second, [Items]);

        var generation = Assert.Single(await Store.LoadGenerationsAsync(Projection));
        Assert.Equal((2, 2, 5L, true), (generation.Number, generation.ShapeVersion, generation.Checkpoint, generation.IsActive));
        Assert.Equal(["new"], await Keys(RecordQuery.All, second));
        await Assert.ThrowsAsync<ReadModelTableMissingException>(() => Store.QueryAsync(ItemsOf(First), RecordQuery.All));
        await Assert.ThrowsAsync<ReadModelTableMissingException>(() => Store.LoadAsync(ItemsOf(First), ["old"]));
        // The old shape's table that the new shape no longer declares goes too: the catalog remembers what each generation made.
        await Assert.ThrowsAsync<ReadModelTableMissingException>(() => Store.QueryAsync(new TableRef(First.TableOf(Extras), Extras), RecordQuery.All));
    }

    [Fact]
    public async Task Activating_a_generation_that_does_not_exist_is_refused_and_drops_nothing()
    {
        await Store.CreateGenerationAsync(First, [Items]);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.ActivateAsync(First with { Number = 7 }, [Items]));

        Assert.Equal(1, Assert.Single(await Store.LoadGenerationsAsync(Projection)).Number);
        Assert.Empty(await Keys(RecordQuery.All));
    }

    [Fact]
    public async Task A_dropped_generation_leaves_the_catalog_and_its_tables_are_gone()
    {
        await Store.CreateGenerationAsync(First, [Items]);
        var second = First with { Number = 2, IsActive = false };
        await Store.CreateGenerationAsync(second, [Items]);

        await Store.DropAsync(second, [Items]);

        Assert.Equal([1], (await Store.LoadGenerationsAsync(Projection)).Select(g => g.Number));
        await Assert.ThrowsAsync<ReadModelTableMissingException>(() => Store.QueryAsync(ItemsOf(second), RecordQuery.All));
        Assert.Empty(await Keys(RecordQuery.All));
    }

    [Fact]
    public async Task Another_silos_store_sees_the_committed_records_and_is_fenced_by_the_moved_checkpoint()
    {
        var other = _kit!.OpenAnother();
        await Store.CreateGenerationAsync(First, [Items]);
        await Store.CommitAsync(First, 0, 5, [Put("k1", "ada", 1)]);

        var seen = Single(await other.LoadGenerationsAsync(Projection));

        Assert.Equal((5L, true, 1), seen);
        Assert.Equal(["k1"], (await other.QueryAsync(ItemsOf(First), RecordQuery.All)).Select(r => r.Key));
        await other.CommitAsync(First, 5, 6, [Put("k2", "bob", 2)]);
        await Assert.ThrowsAsync<ProjectionFencedException>(() => Store.CommitAsync(First, 5, 6, [Put("k3", "carl", 3)]));
        Assert.Equal(["k1", "k2"], await Keys(RecordQuery.All));
    }

    [Fact]
    public async Task Two_silos_creating_the_same_generation_at_once_both_succeed_and_make_it_once()
    {
        var other = _kit!.OpenAnother();
        for (var number = 1; number <= 5; number++)
        {
            var generation = First with { Number = number };
            await Task.WhenAll(Store.CreateGenerationAsync(generation, [Items, Extras]), other.CreateGenerationAsync(generation, [Items, Extras]));
        }

        Assert.Equal([1, 2, 3, 4, 5], (await Store.LoadGenerationsAsync(Projection)).Select(g => g.Number));
        await Store.CommitAsync(First with { Number = 5 }, 0, 1, [Put("k", "ada", 1)]);
        Assert.Equal(["k"], await Keys(RecordQuery.All, First with { Number = 5 }));
    }

    [Fact]
    public async Task A_commit_beside_the_journal_writers_open_transaction_waits_for_it_and_both_commit()
    {
        await Store.CreateGenerationAsync(First, [Items]);
        using var writer = _kit!.OpenJournalWriter();
        writer.Begin();
        writer.Append(TempJournal.NoteAppend("stream", 0, "held-event"));

        var commit = Store.CommitAsync(First, 0, 1, [Put("k1", "ada", 1)]);
        writer.Commit();
        await commit;

        Assert.Equal(["k1"], await Keys(RecordQuery.All));
        Assert.NotNull(await _kit.Journal.Reader.FindEventAsync("held-event"));
    }

    [Fact]
    public async Task Names_that_are_not_plain_identifiers_or_too_long_are_refused_before_anything_is_made()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateGenerationAsync(First with { Projection = "Things; DROP TABLE events" }, [Items]));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateGenerationAsync(First with { Projection = new string('p', 30) }, [new RecordTable<Item>(new string('t', 30))]));

        Assert.Empty(await Store.LoadGenerationsAsync(First.Projection));
    }

    private Task<IReadOnlyList<string>> Keys(RecordQuery query) => Keys(query, First);

    private async Task<IReadOnlyList<string>> Keys(RecordQuery query, ProjectionGeneration generation) =>
        (await Store.QueryAsync(ItemsOf(generation), query)).Select(r => r.Key).ToList();

    private static (long Checkpoint, bool IsActive, int Number) Single(IReadOnlyList<ProjectionGeneration> generations)
    {
        var generation = Assert.Single(generations);
        return (generation.Checkpoint, generation.IsActive, generation.Number);
    }

    private static RecordChange Put(string key, string owner, long? size, string? tag = null)
    {
        var item = new Item(key, owner, size, tag);
        return new RecordChange(Items, key, Json(item), Items.ColumnValues(item));
    }

    private static RecordChange Delete(string key) => new(Items, key, null, null);

    private static string Json(Item item) => JsonSerializer.Serialize(item);

    private static Item Read(string json) => JsonSerializer.Deserialize<Item>(json)!;

    /// <summary>A record of the test tables.</summary>
    public sealed record Item(string Id, string Owner, long? Size, string? Tag);

    /// <summary>Byte order of UTF-8: what SQLite's BINARY and PostgreSQL's "C" collation compare (unlike .NET's ordinal, by UTF-16 units, past U+FFFF).</summary>
    private sealed class Utf8ByteOrder : IComparer<string>
    {
        public static readonly Utf8ByteOrder Instance = new();

        public int Compare(string? x, string? y) => Encoding.UTF8.GetBytes(x!).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y!));
    }
}

/// <summary>What <see cref="ReadModelStoreConformance"/> needs of a backend: a fresh database with a started journal, and read-model stores on it.</summary>
internal interface IReadModelKit : IAsyncDisposable
{
    /// <summary>The store under test.</summary>
    IReadModelStore Store { get; }

    /// <summary>Another store on the same database, from a backend of its own: a second silo's.</summary>
    IReadModelStore OpenAnother();

    /// <summary>The started journal on the database.</summary>
    EventJournal Journal { get; }

    /// <summary>A journal writer's transaction side of its own, driven by hand (a write transaction held open at will).</summary>
    IJournalBatchStore OpenJournalWriter();
}

/// <summary>The read-model store conformance suite on SQLite.</summary>
public sealed class ReadModelStoreConformance_Sqlite : ReadModelStoreConformance
{
    private protected override Task<IReadModelKit> CreateKitAsync() => Task.FromResult<IReadModelKit>(new SqliteReadModelKit());

    private sealed class SqliteReadModelKit : IReadModelKit
    {
        private readonly TempJournal _temp = new();

        public SqliteReadModelKit() => Store = _temp.OpenReadModelStore();

        public IReadModelStore Store { get; }

        public IReadModelStore OpenAnother() => _temp.OpenReadModelStore();

        public EventJournal Journal => _temp.Journal;

        public IJournalBatchStore OpenJournalWriter() => _temp.OpenBatchStore();

        public ValueTask DisposeAsync()
        {
            _temp.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>
/// The read-model store conformance suite on PostgreSQL, in a database whose default collation is linguistic
/// (ICU English: "a" &lt; "A" &lt; "b"), so that only the store's own byte-order collation can pass the ordering test.
/// </summary>
public sealed class ReadModelStoreConformance_Postgres : ReadModelStoreConformance
{
    private protected override async Task<IReadModelKit> CreateKitAsync() =>
        new PostgresReadModelKit(await TempPostgresJournal.CreateAsync(databaseOptions: "LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'"));

    private sealed class PostgresReadModelKit(TempPostgresJournal temp) : IReadModelKit
    {
        public IReadModelStore Store { get; } = temp.OpenReadModelStore();

        public IReadModelStore OpenAnother() => temp.OpenReadModelStore();

        public EventJournal Journal => temp.Journal;

        public IJournalBatchStore OpenJournalWriter() => temp.OpenBatchStore();

        public ValueTask DisposeAsync() => temp.DisposeAsync();
    }
}
