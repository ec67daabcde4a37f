using EventStore.Aggregates;
using EventStore.Events;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using static EventStore.Tests.Store.StoreTestKit;

namespace EventStore.Tests.Store;

/// <summary>Reading through the event store: one aggregate's events, events by type, pages of the whole log, and replay.</summary>
public abstract class StoreReadTests(JournalCluster cluster)
{
    private IEventStoreGrain Store => cluster.Client.GetEventStore();

    [Fact]
    public async Task GetEvents_returns_exactly_the_aggregate_events_in_version_order()
    {
        var kind = Kind();
        var (a, b) = (Ids.New("ledger-a"), Ids.New("ledger-b"));
        await Store.Append(a, kind, Notes(2, "a"));
        await Store.Append(b, kind, Notes(2, "b"));
        await Store.Append(a, kind, Notes(3, "a-more"));

        var events = await Store.GetEvents(a);

        Assert.Equal(cluster.Journal.Rows(a).Keys(), events.Keys());
        Assert.Equal(new[] { 1L, 2L, 3L, 4L, 5L }, events.Select(e => e.Version));
        Assert.All(events, e => Assert.Equal((a, kind, NoteType), (e.AggregateId, e.AggregateType, e.Type)));
        Assert.Equal(new[] { "a 1", "a 2", "a-more 1", "a-more 2", "a-more 3" }, events.Select(e => ((NoteAdded)e.Payload).Text));
        Assert.Empty(await Store.GetEvents(Ids.New("never-written")));
    }

    [Fact]
    public async Task GetEvents_from_a_version_starts_at_that_version_inclusive()
    {
        var (id, kind) = (Ids.New("ledger"), Kind());
        await Store.Append(id, kind, Notes(5));

        Assert.Equal(new[] { 3L, 4L, 5L }, (await Store.GetEvents(id, 3)).Select(e => e.Version));
        Assert.Equal(new[] { 5L }, (await Store.GetEvents(id, 5)).Select(e => e.Version));
        Assert.Empty(await Store.GetEvents(id, 6));
        Assert.Equal(5, (await Store.GetEvents(id, 1)).Count);
        Assert.Equal(5, (await Store.GetEvents(id, 0)).Count);
    }

    [Fact]
    public async Task GetEventsByType_pages_through_one_type_in_global_order_with_NextPosition_and_IsEnd()
    {
        var kind = Kind();
        var (a, b) = (Ids.New("ledger-a"), Ids.New("ledger-b"));
        var head = cluster.MaxPosition();
        var milestone = new NewEvent(SampleEvents.All.OfType<SwarmMilestoneReached>().Single());
        // Six notes and three milestones, the two types interleaved, over two aggregates.
        for (var i = 0; i < 3; i++)
        {
            await Store.Append(a, kind, [Note($"a {i}")]);
            await Store.Append(b, kind, [milestone]);
            await Store.Append(b, kind, [Note($"b {i}")]);
        }
        var expected = cluster.RowsOf(a, b).Where(r => r.Type == NoteType).ToList();
        Assert.Equal(6, expected.Count);

        var first = await Store.GetEventsByType(NoteType, head + 1, limit: 4);
        var second = await Store.GetEventsByType(NoteType, first.NextPosition, limit: 4);
        var beyond = await Store.GetEventsByType(NoteType, second.NextPosition, limit: 4);

        Assert.Equal(expected.Take(4).Keys(), first.Events.Keys());
        Assert.Equal((expected[3].Position + 1, false), (first.NextPosition, first.IsEnd));
        Assert.Equal(expected.Skip(4).Keys(), second.Events.Keys());
        Assert.Equal((expected[5].Position + 1, true), (second.NextPosition, second.IsEnd));
        Assert.Empty(beyond.Events);
        Assert.Equal((second.NextPosition, true), (beyond.NextPosition, beyond.IsEnd));

        // A page that ends exactly at the last event of the type still says it is the end.
        var exact = await Store.GetEventsByType(NoteType, expected[4].Position, limit: 2);
        Assert.Equal(expected.Skip(4).Keys(), exact.Events.Keys());
        Assert.True(exact.IsEnd);
        // fromPosition is inclusive.
        var fromOne = await Store.GetEventsByType(NoteType, expected[2].Position, limit: 1);
        Assert.Equal(expected[2].Id, Assert.Single(fromOne.Events).Id);
        Assert.False(fromOne.IsEnd);
        // The other type pages on its own.
        var milestones = await Store.GetEventsByType("swarm:milestone-reached", head + 1, limit: 10);
        Assert.Equal(cluster.RowsOf(a, b).Where(r => r.Type == "swarm:milestone-reached").Keys(), milestones.Events.Keys());
        Assert.True(milestones.IsEnd);
    }

    [Fact]
    public async Task ReadAll_pages_the_log_from_a_position_inclusive_with_NextPosition_and_IsEnd()
    {
        var (id, kind) = (Ids.New("ledger"), Kind());
        await Store.Append(id, kind, Notes(3));
        await Store.Append(id, kind, Notes(2));
        var rows = cluster.Journal.Rows(id);
        Assert.Equal(rows[^1].Position, cluster.MaxPosition());

        var first = await Store.ReadAll(rows[0].Position, limit: 3);
        var second = await Store.ReadAll(first.NextPosition, limit: 3);
        var exact = await Store.ReadAll(rows[1].Position, limit: 4);
        var empty = await Store.ReadAll(second.NextPosition, limit: 3);
        var none = await Store.ReadAll(rows[0].Position, limit: 0);

        Assert.Equal(rows.Take(3).Keys(), first.Events.Keys());
        Assert.Equal((rows[2].Position + 1, false), (first.NextPosition, first.IsEnd));
        Assert.Equal(rows.Skip(3).Keys(), second.Events.Keys());
        Assert.Equal((rows[4].Position + 1, true), (second.NextPosition, second.IsEnd));
        Assert.Equal(rows.Skip(1).Keys(), exact.Events.Keys());
        Assert.True(exact.IsEnd);
        Assert.Empty(empty.Events);
        Assert.Equal((second.NextPosition, true), (empty.NextPosition, empty.IsEnd));
        Assert.Empty(none.Events);
        Assert.Equal((rows[0].Position, false), (none.NextPosition, none.IsEnd));
    }

    [Fact]
    public async Task Replay_streams_every_event_of_the_log_in_position_order()
    {
        var (id, kind) = (Ids.New("ledger"), Kind());
        await Store.Append(id, kind, Notes(5));
        var rows = cluster.Journal.Rows();

        var replayed = new List<EventEnvelope>();
        await foreach (var e in Store.Replay(pageSize: 7)) replayed.Add(e);

        Assert.Equal(rows.Keys(), replayed.Keys());
        Assert.Equal(rows.Select(r => (r.AggregateId, r.Version, r.Type)), replayed.Select(e => (e.AggregateId, e.Version, e.Type)));
        Assert.Equal(cluster.Journal.Rows(id).Keys(), replayed.Where(e => e.AggregateId == id).Keys());
    }

    [Fact]
    public async Task Replay_from_a_position_starts_exactly_at_that_position()
    {
        var (id, kind) = (Ids.New("ledger"), Kind());
        await Store.Append(id, kind, Notes(6));
        var own = cluster.Journal.Rows(id);
        var from = own[2].Position;

        var replayed = new List<EventEnvelope>();
        await foreach (var e in Store.Replay(from, pageSize: 2)) replayed.Add(e);

        Assert.Equal(own.Skip(2).Keys(), replayed.Keys());
        Assert.Equal(from, replayed[0].Position);

        var past = new List<EventEnvelope>();
        await foreach (var e in Store.Replay(own[^1].Position + 1)) past.Add(e);
        Assert.Empty(past);
    }

    [Fact]
    public async Task Replay_returns_interleaved_appends_in_commit_order_not_grouped_by_aggregate()
    {
        var kind = Kind();
        var (a, b) = (Ids.New("ledger-a"), Ids.New("ledger-b"));
        var head = cluster.MaxPosition();
        var receipts = new List<EventReceipt>();
        for (var i = 0; i < 4; i++)
        {
            receipts.AddRange((await Store.Append(a, kind, [Note($"a {i}")])).Events);
            receipts.AddRange((await Store.Append(b, kind, [Note($"b {i}")])).Events);
        }

        var replayed = new List<EventEnvelope>();
        await foreach (var e in Store.Replay(head + 1, pageSize: 3))
            if (e.AggregateId == a || e.AggregateId == b) replayed.Add(e);

        Assert.Equal(new[] { a, b, a, b, a, b, a, b }, replayed.Select(e => e.AggregateId));
        Assert.Equal(new[] { 1L, 1L, 2L, 2L, 3L, 3L, 4L, 4L }, replayed.Select(e => e.Version));
        Assert.Equal(receipts.Select(r => (r.Position, r.EventId)), replayed.Keys());
        Assert.Equal(replayed.Select(e => e.Position).Order(), replayed.Select(e => e.Position));
    }

    [Fact]
    public async Task Replay_order_equals_position_order_for_concurrent_appends()
    {
        var kind = Kind();
        var ids = Enumerable.Range(0, 8).Select(i => Ids.New($"ledger-{i}")).ToArray();
        var head = cluster.MaxPosition();

        var receipts = (await Task.WhenAll(ids.Select(async id =>
        {
            var acknowledged = new List<EventReceipt>();
            for (var i = 0; i < 5; i++) acknowledged.AddRange((await Store.Append(id, kind, Notes(2))).Events);
            return acknowledged;
        }))).SelectMany(r => r);

        var replayed = new List<EventEnvelope>();
        await foreach (var e in Store.Replay(head + 1, pageSize: 16))
            if (e.AggregateType == kind) replayed.Add(e);
        var rows = cluster.RowsOf(ids);
        Assert.Equal(80, rows.Count);
        Assert.Equal(rows.Keys(), replayed.Keys());
        for (var i = 1; i < replayed.Count; i++) Assert.True(replayed[i].Position > replayed[i - 1].Position);
        JournalAssert.IsConsistent(rows, receipts);
    }

    [Fact]
    public async Task Replay_with_a_page_size_of_0_is_refused_rather_than_reporting_an_empty_log()
    {
        var (id, kind) = (Ids.New("ledger"), Kind());
        await Store.Append(id, kind, Notes(2));
        var from = cluster.Journal.Rows(id)[0].Position;

        var replayed = new List<EventEnvelope>();
        var error = await Record.ExceptionAsync(async () =>
        {
            await foreach (var e in Store.Replay(from, pageSize: 0)) replayed.Add(e);
        });

        // The silo's own IEventStore.ReplayAsync refuses a page size of 0 ("must be at least 1 to make progress");
        // the client's Replay must not instead end at once, as if the log held nothing after 'from'.
        Assert.True(error is not null, $"Replay(pageSize: 0) ended normally after {replayed.Count} events though the log holds 2 from position {from}");
        Assert.Contains("pageSize", error.Message);
    }
}

[Collection(SharedClusterCollection.Name)]
public sealed class StoreReadTests_Sqlite(JournalCluster cluster) : StoreReadTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class StoreReadTests_Postgres(PostgresJournalCluster cluster) : StoreReadTests(cluster);
