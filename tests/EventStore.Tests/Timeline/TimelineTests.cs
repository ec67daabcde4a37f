using EventStore.Errors;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using static EventStore.Tests.Store.StoreTestKit;

namespace EventStore.Tests.Timeline;

/// <summary>
/// Run timelines: a multi-agent run's events by correlation id in commit order, paged, and the causation tree of an
/// event (everything it caused, transitively), each compared with what plain SQL reads from the journal's rows, amid
/// another run and uncorrelated writes; cycles, the tree's bound and bad input.
/// </summary>
public abstract class TimelineTests(JournalCluster cluster)
{
    private IEventStoreGrain Store => cluster.Client.GetEventStore();

    [Fact]
    public async Task A_runs_timeline_is_exactly_its_rows_in_commit_order_amid_another_run_and_uncorrelated_events()
    {
        var (run, other) = (new AgentRun(cluster.Client, agents: 3, tasksPerAgent: 2), new AgentRun(cluster.Client, agents: 2, tasksPerAgent: 2));
        await AgentRun.PlayInterleavedAsync(cluster.Client, run, other);
        var rows = cluster.Journal.Rows();

        var timeline = await Store.GetTimeline(run.CorrelationId);
        var otherTimeline = await Store.GetTimeline(other.CorrelationId);

        var expected = rows.Where(r => r.CorrelationId == run.CorrelationId).ToList();
        Assert.Equal(1 + 3 * (2 + 2 * 6), expected.Count);
        Assert.Equal(expected.Keys(), timeline.Events.Keys());
        Assert.True(timeline.IsEnd);
        Assert.Equal(expected[^1].Position + 1, timeline.NextPosition);
        Assert.Equal(new[] { "agent", "memory", "swarm", "task" }, timeline.Events.Select(e => e.AggregateType).Distinct().Order());
        Assert.Equal(rows.Where(r => r.CorrelationId == other.CorrelationId).Keys(), otherTimeline.Events.Keys());
        // The runs really were interleaved with each other and with uncorrelated events.
        var span = rows.Where(r => r.Position > expected[0].Position && r.Position < expected[^1].Position).ToList();
        Assert.Contains(span, r => r.CorrelationId == other.CorrelationId);
        Assert.Contains(span, r => r.CorrelationId is null);
    }

    [Fact]
    public async Task Paging_through_a_timeline_with_a_small_limit_gives_the_same_events_page_by_page()
    {
        var (run, other) = (new AgentRun(cluster.Client, agents: 2, tasksPerAgent: 2), new AgentRun(cluster.Client, agents: 1, tasksPerAgent: 1));
        await AgentRun.PlayInterleavedAsync(cluster.Client, run, other);
        var expected = cluster.Journal.Rows().Where(r => r.CorrelationId == run.CorrelationId).ToList();

        var paged = new List<(long Position, string Id)>();
        var pages = 0;
        for (var from = 0L; ; pages++)
        {
            var page = await Store.GetTimeline(run.CorrelationId, from, limit: 4);
            Assert.True(page.Events.Count <= 4);
            Assert.True(page.IsEnd || page.Events.Count == 4, "a page short of the limit is the last");
            Assert.All(page.Events, e => Assert.True(e.Position >= from));
            paged.AddRange(page.Events.Keys());
            if (page.IsEnd) break;
            from = page.NextPosition;
        }

        Assert.Equal(expected.Keys(), paged);
        Assert.Equal((expected.Count + 3) / 4, pages + 1);
        var middle = expected[expected.Count / 2].Position;
        Assert.Equal(expected.Where(r => r.Position >= middle).Take(5).Keys(), (await Store.GetTimeline(run.CorrelationId, middle, 5)).Events.Keys());
        var none = await Store.GetTimeline(run.CorrelationId, middle, limit: 0);
        Assert.Equal((0, middle, false), (none.Events.Count, none.NextPosition, none.IsEnd));
        var unknown = await Store.GetTimeline(Ids.New("no-such-run"));
        Assert.Equal((0, true), (unknown.Events.Count, unknown.IsEnd));
    }

    [Fact]
    public async Task The_causation_tree_of_a_runs_root_is_the_transitive_closure_computed_from_the_rows()
    {
        var (run, other) = (new AgentRun(cluster.Client, agents: 3, tasksPerAgent: 2), new AgentRun(cluster.Client, agents: 2, tasksPerAgent: 1));
        await AgentRun.PlayInterleavedAsync(cluster.Client, run, other);
        var rows = cluster.Journal.Rows();

        var tree = await Store.GetCausationTree(run.RootEventId);

        Assert.True(tree.IsComplete);
        Assert.Equal(Closure(rows, run.RootEventId), tree.Events.Select(e => (e.Event.Position, e.Event.Id, e.Depth)).ToList());
        Assert.Equal(run.RootEventId, tree.Root.Event.Id);
        Assert.DoesNotContain(tree.Events, e => e.Event.CorrelationId == other.CorrelationId);
        Assert.Contains(tree.Events, e => e.Event.CorrelationId is null); // the audit notes caused by the run, outside its timeline
        Assert.Equal(6, tree.Events.Max(e => e.Depth)); // swarm → spawned → created → assigned → started → completed → stored, done, audit
        AssertWalkable(tree);

        var completed = run.CompletedTaskEventIds[1];
        var subtree = await Store.GetCausationTree(completed);
        Assert.Equal(Closure(rows, completed), subtree.Events.Select(e => (e.Event.Position, e.Event.Id, e.Depth)).ToList());
        Assert.Equal(3, subtree.Events.Count); // the completion, the memory it stored, the agent's task done
        AssertWalkable(subtree);
    }

    [Fact]
    public async Task A_causation_cycle_ends_where_it_comes_back_to_the_root()
    {
        var (a, b, c, self) = (Ids.New("event"), Ids.New("event"), Ids.New("event"), Ids.New("event"));
        await Store.Append(Ids.New("loop"), Kind(), [Caused(a, c), Caused(b, a), Caused(c, b), Caused(self, self)]);

        var fromA = await Store.GetCausationTree(a);
        var fromB = await Store.GetCausationTree(b);
        var fromSelf = await Store.GetCausationTree(self);

        Assert.Equal(new[] { (a, 0, (string?)null), (b, 1, a), (c, 2, b) }, fromA.Events.Select(e => (e.Event.Id, e.Depth, e.ParentId)));
        Assert.Equal(new[] { (a, 2), (b, 0), (c, 1) }, fromB.Events.Select(e => (e.Event.Id, e.Depth)));
        Assert.Equal((self, 0), (Assert.Single(fromSelf.Events).Event.Id, fromSelf.Events[0].Depth));
        Assert.True(fromA.IsComplete && fromB.IsComplete && fromSelf.IsComplete);
        Assert.Empty(fromSelf.Root.ChildIds);
        AssertWalkable(fromA);
    }

    [Fact]
    public async Task A_tree_over_the_limit_comes_back_cut_breadth_first_with_every_events_cause()
    {
        // A root, 6 events it caused, 2 caused by each of those: 19 events.
        var root = Ids.New("event");
        var children = Enumerable.Range(0, 6).Select(_ => Ids.New("event")).ToList();
        var grandchildren = children.SelectMany(c => new[] { (Ids.New("event"), c), (Ids.New("event"), c) }).ToList();
        var events = new List<NewEvent> { Caused(root, null) };
        events.AddRange(children.Select(c => Caused(c, root)));
        events.AddRange(grandchildren.Select(g => Caused(g.Item1, g.c)));
        await Store.Append(Ids.New("fanout"), Kind(), events);

        for (var limit = 1; limit <= 20; limit++)
        {
            var tree = await Store.GetCausationTree(root, limit);

            var count = Math.Min(limit, 19);
            Assert.Equal(count, tree.Events.Count);
            Assert.Equal(limit >= 19, tree.IsComplete);
            Assert.Equal(1, tree.Events.Count(e => e.Depth == 0));
            Assert.Equal(Math.Min(count - 1, 6), tree.Events.Count(e => e.Depth == 1));
            Assert.Equal(Math.Max(count - 7, 0), tree.Events.Count(e => e.Depth == 2));
            Assert.True(tree.Events.Select(e => e.Event.Position).SequenceEqual(tree.Events.Select(e => e.Event.Position).Order()), "commit order");
            AssertWalkable(tree);
        }
    }

    [Fact]
    public async Task Bad_arguments_and_an_unknown_event_id_are_refused_naming_the_argument()
    {
        var id = Ids.New("event");
        await Store.Append(Ids.New("bad"), Kind(), [Caused(id, null)]);
        var refusals = new (Func<Task> Call, string Argument)[]
        {
            (() => Store.GetTimeline(""), "correlationId"),
            (() => Store.GetTimeline("  "), "correlationId"),
            (() => Store.GetTimeline(null!), "correlationId"),
            (() => Store.GetTimeline(new string('x', 257)), "correlationId"),
            (() => Store.GetTimeline("run", fromPosition: -1), "fromPosition"),
            (() => Store.GetTimeline("run", limit: -1), "limit"),
            (() => Store.GetTimeline("run", limit: 10_001), "limit"),
            (() => Store.GetCausationTree(""), "eventId"),
            (() => Store.GetCausationTree(null!), "eventId"),
            (() => Store.GetCausationTree(id, limit: 0), "limit"),
            (() => Store.GetCausationTree(id, limit: 10_001), "limit"),
        };
        foreach (var (call, argument) in refusals)
            Assert.Equal(argument, (await Assert.ThrowsAsync<InvalidCommandException>(call)).Argument);

        var unknown = Ids.New("no-such-event");
        var error = await Assert.ThrowsAsync<InvalidCommandException>(() => Store.GetCausationTree(unknown));
        Assert.Equal("eventId", error.Argument);
        Assert.Contains(unknown, error.Message);
        Assert.Single((await Store.GetCausationTree(id, limit: 1)).Events);
    }

    /// <summary>A note with this id, caused by <paramref name="cause"/>.</summary>
    private static NewEvent Caused(string id, string? cause) => new(new NoteAdded(id)) { Id = id, CausationId = cause };

    /// <summary>
    /// The tree of <paramref name="rootId"/> computed from raw rows, independently of the store: breadth first over
    /// "causation_id = id of a reached event", each event once; (position, id, depth) in position order.
    /// </summary>
    private static List<(long Position, string Id, int Depth)> Closure(IReadOnlyList<JournalRow> rows, string rootId)
    {
        var caused = rows.Where(r => r.CausationId is not null).ToLookup(r => r.CausationId!, StringComparer.Ordinal);
        var reached = new Dictionary<string, (JournalRow Row, int Depth)> { [rootId] = (rows.Single(r => r.Id == rootId), 0) };
        var frontier = new Queue<string>([rootId]);
        while (frontier.TryDequeue(out var id))
            foreach (var row in caused[id].Where(r => !reached.ContainsKey(r.Id)))
            {
                reached[row.Id] = (row, reached[id].Depth + 1);
                frontier.Enqueue(row.Id);
            }
        return reached.Values.OrderBy(v => v.Row.Position).Select(v => (v.Row.Position, v.Row.Id, v.Depth)).ToList();
    }

    /// <summary>
    /// Walking down from the root through the children's ids reaches every event of the tree exactly once; each event's
    /// parent is its causation id, one level up; and each event's children are exactly the tree's events naming it as parent.
    /// </summary>
    private static void AssertWalkable(CausationTree tree)
    {
        var byId = tree.Events.ToDictionary(e => e.Event.Id);
        var seen = new List<string>();
        var stack = new Stack<string>([tree.Root.Event.Id]);
        while (stack.TryPop(out var id))
        {
            seen.Add(id);
            foreach (var child in byId[id].ChildIds) stack.Push(child);
        }
        Assert.Equal(tree.Events.Select(e => e.Event.Id).Order(), seen.Order());
        Assert.Equal(tree.RootId, tree.Root.Event.Id);
        Assert.Null(tree.Root.ParentId);
        foreach (var e in tree.Events.Where(e => e.Depth > 0))
        {
            Assert.Equal(e.Event.CausationId, e.ParentId);
            Assert.Equal(e.Depth - 1, byId[e.ParentId!].Depth);
        }
        foreach (var e in tree.Events)
            Assert.Equal(tree.Events.Where(c => c.Depth > 0 && c.ParentId == e.Event.Id).Select(c => c.Event.Id), e.ChildIds);
    }
}

[Collection(SharedClusterCollection.Name)]
public sealed class TimelineTests_Sqlite(JournalCluster cluster) : TimelineTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class TimelineTests_Postgres(PostgresJournalCluster cluster) : TimelineTests(cluster);
