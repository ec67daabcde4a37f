using EventStore.Cli;
using EventStore.Store;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Cli;

/// <summary><c>events &lt;aggregate-id&gt;</c>, online and offline: the aggregate's events in version order, and what it says when there are none.</summary>
public abstract class EventsCommandTests(CliSilo silo)
{
    [Fact]
    public async Task Events_lists_an_aggregates_events_in_version_order_online_and_offline_alike()
    {
        var aggregate = Ids.New("events");
        await silo.Client.GetEventStore().Append(aggregate, "note", [new NewEvent(new NoteAdded("one")), new NewEvent(new NoteAdded("two")), new NewEvent(new NoteAdded("three"))]);
        await silo.Client.GetEventStore().Append(Ids.New("other"), "note", [new NewEvent(new NoteAdded("not mine"))]);

        foreach (var run in new[] { await silo.RunOnline("events", aggregate, "--json"), await silo.RunOffline("events", aggregate, "--json") })
        {
            var lines = run.ExitsWith(ExitCodes.Success).JsonLines;
            Assert.Equal([1L, 2L, 3L], lines.Select(e => e.GetProperty("version").GetInt64()));
            Assert.Equal(["one", "two", "three"], lines.Select(e => e.GetProperty("payload").GetProperty("text").GetString()));
            Assert.All(lines, e => Assert.Equal(aggregate, e.GetProperty("aggregateId").GetString()));
        }
    }

    [Fact]
    public async Task Json_lines_keep_quotes_accents_and_emoji_as_they_are()
    {
        var aggregate = Ids.New("events");
        const string text = "it's ünïcödé <b>&</b> ✓ 😀";
        await silo.Client.GetEventStore().Append(aggregate, "note", [new NewEvent(new NoteAdded(text))]);

        var run = (await silo.RunOffline("events", aggregate, "--json")).ExitsWith(ExitCodes.Success);

        Assert.True(run.Out.Contains("it's ünïcödé <b>&</b> ✓", StringComparison.Ordinal), run.Out); // (System.Text.Json escapes characters beyond the BMP, such as emoji, whatever the encoder)
        Assert.Equal(text, Assert.Single(run.JsonLines).GetProperty("payload").GetProperty("text").GetString());
    }

    [Fact]
    public async Task From_version_starts_at_that_version()
    {
        var aggregate = Ids.New("events");
        await silo.Client.GetEventStore().Append(aggregate, "note", [new NewEvent(new NoteAdded("one")), new NewEvent(new NoteAdded("two")), new NewEvent(new NoteAdded("three"))]);

        var lines = (await silo.RunOffline("events", aggregate, "--from-version", "2", "--json")).ExitsWith(ExitCodes.Success).JsonLines;

        Assert.Equal([2L, 3L], lines.Select(e => e.GetProperty("version").GetInt64()));
    }

    [Fact]
    public async Task Events_prints_a_table_with_a_count_for_people()
    {
        var aggregate = Ids.New("events");
        await silo.Client.GetEventStore().Append(aggregate, "note", [new NewEvent(new NoteAdded("hello table"))]);

        var run = (await silo.RunOnline("events", aggregate)).ExitsWith(ExitCodes.Success);

        Assert.Contains("test:note", run.Out);
        Assert.Contains("hello table", run.Out);
        Assert.Contains("1 events.", run.Out);
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task An_aggregate_without_events_says_No_events_and_exits_0_and_prints_nothing_with_json()
    {
        var nobody = Ids.New("nobody");

        var human = (await silo.RunOnline("events", nobody)).ExitsWith(ExitCodes.Success);
        var json = (await silo.RunOffline("events", nobody, "--json")).ExitsWith(ExitCodes.Success);

        Assert.Equal("No events.", human.Out.Trim());
        Assert.Empty(json.Out);
    }

    [Fact]
    public async Task A_negative_version_is_refused_by_the_store_with_exit_code_4()
    {
        var run = (await silo.RunOnline("events", Ids.New("events"), "--from-version", "-1")).ExitsWith(ExitCodes.Refused);

        Assert.Contains("fromVersion", run.Error);
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task A_missing_aggregate_id_exits_with_code_2()
    {
        var run = (await silo.RunOnline("events")).ExitsWith(ExitCodes.BadArguments);

        Assert.NotEmpty(run.Error);
    }
}

[Collection(CliSiloCollection.Name)]
public sealed class EventsCommandTests_Sqlite(CliSilo silo) : EventsCommandTests(silo);

[Collection(PostgresCliSiloCollection.Name)]
public sealed class EventsCommandTests_Postgres(PostgresCliSilo silo) : EventsCommandTests(silo);
