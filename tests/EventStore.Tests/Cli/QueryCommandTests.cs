using EventStore.Cli;
using EventStore.Store;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Cli;

/// <summary><c>query</c>: each option narrows the filter as the store's <see cref="EventFilter"/> does; bad values exit 2, filters the store refuses exit 4.</summary>
public abstract class QueryCommandTests(CliSilo silo)
{
    private static readonly long Noon = DateTimeOffset.Parse("2025-11-27T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    /// <summary>Two aggregates with an event an hour apart from 10:00 to 14:00 each (versions 1 to 5), and an aggregate of another type.</summary>
    private async Task<(string A, string B, string OtherType)> SeedAsync()
    {
        var (a, b, other) = (Ids.New("qa"), Ids.New("qb"), Ids.New("qo"));
        var store = silo.Client.GetEventStore();
        foreach (var aggregate in new[] { a, b })
            await store.Append(aggregate, "note", [.. Enumerable.Range(-2, 5).Select(h => new NewEvent(new NoteAdded($"{aggregate} {h}")) { Timestamp = Noon + h * 3_600_000L })]);
        await store.Append(other, "note-other", [new NewEvent(new NoteAdded("other type")) { Timestamp = Noon }]);
        return (a, b, other);
    }

    [Fact]
    public async Task Each_option_narrows_the_query_online_and_offline_alike()
    {
        var (a, b, other) = await SeedAsync();
        string[] query = ["query", "--aggregate-id", a, "--aggregate-id", b, "--aggregate-id", other, "--aggregate-type", "note", "--event-type", "test:note",
            "--after", "2025-11-27T11:00:00Z", "--before", (Noon + 2 * 3_600_000L).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--from-version", "3", "--offset", "1", "--limit", "2", "--json"];

        foreach (var run in new[] { await silo.RunOnline(query), await silo.RunOffline(query) })
        {
            // Matching: versions 3 and 4 (12:00, 13:00) of a and of b, in global order: a3, a4, b3, b4; skip one, take two.
            var lines = run.ExitsWith(ExitCodes.Success).JsonLines;
            Assert.Equal([(a, 4L), (b, 3L)], lines.Select(e => (e.GetProperty("aggregateId").GetString()!, e.GetProperty("version").GetInt64())));
        }
    }

    [Fact]
    public async Task Aggregate_type_alone_selects_that_type()
    {
        var (_, _, other) = await SeedAsync();

        var lines = (await silo.RunOnline("query", "--aggregate-id", other, "--aggregate-type", "note", "--json")).ExitsWith(ExitCodes.Success).JsonLines;
        var ofType = (await silo.RunOnline("query", "--aggregate-id", other, "--aggregate-type", "note-other", "--json")).ExitsWith(ExitCodes.Success).JsonLines;

        Assert.Empty(lines);
        Assert.Equal(other, Assert.Single(ofType).GetProperty("aggregateId").GetString());
    }

    [Fact]
    public async Task A_query_that_matches_nothing_says_No_events()
    {
        var run = (await silo.RunOnline("query", "--aggregate-id", Ids.New("nobody"))).ExitsWith(ExitCodes.Success);

        Assert.Equal("No events.", run.Out.Trim());
    }

    [Theory]
    [InlineData("Before", "--after", "2000", "--before", "1000")]
    [InlineData("Limit", "--limit", "-1")]
    [InlineData("Offset", "--offset", "-1")]
    [InlineData("FromVersion", "--from-version", "-2")]
    [InlineData("After", "--after", "-5")]
    public async Task A_filter_the_store_refuses_exits_with_code_4_naming_the_field(string field, params string[] options)
    {
        var run = (await silo.RunOnline(["query", "--aggregate-id", Ids.New("q"), .. options])).ExitsWith(ExitCodes.Refused);

        Assert.Contains($"'{field}'", run.Error);
        Assert.Empty(run.Out);
    }

    [Theory]
    [InlineData("--after", "yesterday")]
    [InlineData("--before", "2025-13-45")]
    public async Task A_time_that_is_not_a_time_exits_with_code_2_naming_the_option(string option, string value)
    {
        var run = (await silo.RunOnline("query", option, value)).ExitsWith(ExitCodes.BadArguments);

        Assert.StartsWith($"error: {option}: '{value}' is not a time", run.Error);
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task A_limit_that_is_not_a_number_exits_with_code_2()
    {
        var run = (await silo.RunOnline("query", "--limit", "many")).ExitsWith(ExitCodes.BadArguments);

        Assert.Contains("many", run.Error);
    }
}

[Collection(CliSiloCollection.Name)]
public sealed class QueryCommandTests_Sqlite(CliSilo silo) : QueryCommandTests(silo);

[Collection(PostgresCliSiloCollection.Name)]
public sealed class QueryCommandTests_Postgres(PostgresCliSilo silo) : QueryCommandTests(silo);
