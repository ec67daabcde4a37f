using EventStore.Events;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using static EventStore.Tests.Store.StoreTestKit;

namespace EventStore.Tests.Store;

/// <summary>Queries with a filter: each condition alone, combined, paging with limit and offset, and SQL-looking values as plain data.</summary>
public abstract class StoreQueryTests(JournalCluster cluster)
{
    private IEventStoreGrain Store => cluster.Client.GetEventStore();

    [Fact]
    public async Task A_query_by_aggregate_types_returns_exactly_their_events_in_global_order()
    {
        var (k1, k2, k3) = (Kind(), Kind(), Kind());
        var (a, b, c) = (Ids.New("a"), Ids.New("b"), Ids.New("c"));
        for (var i = 0; i < 3; i++)
        {
            await Store.Append(a, k1, [Note()]);
            await Store.Append(b, k2, Notes(2));
            await Store.Append(c, k3, [Note()]);
        }

        var oneAndThree = await Store.Query(new EventFilter { AggregateTypes = [k1, k3] });
        var two = await Store.Query(new EventFilter { AggregateTypes = [k2] });

        Assert.Equal(cluster.RowsOf(a, c).Keys(), oneAndThree.Keys());
        Assert.Equal(new[] { k1, k3, k1, k3, k1, k3 }, oneAndThree.Select(e => e.AggregateType));
        Assert.Equal(cluster.RowsOf(b).Keys(), two.Keys());
        Assert.Empty(await Store.Query(new EventFilter { AggregateTypes = [Kind()] }));
    }

    [Fact]
    public async Task A_query_by_event_types_returns_only_events_of_those_types()
    {
        var kind = Kind();
        var (a, b) = (Ids.New("a"), Ids.New("b"));
        var milestone = SampleEvents.All.OfType<SwarmMilestoneReached>().Single();
        var phase = SampleEvents.All.OfType<SwarmPhaseChanged>().Single();
        await Store.Append(a, kind, [Note(), new NewEvent(milestone), new NewEvent(phase)]);
        await Store.Append(b, kind, [new NewEvent(phase), Note(), new NewEvent(milestone)]);
        var rows = cluster.RowsOf(a, b);

        var swarmish = await Store.Query(new EventFilter { AggregateTypes = [kind], EventTypes = ["swarm:milestone-reached", "swarm:phase-changed"] });
        var notes = await Store.Query(new EventFilter { AggregateIds = [a, b], EventTypes = [NoteType] });
        var none = await Store.Query(new EventFilter { AggregateTypes = [kind], EventTypes = ["agent:spawned"] });

        Assert.Equal(rows.Where(r => r.Type != NoteType).Keys(), swarmish.Keys());
        Assert.Equal(4, swarmish.Count);
        Assert.Equal(rows.Where(r => r.Type == NoteType).Keys(), notes.Keys());
        Assert.All(notes, e => Assert.IsType<NoteAdded>(e.Payload));
        Assert.Empty(none);
    }

    [Fact]
    public async Task A_query_by_aggregate_ids_returns_only_those_aggregates_interleaved_in_global_order()
    {
        var kind = Kind();
        var (a, b, c) = (Ids.New("a"), Ids.New("b"), Ids.New("c"));
        for (var i = 0; i < 3; i++)
            foreach (var id in new[] { a, b, c }) await Store.Append(id, kind, [Note()]);

        var result = await Store.Query(new EventFilter { AggregateIds = [a, c] });

        Assert.Equal(cluster.RowsOf(a, c).Keys(), result.Keys());
        Assert.Equal(new[] { a, c, a, c, a, c }, result.Select(e => e.AggregateId));
        Assert.Equal(cluster.RowsOf(b).Keys(), (await Store.Query(new EventFilter { AggregateIds = [b, Ids.New("missing")] })).Keys());
    }

    [Fact]
    public async Task Limit_and_offset_page_through_the_matches_in_global_order()
    {
        var kind = Kind();
        var (a, b) = (Ids.New("a"), Ids.New("b"));
        for (var i = 0; i < 4; i++)
        {
            await Store.Append(a, kind, [Note($"a {i}")]);
            if (i < 3) await Store.Append(b, kind, [Note($"b {i}")]);
        }
        var rows = cluster.RowsOf(a, b);
        Assert.Equal(7, rows.Count);
        EventFilter Page(int offset) => new() { AggregateTypes = [kind], Limit = 3, Offset = offset };

        var pages = new[] { await Store.Query(Page(0)), await Store.Query(Page(3)), await Store.Query(Page(6)), await Store.Query(Page(7)) };

        Assert.Equal(rows.Take(3).Keys(), pages[0].Keys());
        Assert.Equal(rows.Skip(3).Take(3).Keys(), pages[1].Keys());
        Assert.Equal(rows.Skip(6).Keys(), pages[2].Keys());
        Assert.Empty(pages[3]);
        Assert.Equal(rows.Keys(), pages.SelectMany(p => p).Keys());
        Assert.Equal(rows.Take(2).Keys(), (await Store.Query(new EventFilter { AggregateTypes = [kind], Limit = 2 })).Keys());
    }

    [Fact]
    public async Task An_offset_without_a_limit_skips_that_many_matches_and_returns_all_the_rest()
    {
        var (id, kind) = (Ids.New("ledger"), Kind());
        await Store.Append(id, kind, Notes(7));
        var rows = cluster.Journal.Rows(id);

        Assert.Equal(rows.Skip(4).Keys(), (await Store.Query(new EventFilter { AggregateIds = [id], Offset = 4 })).Keys());
        Assert.Equal(rows.Keys(), (await Store.Query(new EventFilter { AggregateIds = [id], Offset = 0 })).Keys());
        Assert.Equal(rows.Skip(6).Keys(), (await Store.Query(new EventFilter { AggregateIds = [id], Offset = 6 })).Keys());
        Assert.Empty(await Store.Query(new EventFilter { AggregateIds = [id], Offset = 7 }));
        Assert.Empty(await Store.Query(new EventFilter { AggregateIds = [id], Offset = 100 }));
    }

    [Fact]
    public async Task A_limit_of_0_returns_nothing_even_when_events_match()
    {
        var (id, kind) = (Ids.New("ledger"), Kind());
        await Store.Append(id, kind, Notes(3));

        Assert.Empty(await Store.Query(new EventFilter { AggregateIds = [id], Limit = 0 }));
        Assert.Empty(await Store.Query(new EventFilter { AggregateIds = [id], Limit = 0, Offset = 1 }));
        Assert.Equal(3, (await Store.Query(new EventFilter { AggregateIds = [id] })).Count);
    }

    [Fact]
    public async Task Timestamp_bounds_include_an_event_exactly_at_After_and_exclude_one_exactly_at_Before()
    {
        var (id, kind) = (Ids.New("ledger"), Kind());
        const long T = 1_750_000_000_000;
        await Store.Append(id, kind, [Note("t-1", T - 1), Note("t", T), Note("t+1", T + 1), Note("t+2", T + 2), Note("t+3", T + 3)]);

        async Task<string[]> Texts(long? after, long? before) =>
            (await Store.Query(new EventFilter { AggregateIds = [id], After = after, Before = before })).Select(e => ((NoteAdded)e.Payload).Text).ToArray();

        Assert.Equal(new[] { "t", "t+1" }, await Texts(T, T + 2));
        Assert.Equal(new[] { "t+1" }, await Texts(T + 1, T + 2));
        Assert.Equal(new[] { "t", "t+1", "t+2", "t+3" }, await Texts(T, null));
        Assert.Equal(new[] { "t-1" }, await Texts(null, T));
        Assert.Equal(new[] { "t-1", "t", "t+1", "t+2", "t+3" }, await Texts(T - 1, T + 4));
        Assert.Empty(await Texts(T + 4, null));
        Assert.Empty(await Texts(null, T - 1));
    }

    [Fact]
    public async Task FromVersion_keeps_the_events_at_or_above_that_version_in_each_aggregate()
    {
        var kind = Kind();
        var (a, b) = (Ids.New("a"), Ids.New("b"));
        await Store.Append(a, kind, Notes(2));
        await Store.Append(b, kind, Notes(2));
        await Store.Append(a, kind, Notes(2));
        var rows = cluster.RowsOf(a, b);

        var fromTwo = await Store.Query(new EventFilter { AggregateTypes = [kind], FromVersion = 2 });

        Assert.Equal(rows.Where(r => r.Version >= 2).Keys(), fromTwo.Keys());
        Assert.Equal(new[] { (a, 2L), (b, 2L), (a, 3L), (a, 4L) }, fromTwo.Select(e => (e.AggregateId, e.Version)));
        Assert.Equal(new[] { (a, 4L) }, (await Store.Query(new EventFilter { AggregateTypes = [kind], FromVersion = 4 })).Select(e => (e.AggregateId, e.Version)));
        Assert.Empty(await Store.Query(new EventFilter { AggregateTypes = [kind], FromVersion = 5 }));
        Assert.Equal(rows.Keys(), (await Store.Query(new EventFilter { AggregateTypes = [kind], FromVersion = 0 })).Keys());
    }

    [Fact]
    public async Task All_the_conditions_of_a_filter_must_hold_together()
    {
        var (k1, k2) = (Kind(), Kind());
        var (a, b, c) = (Ids.New("a"), Ids.New("b"), Ids.New("c"));
        const long T = 1_760_000_000_000;
        var milestone = SampleEvents.All.OfType<SwarmMilestoneReached>().Single();
        await Store.Append(a, k1, [Note("a1", T), Note("a2", T + 10), new NewEvent(milestone) { Timestamp = T + 20 }, Note("a4", T + 30), Note("a5", T + 40)]);
        await Store.Append(b, k1, [Note("b1", T + 10), Note("b2", T + 20)]);
        await Store.Append(c, k2, [Note("c1", T + 10), Note("c2", T + 20)]);

        var result = await Store.Query(new EventFilter
        {
            AggregateIds = [a, b, c], AggregateTypes = [k1], EventTypes = [NoteType],
            After = T + 10, Before = T + 40, FromVersion = 2, Offset = 1, Limit = 1,
        });

        // Matches before paging, in position order: a2 (v2, T+10), a4 (v4, T+30), b2 (v2, T+20); offset 1, limit 1 leaves a4.
        Assert.Equal("a4", ((NoteAdded)Assert.Single(result).Payload).Text);
    }

    [Fact]
    public async Task SQL_looking_ids_types_and_filter_values_are_stored_and_queried_back_as_plain_data()
    {
        var id = "x'); DROP TABLE events;--" + Ids.New("");
        var kind = "kind' OR '1'='1" + Ids.New("");
        var other = "\"; DELETE FROM snapshots; --" + Ids.New("");
        var metadata = new Dictionary<string, string> { ["k'); DROP TABLE events;--"] = "v' OR 1=1 --" };
        var total = cluster.Journal.Count();

        await Store.Append(id, kind, [new NewEvent(new NoteAdded("'); DROP TABLE snapshots;--")) { Metadata = metadata, CorrelationId = "c' OR '1'='1" }]);
        await Store.Append(other, kind, [Note()]);

        Assert.Equal(total + 2, cluster.Journal.Count());
        var row = Assert.Single(cluster.Journal.Rows(id));
        Assert.Equal((id, kind, "c' OR '1'='1"), (row.AggregateId, row.AggregateType, row.CorrelationId));
        var read = Assert.Single(await Store.GetEvents(id));
        Assert.Equal(new NoteAdded("'); DROP TABLE snapshots;--"), read.Payload);
        Assert.Equal(metadata.OrderBy(kv => kv.Key), read.Metadata!.OrderBy(kv => kv.Key));
        Assert.Equal(row.Id, Assert.Single(await Store.Query(new EventFilter { AggregateIds = [id, "' OR 1=1 --"] })).Id);
        Assert.Equal(cluster.RowsOf(id, other).Keys(), (await Store.Query(new EventFilter { AggregateTypes = [kind] })).Keys());
        Assert.Empty(await Store.Query(new EventFilter { AggregateTypes = ["x' OR '1'='1"] }));
        Assert.Empty(await Store.Query(new EventFilter { AggregateIds = [id], EventTypes = ["test:note' OR '1'='1"] }));
        Assert.Empty(await Store.Query(new EventFilter { AggregateIds = ["') OR 1=1 --"], Limit = 10 }));
        Assert.Empty((await Store.GetEventsByType("' OR 1=1 --")).Events);
        Assert.Equal(2L, (await Store.GetStats()).EventsByAggregateType[kind]);
        Assert.Subset(cluster.Journal.Tables(), new HashSet<string> { "events", "snapshots" });
    }
}

[Collection(SharedClusterCollection.Name)]
public sealed class StoreQueryTests_Sqlite(JournalCluster cluster) : StoreQueryTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class StoreQueryTests_Postgres(PostgresJournalCluster cluster) : StoreQueryTests(cluster);
