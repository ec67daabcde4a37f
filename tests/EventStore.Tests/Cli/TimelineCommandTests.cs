using System.Text.Json;
using EventStore.Cli;
using EventStore.Store;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Cli;

/// <summary><c>timeline &lt;correlation-id&gt;</c> (every event of a run, across pages) and <c>tree &lt;event-id&gt;</c> (what an event caused), online and offline.</summary>
public abstract class TimelineCommandTests(CliSilo silo)
{
    [Fact]
    public async Task Timeline_pages_through_every_event_of_the_run_in_commit_order_online_and_offline_alike()
    {
        // More than two of the command's pages (1000 events each), across aggregates, with events of other runs between them.
        var run = Ids.New("run");
        var store = silo.Client.GetEventStore();
        for (var batch = 0; batch < 5; batch++)
        {
            await store.Append(Ids.New("tl"), "note", [.. Enumerable.Range(0, 500).Select(i => new NewEvent(new NoteAdded($"{batch}-{i}")) { CorrelationId = run })]);
            await store.Append(Ids.New("tl"), "note", [new NewEvent(new NoteAdded("another run")) { CorrelationId = Ids.New("run") }]);
        }
        var expected = silo.Rows.Long($"SELECT COUNT(*) FROM events WHERE correlation_id = '{run}'");

        foreach (var cli in new[] { await silo.RunOnline("timeline", run, "--json"), await silo.RunOffline("timeline", run, "--json") })
        {
            var lines = cli.ExitsWith(ExitCodes.Success).JsonLines;
            Assert.Equal(2500, expected);
            Assert.Equal(expected, lines.Count);
            Assert.All(lines, e => Assert.Equal(run, e.GetProperty("correlationId").GetString()));
            var positions = lines.Select(e => e.GetProperty("position").GetInt64()).ToList();
            Assert.Equal(positions.Order(), positions);
        }
    }

    [Fact]
    public async Task Timeline_limit_stops_after_that_many_events()
    {
        var run = Ids.New("run");
        await silo.Client.GetEventStore().Append(Ids.New("tl"), "note", [.. Enumerable.Range(0, 5).Select(i => new NewEvent(new NoteAdded($"{i}")) { CorrelationId = run })]);

        var lines = (await silo.RunOnline("timeline", run, "--limit", "3", "--json")).ExitsWith(ExitCodes.Success).JsonLines;
        var table = (await silo.RunOffline("timeline", run, "--limit", "3")).ExitsWith(ExitCodes.Success);

        Assert.Equal(["0", "1", "2"], lines.Select(e => e.GetProperty("payload").GetProperty("text").GetString()));
        Assert.Contains("3 events.", table.Out);
    }

    [Fact]
    public async Task A_run_without_events_says_No_events()
    {
        var run = (await silo.RunOnline("timeline", Ids.New("no-run"))).ExitsWith(ExitCodes.Success);

        Assert.Equal("No events.", run.Out.Trim());
    }

    [Fact]
    public async Task A_timeline_limit_below_1_exits_with_code_2()
    {
        var run = (await silo.RunOnline("timeline", Ids.New("run"), "--limit", "0")).ExitsWith(ExitCodes.BadArguments);

        Assert.Contains("--limit", run.Error);
    }

    /// <summary>root → (a → a1), b: four events in two aggregates, and an event of the same aggregate the root did not cause.</summary>
    private async Task<(string Root, string A, string A1, string B)> CausationAsync()
    {
        var (root, a, a1, b) = (Ids.New("root"), Ids.New("a"), Ids.New("a1"), Ids.New("b"));
        var store = silo.Client.GetEventStore();
        var aggregate = Ids.New("tree");
        await store.Append(aggregate, "note", [new NewEvent(new NoteAdded("root")) { Id = root }, new NewEvent(new NoteAdded("unrelated"))]);
        await store.Append(Ids.New("tree"), "note", [new NewEvent(new NoteAdded("a")) { Id = a, CausationId = root }, new NewEvent(new NoteAdded("a1")) { Id = a1, CausationId = a }]);
        await store.Append(aggregate, "note", [new NewEvent(new NoteAdded("b")) { Id = b, CausationId = root }]);
        return (root, a, a1, b);
    }

    [Fact]
    public async Task Tree_nests_each_event_under_its_cause_in_json_online_and_offline_alike()
    {
        var (root, a, a1, b) = await CausationAsync();

        foreach (var cli in new[] { await silo.RunOnline("tree", root, "--json"), await silo.RunOffline("tree", root, "--json") })
        {
            var tree = cli.ExitsWith(ExitCodes.Success).Json;
            Assert.Equal(root, tree.GetProperty("rootId").GetString());
            Assert.True(tree.GetProperty("isComplete").GetBoolean());
            Assert.Equal(4, tree.GetProperty("eventCount").GetInt32());
            var top = tree.GetProperty("root");
            Assert.Equal(root, top.GetProperty("id").GetString());
            Assert.Equal([a, b], Children(top).Select(Id));
            Assert.Equal([a1], Children(Children(top)[0]).Select(Id));
            Assert.Empty(Children(Children(top)[1]));
        }
    }

    [Fact]
    public async Task Tree_prints_a_tree_for_people()
    {
        var (root, a, a1, b) = await CausationAsync();

        var run = (await silo.RunOnline("tree", root)).ExitsWith(ExitCodes.Success);

        foreach (var id in new[] { root, a, a1, b }) Assert.Contains(id, run.Out);
        var lines = run.Out.Split('\n');
        // a1 is drawn one level deeper than a, which is one level deeper than the root.
        Assert.True(Indent(lines, a1) > Indent(lines, a) && Indent(lines, a) > Indent(lines, root), run.Out);
        Assert.Contains("4 events.", run.Out);
    }

    [Fact]
    public async Task A_tree_larger_than_the_limit_says_it_was_cut_off()
    {
        var (root, _, _, _) = await CausationAsync();

        var json = (await silo.RunOffline("tree", root, "--limit", "2", "--json")).ExitsWith(ExitCodes.Success).Json;
        var human = (await silo.RunOnline("tree", root, "--limit", "2")).ExitsWith(ExitCodes.Success);

        Assert.False(json.GetProperty("isComplete").GetBoolean());
        Assert.Equal(2, json.GetProperty("eventCount").GetInt32());
        Assert.Contains("Cut off at 2 events", human.Out);
    }

    [Fact]
    public async Task An_unknown_event_id_is_refused_with_exit_code_4_naming_it()
    {
        var unknown = Ids.New("no-event");

        var run = (await silo.RunOnline("tree", unknown)).ExitsWith(ExitCodes.Refused);

        Assert.Contains(unknown, run.Error);
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task A_tree_limit_below_1_is_refused_by_the_store_with_exit_code_4()
    {
        var (root, _, _, _) = await CausationAsync();

        var run = (await silo.RunOffline("tree", root, "--limit", "0")).ExitsWith(ExitCodes.Refused);

        Assert.Contains("limit", run.Error);
    }

    private static List<JsonElement> Children(JsonElement node) => [.. node.GetProperty("children").EnumerateArray()];

    private static string Id(JsonElement node) => node.GetProperty("id").GetString()!;

    private static int Indent(string[] lines, string id)
    {
        var line = lines.Single(l => l.Contains(id, StringComparison.Ordinal));
        return line.Length - line.TrimStart(' ', '│', '├', '└', '─', '╰', '┬', '|', '-', '`', '+').Length;
    }
}

[Collection(CliSiloCollection.Name)]
public sealed class TimelineCommandTests_Sqlite(CliSilo silo) : TimelineCommandTests(silo);

[Collection(PostgresCliSiloCollection.Name)]
public sealed class TimelineCommandTests_Postgres(PostgresCliSilo silo) : TimelineCommandTests(silo);
